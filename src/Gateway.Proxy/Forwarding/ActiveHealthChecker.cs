// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Proxy.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Active HTTP health checks, one checker per process. After each snapshot swap it works out which endpoints are to be
/// checked (<see cref="ActiveHealthTargets"/>) and keeps one probe loop per endpoint, keyed by the endpoint's
/// <see cref="EndpointHealth"/> instance: the cluster table hands that instance on to the next snapshot for an endpoint
/// that stays, so its loop and its threshold counts go on across config changes, and an endpoint that goes (or whose
/// listeners stop asking for checks) has its loop stopped and its verdict dropped. Requests only read
/// <see cref="EndpointHealth.FailsActiveChecks"/>.
/// </summary>
public sealed partial class ActiveHealthChecker : BackgroundService
{
    private readonly ProxyState _state;
    private readonly TimeProvider _time;
    private readonly HealthProbe _probe;
    private readonly HttpMessageInvoker? _client;
    private readonly ILogger _logger;
    private readonly Counter<long> _checks;
    private readonly Lock _reconcile = new();
    private Dictionary<EndpointHealth, ProbeLoop> _loops = new(ReferenceEqualityComparer.Instance);
    private bool _stopped;

    // The clusters checked now, for the unhealthy-endpoints gauge (read on a scrape, on another thread).
    private volatile LiveCluster[] _checkedClusters = [];

    public ActiveHealthChecker(ProxyState state, IMeterFactory meters, TimeProvider time, ILogger<ActiveHealthChecker> logger)
        : this(state, meters, time, logger, probe: null)
    {
    }

    /// <param name="probe">Sends one check; null sends real HTTP GETs.</param>
    internal ActiveHealthChecker(ProxyState state, IMeterFactory meters, TimeProvider time, ILogger logger, HealthProbe? probe)
    {
        _state = state;
        _time = time;
        _logger = logger;
        if (probe is null)
        {
            _client = new HttpMessageInvoker(HttpHealthProbe.CreateHandler());
            probe = new HttpHealthProbe(_client).SendAsync;
        }

        _probe = probe;
        var meter = meters.Create(ProxyMetrics.MeterName);
        _checks = meter.CreateCounter<long>("gateway.upstream.health_checks",
            description: "Active health checks sent to backend endpoints, by result (passed, bad_status, timed_out, connection_failed, error).");
        meter.CreateObservableGauge("gateway.upstream.unhealthy_endpoints", UnhealthyEndpoints,
            description: "Endpoints out of rotation now because their active health checks fail, by cluster (clusters checked actively).");
    }

    /// <summary>Endpoints with a probe loop now (tests check that none outlives its endpoint).</summary>
    internal int CheckedEndpoints
    {
        get
        {
            lock (_reconcile)
            {
                return _loops.Count;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _state.Applied += OnApplied;
        try
        {
            Reconcile();
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _state.Applied -= OnApplied;
            StopAll();
        }
    }

    public override void Dispose()
    {
        StopAll();
        _client?.Dispose();
        base.Dispose();
    }

    private void OnApplied(Snapshot.ProxySnapshot snapshot) => Reconcile();

    /// <summary>Starts loops for endpoints newly to be checked, updates the settings of the others, stops the rest.</summary>
    private void Reconcile()
    {
        // The live config, not the event's snapshot: its clusters hold the EndpointHealth instances requests pick.
        // A newer swap that overtakes this one only raises one more (idempotent) reconcile.
        var config = _state.Current;
        var targets = ActiveHealthTargets.Of(config.Routes.Snapshot);
        lock (_reconcile)
        {
            if (_stopped)
            {
                return;
            }

            var next = new Dictionary<EndpointHealth, ProbeLoop>(ReferenceEqualityComparer.Instance);
            var checkedClusters = new List<LiveCluster>(targets.Count);
            foreach (var (clusterId, settings) in targets)
            {
                if (config.Clusters.Find(clusterId) is not { } cluster)
                {
                    continue;
                }

                checkedClusters.Add(cluster);
                var target = new HealthCheckTarget(settings, cluster.Cluster.Protocol, cluster.TlsClient);
                foreach (var endpoint in cluster.Endpoints)
                {
                    if (_loops.Remove(endpoint, out var loop))
                    {
                        loop.Target = target;
                    }
                    else
                    {
                        loop = new ProbeLoop(endpoint, target);
                        _ = Task.Run(() => RunAsync(loop));
                    }

                    next[endpoint] = loop;
                }
            }

            foreach (var gone in _loops.Values)
            {
                gone.Stop();
            }

            _loops = next;
            _checkedClusters = [.. checkedClusters];
        }
    }

    private void StopAll()
    {
        lock (_reconcile)
        {
            _stopped = true;
            foreach (var loop in _loops.Values)
            {
                loop.Stop();
            }

            _loops.Clear();
            _checkedClusters = [];
        }
    }

    private async Task RunAsync(ProbeLoop loop)
    {
        var endpoint = loop.Endpoint;
        var token = loop.Stopping;
        try
        {
            // The first check at a random point of the interval, so a large cluster's checks do not go out together.
            var delay = loop.Target.Settings.Interval * Random.Shared.NextDouble();
            while (true)
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
                var target = loop.Target;
                ProbeResult result;
                try
                {
                    result = await _probe(endpoint, target, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    result = ProbeResult.Failed(e.Message);
                }

                if (token.IsCancellationRequested)
                {
                    return;
                }

                switch (loop.State.Record(result.Passed, target.Settings))
                {
                    case ActiveHealthChange.TurnedUnhealthy:
                        LogTurnedUnhealthy(_logger, endpoint.Address, endpoint.ClusterId, target.Settings.UnhealthyThreshold, result.Reason);
                        break;
                    case ActiveHealthChange.Recovered:
                        LogRecovered(_logger, endpoint.Address, endpoint.ClusterId, target.Settings.HealthyThreshold, result.Reason);
                        break;
                }

                // Counted once applied, so a check seen on /metrics has already had its effect.
                _checks.Add(1, new TagList { { "cluster", endpoint.ClusterId }, { "endpoint", endpoint.Address }, { "result", result.Result } });

                // ±10 %: checks that started together drift apart.
                delay = target.Settings.Interval * (0.9 + (Random.Shared.NextDouble() * 0.2));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug: stop checking this endpoint rather than leave it out of rotation on a verdict nobody updates.
            loop.State.Stop();
            LogLoopFailed(_logger, endpoint.Address, endpoint.ClusterId, e);
        }
        finally
        {
            loop.Dispose();
        }
    }

    private IEnumerable<Measurement<int>> UnhealthyEndpoints()
    {
        foreach (var cluster in _checkedClusters)
        {
            var unhealthy = 0;
            foreach (var endpoint in cluster.Endpoints)
            {
                unhealthy += endpoint.FailsActiveChecks ? 1 : 0;
            }

            yield return new Measurement<int>(unhealthy, new KeyValuePair<string, object?>("cluster", cluster.Cluster.Id));
        }
    }

    /// <summary>One endpoint's checks: its settings (swapped on a config change), its verdict and its stop signal.</summary>
    private sealed class ProbeLoop : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private volatile HealthCheckTarget _target;
        private int _stopped;

        public ProbeLoop(EndpointHealth endpoint, HealthCheckTarget target)
        {
            Endpoint = endpoint;
            State = new ActiveHealthState(endpoint);
            Stopping = _stop.Token;
            _target = target;
        }

        public EndpointHealth Endpoint { get; }

        public ActiveHealthState State { get; }

        public CancellationToken Stopping { get; }

        public HealthCheckTarget Target
        {
            get => _target;
            set => _target = value;
        }

        public void Stop()
        {
            State.Stop();
            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                try
                {
                    _stop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The loop already ended on an error.
                }
            }
        }

        public void Dispose() => _stop.Dispose();
    }

    [LoggerMessage(EventId = 6250, Level = LogLevel.Warning,
        Message = "Endpoint {Endpoint} of {Cluster} is out of rotation: {Count} active health checks failed in a row, the last: {Reason}")]
    private static partial void LogTurnedUnhealthy(ILogger logger, string endpoint, string cluster, int count, string reason);

    [LoggerMessage(EventId = 6251, Level = LogLevel.Information,
        Message = "Endpoint {Endpoint} of {Cluster} is back in rotation: {Count} active health checks passed in a row, the last: {Reason}")]
    private static partial void LogRecovered(ILogger logger, string endpoint, string cluster, int count, string reason);

    [LoggerMessage(EventId = 6252, Level = LogLevel.Error, Message = "Active health checks of endpoint {Endpoint} of {Cluster} stopped on an unexpected error")]
    private static partial void LogLoopFailed(ILogger logger, string endpoint, string cluster, Exception exception);
}
