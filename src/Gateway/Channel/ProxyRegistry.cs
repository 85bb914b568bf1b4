// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using Gateway.Status;

namespace Gateway.Channel;

/// <summary>
/// The proxies with a stream open to this controller and the versions they acknowledged; from them, the
/// <see cref="ProxyConnection"/> that ProxyConfig status reports (a proxy's refusal of a snapshot included). A change of Connected's status or reason is
/// reported at once; anything else (counts, versions, lastSyncTime) at most every <see cref="QuietPeriod"/>, so a
/// fleet acknowledging a new version does not rewrite status once per proxy.
/// </summary>
public sealed partial class ProxyRegistry : IDisposable
{
    /// <summary>How long proxies have to apply a new version before status says NotInSync.</summary>
    internal static readonly TimeSpan SyncGrace = TimeSpan.FromSeconds(10);

    internal static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

    private readonly SnapshotFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger<ProxyRegistry> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Proxy> _streams = [];
    private readonly ITimer _tick;
    private long _nextStream;
    private DateTimeOffset _publishedAt;
    private DateTimeOffset? _lastSync;
    private DateTimeOffset _reportedAt;

    public ProxyRegistry(SnapshotFeed feed, TimeProvider time, IMeterFactory meterFactory, ILogger<ProxyRegistry> logger)
    {
        _feed = feed;
        _time = time;
        _logger = logger;
        meterFactory.Create(ChannelMetrics.MeterName).CreateObservableGauge("gateway.channel.proxies", () =>
        {
            lock (_lock)
            {
                return ConnectedNodes();
            }
        }, description: "Proxies connected to this controller.");
        _reportedAt = time.GetUtcNow();
        Reported = Compute(_reportedAt)!;
        feed.Published += OnPublished;
        // Re-evaluates when the grace or the quiet period ends without an event to trigger it.
        _tick = time.CreateTimer(_ => Evaluate(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>What status should say now.</summary>
    public ProxyConnection Reported { get; private set; }

    /// <summary>Raised when <see cref="Reported"/> changed.</summary>
    public event Action? Changed;

    /// <summary>Registers an open stream; disposing the result unregisters it.</summary>
    public IDisposable Connect(string nodeId, string peer)
    {
        long id;
        int count;
        lock (_lock)
        {
            id = ++_nextStream;
            _streams[id] = new Proxy(nodeId);
            count = ConnectedNodes();
        }

        LogConnected(_logger, nodeId, peer, count);
        Evaluate();
        return new Registration(this, id, nodeId);
    }

    /// <summary>
    /// A proxy reports what it serves and, with an error, the snapshot of this controller's it refused: status says
    /// SnapshotRejected until it acknowledges without one.
    /// </summary>
    public void Ack(string nodeId, ChannelPosition serving, ChannelPosition? rejected, string error)
    {
        // A refusal of another session's snapshot (remembered across this controller's restart) is old news.
        var refusal = rejected is { } position && error.Length > 0 && position.Session == _feed.Session ? new Refusal(position, error) : null;
        lock (_lock)
        {
            foreach (var proxy in _streams.Values.Where(p => p.NodeId == nodeId))
            {
                proxy.Serving = serving;
                proxy.Refused = refusal;
            }

            if (refusal is null && IsCurrent(serving))
            {
                _lastSync = _time.GetUtcNow();
            }
        }

        if (error.Length > 0)
        {
            LogRejected(_logger, nodeId, rejected?.ToString() ?? "?", error, serving.ToString());
        }

        Evaluate();
    }

    /// <summary>Recomputes the status and reports it when it changed and may be reported now.</summary>
    internal void Evaluate()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var fresh = Compute(now);
            if (fresh is null || fresh == Reported)
            {
                return;
            }

            var sameCondition = fresh.Connected == Reported.Connected && fresh.Reason == Reported.Reason;
            if (sameCondition && now - _reportedAt < QuietPeriod)
            {
                return;
            }

            Reported = fresh;
            _reportedAt = now;
        }

        Changed?.Invoke();
    }

    /// <summary>The status now; null while the newest version is still within its grace and nobody serves it yet.</summary>
    private ProxyConnection? Compute(DateTimeOffset now)
    {
        var lastSync = _lastSync;
        var connected = ConnectedNodes();
        if (connected == 0)
        {
            return new ProxyConnection(false, "NoProxiesConnected", "No proxy is connected to the config channel.", lastSync);
        }

        var version = _feed.Current?.Snapshot.Version ?? 0;
        if (Refusals() is { Count: > 0 } refusals)
        {
            // A refusal outranks the others being in sync: one proxy serving stale config is what the operator must see.
            var (node, refusal, serving) = refusals[0];
            var others = refusals.Count > 1 ? $" {refusals.Count - 1} more proxies refused a snapshot too." : "";
            return new ProxyConnection(false, "SnapshotRejected",
                $"Proxy {node} refused config version {refusal.Position.Version}: {refusal.Error}. It serves version {serving?.Version ?? 0}.{others}", lastSync);
        }

        var inSync = _streams.Values.Where(p => p.Serving is { } s && IsCurrent(s)).Select(p => p.NodeId).Distinct().Count();
        if (inSync > 0)
        {
            return new ProxyConnection(true, "InSync", $"{inSync} of {connected} connected proxies serve config version {version}.", lastSync);
        }

        return now - _publishedAt < SyncGrace
            ? null
            : new ProxyConnection(false, "NotInSync", $"{connected} proxies connected; none serves config version {version} yet.", lastSync);
    }

    /// <summary>Connected proxies that refused a snapshot of this session, by node id.</summary>
    private List<(string Node, Refusal Refusal, ChannelPosition? Serving)> Refusals() =>
    [
        .. _streams.Values.Where(p => p.Refused is not null)
            .GroupBy(p => p.NodeId, StringComparer.Ordinal).Select(g => (g.Key, g.First().Refused!, g.First().Serving))
            .OrderBy(r => r.Key, StringComparer.Ordinal),
    ];

    private bool IsCurrent(ChannelPosition position) =>
        position.Session == _feed.Session && _feed.Current is { } current && position.Version == current.Snapshot.Version;

    private int ConnectedNodes() => _streams.Values.Select(p => p.NodeId).Distinct().Count();

    private void OnPublished(Snapshot.ProxySnapshot snapshot)
    {
        lock (_lock)
        {
            _publishedAt = _time.GetUtcNow();
        }

        Evaluate();
    }

    private void Disconnect(long id, string nodeId)
    {
        int count;
        lock (_lock)
        {
            _streams.Remove(id);
            count = ConnectedNodes();
        }

        LogDisconnected(_logger, nodeId, count);
        Evaluate();
    }

    public void Dispose()
    {
        _feed.Published -= OnPublished;
        _tick.Dispose();
    }

    private sealed class Proxy(string nodeId)
    {
        public string NodeId { get; } = nodeId;

        public ChannelPosition? Serving { get; set; }

        /// <summary>The snapshot this proxy last refused and why; null once it acknowledges without an error.</summary>
        public Refusal? Refused { get; set; }
    }

    private sealed record Refusal(ChannelPosition Position, string Error);

    private sealed class Registration(ProxyRegistry registry, long id, string nodeId) : IDisposable
    {
        public void Dispose() => registry.Disconnect(id, nodeId);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Proxy {NodeId} connected from {Peer}; {Count} proxies connected")]
    private static partial void LogConnected(ILogger logger, string nodeId, string peer, int count);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Proxy {NodeId} disconnected; {Count} proxies connected")]
    private static partial void LogDisconnected(ILogger logger, string nodeId, int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Proxy {NodeId} could not apply config version {Rejected} ({Error}); it still serves version {Serving}")]
    private static partial void LogRejected(ILogger logger, string nodeId, string rejected, string error, string serving);
}
