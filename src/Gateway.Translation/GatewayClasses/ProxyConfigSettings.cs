// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;
using Gateway.Translation.Routes;

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

    /// <summary>spec.shutdown.drainPeriod, when set and valid.</summary>
    public TimeSpan? DrainPeriod { get; init; }

    /// <summary>spec.metrics.routeLabels: request metrics by route as well as by Gateway (a boolean: nothing to validate).</summary>
    public bool RouteLabels { get; init; }

    public static ProxyConfigSettings From(ProxyConfigSpec spec)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        var defaults = TimeoutDefaults(spec.Timeouts, problems);
        var connectionLimits = ValidLimits(spec.ConnectionLimits, problems);
        var clientLimits = ClientLimitSettings.From(spec, problems);
        var passiveHealthCheck = HealthCheckSettings.Passive(spec.HealthCheck?.Passive, problems);
        var drainPeriod = DrainPeriodOf(spec.Shutdown, problems);
        return new ProxyConfigSettings(spec.AccessLog == true, defaults, connectionLimits, spec.Service, problems.ToImmutable())
        {
            ClientLimits = clientLimits,
            PassiveHealthCheck = passiveHealthCheck,
            DrainPeriod = drainPeriod,
            RouteLabels = spec.Metrics?.RouteLabels == true,
        };
    }

    private static TimeSpan? DrainPeriodOf(ProxyConfigShutdown? shutdown, ImmutableArray<string>.Builder problems)
    {
        if (shutdown?.DrainPeriod is not { } text)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value))
        {
            problems.Add($"spec.shutdown.drainPeriod: {text} is not a duration such as 5s or 1m30s.");
            return null;
        }

        return value;
    }

    /// <summary>Timeouts as listener defaults; zero means no default.</summary>
    private static ListenerDefaults? TimeoutDefaults(ProxyConfigTimeouts? timeouts, ImmutableArray<string>.Builder problems)
    {
        if (timeouts is null)
        {
            return null;
        }

        TimeSpan? Parse(string? text, string field)
        {
            if (text is null)
            {
                return null;
            }

            if (!Durations.TryParse(text, out var value))
            {
                problems.Add($"spec.timeouts.{field}: {text} is not a duration such as 30s or 1m30s.");
                return null;
            }

            return value > TimeSpan.Zero ? value : null;
        }

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
