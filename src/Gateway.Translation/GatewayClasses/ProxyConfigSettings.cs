// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;

namespace Gateway.Translation.GatewayClasses;

/// <summary>
/// What a ProxyConfig sets on the listeners of its class, and why any value was ignored. In a cluster the CRD
/// schema rejects bad values; from files nothing does, so a bad value is reported and left out, never fatal.
/// </summary>
internal sealed record ProxyConfigSettings(
    bool AccessLog, ListenerDefaults? Defaults, ConnectionLimits? ConnectionLimits, ProxyConfigService? Service, ImmutableArray<string> Problems)
{
    /// <summary>Request body size and client timeouts (see <see cref="ClientLimitSettings"/>).</summary>
    public ClientLimits? ClientLimits { get; init; }

    /// <summary>Outlier detection for the endpoints the class's routes reach; null is the default.</summary>
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }

    /// <summary>Active HTTP health checks for the endpoints the class's routes reach; null is off.</summary>
    public ActiveHealthCheck? ActiveHealthCheck { get; init; }

    /// <summary>HTTP/2 limits for client connections (see <see cref="Http2Settings"/>).</summary>
    public Http2Limits? Http2 { get; init; }

    /// <summary>spec.shutdown.drainPeriod, when set and valid.</summary>
    public TimeSpan? DrainPeriod { get; init; }

    /// <summary>spec.metrics.routeLabels: request metrics by route as well as by Gateway (a boolean: nothing to validate).</summary>
    public bool RouteLabels { get; init; }

    /// <summary>spec.tracing.samplingRatio when set, valid and above zero.</summary>
    public double? TracingSamplingRatio { get; init; }

    public static ProxyConfigSettings From(ProxyConfigSpec spec)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        var defaults = TimeoutDefaults(spec.Timeouts, problems);
        var connectionLimits = ValidLimits(spec.ConnectionLimits, problems);
        var clientLimits = ClientLimitSettings.From(spec, problems);
        var passiveHealthCheck = HealthCheckSettings.Passive(spec.HealthCheck?.Passive, problems);
        var activeHealthCheck = HealthCheckSettings.Active(spec.HealthCheck?.Active, problems);
        var http2 = Http2Settings.From(spec.Http2, problems);
        var drainPeriod = SpecDurations.Parse(spec.Shutdown?.DrainPeriod, "spec.shutdown.drainPeriod", positive: false, "5s", problems);
        var samplingRatio = SamplingRatio(spec.Tracing, problems);
        return new ProxyConfigSettings(spec.AccessLog == true, defaults, connectionLimits, spec.Service, problems.ToImmutable())
        {
            ClientLimits = clientLimits,
            PassiveHealthCheck = passiveHealthCheck,
            ActiveHealthCheck = activeHealthCheck,
            DrainPeriod = drainPeriod,
            Http2 = http2,
            RouteLabels = spec.Metrics?.RouteLabels == true,
            TracingSamplingRatio = samplingRatio,
        };
    }

    private static double? SamplingRatio(ProxyConfigTracing? tracing, ImmutableArray<string>.Builder problems)
    {
        if (tracing?.SamplingRatio is not { } ratio)
        {
            return null;
        }

        if (!(ratio is >= 0 and <= 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"spec.tracing.samplingRatio {ratio} is not between 0 and 1; tracing stays off."));
            return null;
        }

        return ratio > 0 ? ratio : null;
    }

    /// <summary>Timeouts as listener defaults; zero means no default.</summary>
    private static ListenerDefaults? TimeoutDefaults(ProxyConfigTimeouts? timeouts, ImmutableArray<string>.Builder problems)
    {
        if (timeouts is null)
        {
            return null;
        }

        TimeSpan? Parse(string? text, string field) =>
            SpecDurations.Parse(text, $"spec.timeouts.{field}", positive: false, "30s", problems) is { } value && value > TimeSpan.Zero ? value : null;

        return new ListenerDefaults(Parse(timeouts.Request, "request"), Parse(timeouts.Idle, "idle"));
    }

    private static ConnectionLimits? ValidLimits(ProxyConfigConnectionLimits? limits, ImmutableArray<string>.Builder problems)
    {
        if (limits is null)
        {
            return null;
        }

        int? AtLeastOne(int? value, string field)
        {
            if (value < 1)
            {
                problems.Add($"spec.connectionLimits.{field} must be at least 1, not {value.Value.ToString(CultureInfo.InvariantCulture)}.");
                return null;
            }

            return value;
        }

        var result = new ConnectionLimits(AtLeastOne(limits.MaxConnections, "maxConnections"), AtLeastOne(limits.MaxRequestsPerConnection, "maxRequestsPerConnection"));
        return result is { MaxConnections: null, MaxRequestsPerConnection: null } ? null : result;
    }
}
