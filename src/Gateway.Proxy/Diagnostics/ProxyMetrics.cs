// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using Gateway.Proxy.Forwarding;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// Data-plane meters: request duration (its count is the request count) by Gateway and status code, and by route
/// where a ProxyConfig asks for it; rejected connections by socket; upstream connection failures, connect retries and
/// ejections by cluster and endpoint; access-log lines dropped.
/// </summary>
public sealed class ProxyMetrics
{
    public const string MeterName = "Gateway.Proxy";

    /// <summary>Latency buckets from 1 ms to 30 s.</summary>
    internal static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rejectedConnections;
    private readonly Counter<long> _connectFailures;
    private readonly Counter<long> _connectRetries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _accessLogDropped;
    private readonly Counter<long> _bindFailures;
    private readonly Counter<long> _bodiesNotReplayable;

    public ProxyMetrics(IMeterFactory meterFactory, ProxyState state)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("gateway.request.duration", unit: "s",
            description: "Time from request start to response end; its count is the number of requests handled.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _rejectedConnections = meter.CreateCounter<long>("gateway.connections.rejected",
            description: "Client connections closed on accept because their socket had its maxConnections open.");
        _connectFailures = meter.CreateCounter<long>("gateway.upstream.connect_failures",
            description: "Connection attempts to a backend endpoint that failed (refused, reset or timed out) before anything was sent.");
        _connectRetries = meter.CreateCounter<long>("gateway.upstream.connect_retries",
            description: "Requests sent again to another endpoint because the connection to this one failed.");
        _ejections = meter.CreateCounter<long>("gateway.upstream.ejections",
            description: "Times an endpoint was left out of its cluster's rotation after connection failures.");
        _accessLogDropped = meter.CreateCounter<long>("gateway.access_log.dropped",
            description: "Access-log lines left out because the writer was behind (the request never waits for the log).");
        _bindFailures = meter.CreateCounter<long>("gateway.listener.bind_failures",
            description: "Attempts to bind a listener socket that failed (port taken, access denied, address not on this host).");
        _bodiesNotReplayable = meter.CreateCounter<long>("gateway.request.bodies_not_replayable",
            description: "Requests on a route with retries or mirrors whose body was too large to hold: sent once, without them (by what was given up).");
        meter.CreateObservableGauge("gateway.upstream.ejected_endpoints", () => EjectedEndpoints(state),
            description: "Endpoints left out of rotation now, by cluster (clusters that have had an ejection).");
    }

    /// <summary>One request: labels made when the snapshot was compiled, so nothing is built or boxed here.</summary>
    internal void RequestCompleted(RequestLabels labels, int statusCode, double seconds)
    {
        var code = RequestLabels.Code(statusCode);
        if (labels.Route is { } route)
        {
            _duration.Record(seconds, labels.Gateway, route, code);
        }
        else
        {
            _duration.Record(seconds, labels.Gateway, code);
        }
    }

    internal void AccessLogDropped() => _accessLogDropped.Add(1);

    internal void BodyNotReplayable(bool retry, bool mirror) =>
        _bodiesNotReplayable.Add(1, new KeyValuePair<string, object?>("given_up", retry && mirror ? "retry,mirror" : retry ? "retry" : "mirror"));

    /// <param name="bind">The socket as address:port.</param>
    public void ConnectionRejected(string bind) => _rejectedConnections.Add(1, new KeyValuePair<string, object?>("bind", bind));

    /// <param name="address">The socket as address:port.</param>
    public void BindFailed(string address) => _bindFailures.Add(1, new KeyValuePair<string, object?>("address", address));

    internal void ConnectFailed(EndpointHealth endpoint) => _connectFailures.Add(1, endpoint.MetricTags);

    internal void ConnectRetried(EndpointHealth failed) => _connectRetries.Add(1, failed.MetricTags);

    internal void Ejected(EndpointHealth endpoint) => _ejections.Add(1, endpoint.MetricTags);

    private static IEnumerable<Measurement<int>> EjectedEndpoints(ProxyState state)
    {
        foreach (var cluster in state.Current.Clusters.Clusters)
        {
            var (ejected, tracked) = Count(cluster);
            if (tracked)
            {
                yield return new Measurement<int>(ejected, new KeyValuePair<string, object?>("cluster", cluster.Cluster.Id));
            }
        }
    }

    private static (int Ejected, bool Tracked) Count(LiveCluster cluster)
    {
        var ejected = 0;
        var tracked = false;
        foreach (var endpoint in cluster.Endpoints)
        {
            tracked |= endpoint.HasBeenEjected;
            ejected += endpoint.IsEjected ? 1 : 0;
        }

        return (ejected, tracked);
    }
}
