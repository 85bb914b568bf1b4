// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// The passive health of one endpoint of one cluster. Connection failures in a row eject it for a back-off period;
/// when that ends it serves again on probation, where one more failure ejects it for twice as long (up to a cap), and
/// its first success ends the probation. The instance outlives snapshot swaps as long as the endpoint stays in its
/// cluster, so a config change neither forgives a dead endpoint nor forgets a recovered one.
/// </summary>
internal sealed class EndpointHealth
{
    private readonly TimeProvider _time;
    private readonly Lock _transition = new();

    // TimeProvider timestamp until which the endpoint is out; 0 when it is not. Read on every pick, so no lock.
    private long _ejectedUntil;
    private int _consecutiveFailures;

    // Ejections since the endpoint last had a healthy spell as long as the longest ejection: the back-off exponent.
    private int _ejections;
    private volatile bool _onProbation;
    private long _healthySince;

    // Set by the active health checker (ActiveHealthChecker), read on every pick.
    private volatile bool _failsActiveChecks;

    public EndpointHealth(string clusterId, ClusterEndpoint endpoint, TimeProvider time)
    {
        _time = time;
        ClusterId = clusterId;
        Endpoint = endpoint;
        Address = endpoint.Address.Contains(':') ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";
        Destination = $"http://{Address}";
        MetricTags = [new("cluster", clusterId), new("endpoint", Address)];
    }

    public string ClusterId { get; }

    public ClusterEndpoint Endpoint { get; }

    /// <summary>address:port, with IPv6 addresses in brackets.</summary>
    public string Address { get; }

    /// <summary>"http://address:port", the forwarder's destination prefix.</summary>
    public string Destination { get; }

    /// <summary>The cluster and endpoint labels, made once so counting a failure allocates nothing.</summary>
    public KeyValuePair<string, object?>[] MetricTags { get; }

    /// <summary>The HTTP/1.1 client's idle connections to this endpoint; made on first use, kept across snapshots with this record.</summary>
    public Upstream.Http1ConnectionPool? Http1Pool { get; set; }

    public bool IsEjected
    {
        get
        {
            var until = Volatile.Read(ref _ejectedUntil);
            if (until == 0)
            {
                return false;
            }

            if (until > _time.GetTimestamp())
            {
                return true;
            }

            // Over: later picks need not read the clock. A concurrent new ejection wins the exchange.
            Interlocked.CompareExchange(ref _ejectedUntil, 0, until);
            return false;
        }
    }

    /// <summary>True once the endpoint has been ejected (it then keeps a series in the ejected-endpoints gauge).</summary>
    public bool HasBeenEjected => Volatile.Read(ref _ejections) > 0;

    /// <summary>
    /// True while active health checks find the endpoint unhealthy: it is out of rotation whatever the listener's passive
    /// settings, until the checks pass again (or stop, when the endpoint is no longer checked).
    /// </summary>
    public bool FailsActiveChecks
    {
        get => _failsActiveChecks;
        set => _failsActiveChecks = value;
    }

    /// <summary>True while the endpoint has been ejected and has not served a request since.</summary>
    public bool OnProbation => _onProbation;

    /// <summary>Counts a failed connection attempt; returns how long the endpoint is now ejected for, or null if it is not.</summary>
    public TimeSpan? ConnectFailed(PassiveHealthCheck settings)
    {
        var now = _time.GetTimestamp();
        lock (_transition)
        {
            if (_ejectedUntil > now)
            {
                return null; // An attempt that started before the ejection: already counted.
            }

            var threshold = _onProbation ? 1 : Math.Max(1, settings.ConsecutiveFailures);
            if (++_consecutiveFailures < threshold)
            {
                return null;
            }

            if (!_onProbation && _ejections > 0 && _time.GetElapsedTime(_healthySince, now) >= settings.MaxEjectionTime)
            {
                _ejections = 0; // Healthy for as long as the longest ejection: start the back-off over.
            }

            _ejections++;
            var duration = Backoff(settings, _ejections);
            _consecutiveFailures = 0;
            _onProbation = true;
            Volatile.Write(ref _ejectedUntil, now + (long)(duration.TotalSeconds * _time.TimestampFrequency));
            return duration;
        }
    }

    /// <summary>Counts a request the endpoint answered; returns true when that ended a probation.</summary>
    public bool Succeeded()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }

        if (!_onProbation)
        {
            return false;
        }

        lock (_transition)
        {
            if (!_onProbation)
            {
                return false;
            }

            _onProbation = false;
            _healthySince = _time.GetTimestamp();
            return true;
        }
    }

    /// <summary>Base time doubled per ejection after the first, capped.</summary>
    internal static TimeSpan Backoff(PassiveHealthCheck settings, int ejection)
    {
        var factor = Math.Pow(2, Math.Min(ejection - 1, 30));
        var seconds = Math.Min(settings.BaseEjectionTime.TotalSeconds * factor, settings.MaxEjectionTime.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Max(seconds, 0));
    }
}
