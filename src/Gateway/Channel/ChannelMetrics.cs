// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Channel;

/// <summary>
/// A proxy's config channel meters: its link to the controller and what it applied. (A controller counts its proxies in
/// <see cref="ProxyRegistry"/>; one process never has both, so each side exports only what means something there.)
/// </summary>
public sealed class ChannelMetrics
{
    public const string MeterName = "Gateway.Channel";

    private readonly Counter<long> _snapshots;
    private volatile int _connected;
    private long _appliedVersion;

    public ChannelMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _snapshots = meter.CreateCounter<long>("gateway.channel.snapshots.received",
            description: "Snapshots a proxy received, by result (applied, stale, failed).");
        meter.CreateObservableGauge("gateway.channel.connected", () => _connected, description: "1 while a proxy has a stream open to its controller.");
        meter.CreateObservableGauge("gateway.channel.applied.version", () => Interlocked.Read(ref _appliedVersion),
            description: "The version of the snapshot a proxy serves (within its controller session).");
    }

    public void SetConnected(bool connected) => _connected = connected ? 1 : 0;

    public void RecordSnapshot(string result, long version)
    {
        _snapshots.Add(1, new TagList { { "result", result } });
        if (result == "applied")
        {
            Interlocked.Exchange(ref _appliedVersion, version);
        }
    }
}
