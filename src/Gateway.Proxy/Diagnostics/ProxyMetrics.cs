// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Proxy.Diagnostics;

/// <summary>Data-plane meters: requests and their duration by route and status code; rejected connections by socket.</summary>
public sealed class ProxyMetrics
{
    public const string MeterName = "Gateway.Proxy";

    /// <summary>Latency buckets from 1 ms to 30 s.</summary>
    internal static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rejectedConnections;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("gateway.requests", description: "Requests handled by the data plane.");
        _duration = meter.CreateHistogram<double>("gateway.request.duration", unit: "s", description: "Time from request start to response end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _rejectedConnections = meter.CreateCounter<long>("gateway.connections.rejected",
            description: "Client connections closed on accept because their socket had its maxConnections open.");
    }

    public void Record(string route, int statusCode, double seconds)
    {
        var tags = new TagList { { "route", route }, { "code", statusCode } };
        _requests.Add(1, tags);
        _duration.Record(seconds, tags);
    }

    /// <param name="bind">The socket as address:port.</param>
    public void ConnectionRejected(string bind) => _rejectedConnections.Add(1, new KeyValuePair<string, object?>("bind", bind));
}
