// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Forwarding;
using Gateway.Proxy.Layer4;
using Gateway.Proxy.Listeners;
using Gateway.Proxy.Matching;
using Gateway.Proxy.Tls;
using Gateway.Snapshot;

namespace Gateway.Proxy;

/// <summary>
/// The live data-plane configuration: a route table and cluster table compiled from one snapshot.
/// Apply compiles off the hot path and swaps one reference; requests in flight keep the table they started with.
/// </summary>
public sealed class ProxyState(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile LiveConfig _current = new(RouteTable.Empty, ClusterTable.Empty, CertificateStore.Empty, SocketLimits.Empty, Layer4Table.Empty);

    /// <summary>Raised after a new snapshot is live.</summary>
    public event Action<ProxySnapshot>? Applied;

    public ProxySnapshot Snapshot => _current.Routes.Snapshot;

    /// <summary>True once a snapshot from a source has been applied.</summary>
    public bool HasSnapshot { get; private set; }

    internal LiveConfig Current => _current;

    /// <summary>
    /// Makes the snapshot live. Everything is built before the one swap, so a snapshot that throws here (a certificate
    /// that does not load, a route that does not compile) changes nothing: the caller refuses it and the last good one
    /// keeps serving.
    /// </summary>
    public void Apply(ProxySnapshot snapshot)
    {
        var previous = _current;
        _current = new LiveConfig(
            new RouteTable(snapshot, previous.Routes), new ClusterTable(snapshot.Clusters, previous.Clusters, _time),
            new CertificateStore(snapshot.Certificates, previous.Certificates), new SocketLimits(snapshot), new Layer4Table(snapshot));
        HasSnapshot = true;
        Applied?.Invoke(snapshot);
    }

    /// <summary>The (address, port, TLS or not) the snapshot needs bound.</summary>
    public IReadOnlyList<ListenerBind> Binds => [.. _current.Routes.Binds];

    internal sealed record LiveConfig(RouteTable Routes, ClusterTable Clusters, CertificateStore Certificates, SocketLimits Limits, Layer4Table Layer4);
}
