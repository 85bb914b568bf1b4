// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>Clusters by id, each with its endpoints as ready-made destination prefixes.</summary>
internal sealed class ClusterTable
{
    public static readonly ClusterTable Empty = new([]);

    private readonly FrozenDictionary<string, LiveCluster> _clusters;

    public ClusterTable(IEnumerable<Cluster> clusters) =>
        _clusters = clusters.ToFrozenDictionary(c => c.Id, c => new LiveCluster(c), StringComparer.Ordinal);

    public LiveCluster? Find(string id) => _clusters.GetValueOrDefault(id);
}

/// <summary>A cluster with a round-robin cursor over its endpoints.</summary>
internal sealed class LiveCluster(Cluster cluster)
{
    private readonly string[] _destinations =
        [.. cluster.Endpoints.Select(e => e.Address.Contains(':') ? $"http://[{e.Address}]:{e.Port}" : $"http://{e.Address}:{e.Port}")];
    private int _next = -1;

    public Cluster Cluster { get; } = cluster;

    /// <summary>The next endpoint's "http://address:port", or null when the Service has no ready endpoint.</summary>
    public string? NextDestination()
    {
        var endpoints = _destinations;
        if (endpoints.Length == 0)
        {
            return null;
        }

        var index = (uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length;
        return endpoints[index];
    }
}
