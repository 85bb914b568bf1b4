// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>Clusters by id, each with its endpoints and their passive health.</summary>
internal sealed class ClusterTable
{
    public static readonly ClusterTable Empty = new([], null, TimeProvider.System);

    private readonly FrozenDictionary<string, LiveCluster> _clusters;

    /// <param name="previous">The table this one replaces: endpoints that stay keep their health state.</param>
    public ClusterTable(IEnumerable<Cluster> clusters, ClusterTable? previous, TimeProvider time) =>
        _clusters = clusters.ToFrozenDictionary(c => c.Id, c => LiveCluster.Create(c, previous?.Find(c.Id), time), StringComparer.Ordinal);

    public LiveCluster? Find(string id) => _clusters.GetValueOrDefault(id);

    public IEnumerable<LiveCluster> Clusters => _clusters.Values;
}

/// <summary>A cluster with a round-robin cursor over its endpoints, skipping ejected and actively unhealthy ones.</summary>
internal sealed class LiveCluster
{
    private readonly EndpointHealth[] _endpoints;
    private int _next = -1;

    private LiveCluster(Cluster cluster, EndpointHealth[] endpoints, LiveCluster? previous)
    {
        Cluster = cluster;
        _endpoints = endpoints;
        if (cluster.Tls is { } tls)
        {
            TlsKey = BackendTlsClient.KeyOf(tls, cluster.Protocol);
            var same = previous?.TlsKey == TlsKey;
            TlsClient = same ? previous!.TlsClient : BackendTlsClient.Create(tls, cluster.Protocol, null);
            _withClientCertificate = same ? previous!._withClientCertificate : new(ReferenceEqualityComparer.Instance);
        }
    }

    // Per Gateway client certificate (CertificateStore keeps one instance per content, so a rotated one gets a new client).
    private readonly ConcurrentDictionary<X509Certificate2, HttpMessageInvoker>? _withClientCertificate;

    /// <summary>The TLS client for requests from a Gateway that presents this certificate to backends; null for plain clusters.</summary>
    public HttpMessageInvoker? TlsClientFor(X509Certificate2? clientCertificate) =>
        clientCertificate is null || _withClientCertificate is null
            ? TlsClient
            : _withClientCertificate.GetOrAdd(clientCertificate, c => BackendTlsClient.Create(Cluster.Tls!, Cluster.Protocol, c));

    public Cluster Cluster { get; }

    /// <summary>With a BackendTLSPolicy: the client that speaks TLS to the endpoints (kept while the setting is unchanged).</summary>
    public HttpMessageInvoker? TlsClient { get; }

    private string? TlsKey { get; }

    public ReadOnlySpan<EndpointHealth> Endpoints => _endpoints;

    public static LiveCluster Create(Cluster cluster, LiveCluster? previous, TimeProvider time)
    {
        if (previous is null || previous._endpoints.Length == 0)
        {
            return new LiveCluster(cluster, [.. cluster.Endpoints.Select(e => new EndpointHealth(cluster.Id, e, time))], previous);
        }

        var kept = new Dictionary<ClusterEndpoint, EndpointHealth>(previous._endpoints.Length);
        foreach (var endpoint in previous._endpoints)
        {
            kept[endpoint.Endpoint] = endpoint;
        }

        return new LiveCluster(cluster, [.. cluster.Endpoints.Select(e => kept.GetValueOrDefault(e) ?? new EndpointHealth(cluster.Id, e, time))], previous);
    }

    /// <summary>
    /// The next endpoint in turn that is not ejected, not failing active health checks and not <paramref name="avoid"/>;
    /// when every other endpoint is out, the next one anyway (panic mode, as in Envoy: a guess beats refusing every request); avoid itself only
    /// when it is the only endpoint. Null when the Service has no ready endpoint.
    /// </summary>
    /// <param name="honourEjections">False when the listener turned passive health checking off (active checks still count).</param>
    public EndpointHealth? Pick(EndpointHealth? avoid = null, bool honourEjections = true)
    {
        var endpoints = _endpoints;
        if (endpoints.Length == 0)
        {
            return null;
        }

        var start = (uint)Interlocked.Increment(ref _next);
        EndpointHealth? fallback = null;
        for (var i = 0u; i < (uint)endpoints.Length; i++)
        {
            var endpoint = endpoints[(start + i) % (uint)endpoints.Length];
            if (ReferenceEquals(endpoint, avoid))
            {
                continue;
            }

            if (!endpoint.FailsActiveChecks && (!honourEjections || !endpoint.IsEjected))
            {
                return endpoint;
            }

            fallback ??= endpoint;
        }

        return fallback ?? avoid;
    }
}
