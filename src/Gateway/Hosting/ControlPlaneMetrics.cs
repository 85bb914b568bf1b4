// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Hosting;

/// <summary>Control-plane meters: config applies, their duration, and watched objects by kind.</summary>
public sealed class ControlPlaneMetrics
{
    public const string MeterName = "Gateway.ControlPlane";

    /// <summary>Latency buckets from 1 ms to 30 s.</summary>
    internal static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _applies;
    private readonly Histogram<double> _applyDuration;
    private volatile IReadOnlyDictionary<string, int> _objects = new Dictionary<string, int>();

    public ControlPlaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _applies = meter.CreateCounter<long>("gateway.config.applies", description: "Snapshots applied to the data plane, by result.");
        _applyDuration = meter.CreateHistogram<double>("gateway.config.apply.duration", unit: "s", description: "Translate and apply time per change.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        meter.CreateObservableGauge("gateway.objects", () =>
            _objects.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("kind", kv.Key))),
            description: "Watched objects by kind.");
    }

    public void RecordApply(string result, TimeSpan duration)
    {
        var tags = new TagList { { "result", result } };
        _applies.Add(1, tags);
        _applyDuration.Record(duration.TotalSeconds, tags);
    }

    public void SetObjectCounts(IReadOnlyDictionary<string, int> counts) => _objects = counts;
}
