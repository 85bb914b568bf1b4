// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;
using Gateway.Translation.Routes;

namespace Gateway.Translation.GatewayClasses;

/// <summary>A ProxyConfig's spec.healthCheck as snapshot settings; a bad value is reported and its default used.</summary>
internal static class HealthCheckSettings
{
    public static PassiveHealthCheck? Passive(ProxyConfigPassiveHealthCheck? passive, ImmutableArray<string>.Builder problems)
    {
        if (passive is null)
        {
            return null;
        }

        var defaults = PassiveHealthCheck.Default;
        var consecutiveFailures = defaults.ConsecutiveFailures;
        if (passive.ConsecutiveFailures is { } failures)
        {
            if (failures < 1)
            {
                problems.Add($"spec.healthCheck.passive.consecutiveFailures must be at least 1, not {failures.ToString(CultureInfo.InvariantCulture)}.");
            }
            else
            {
                consecutiveFailures = failures;
            }
        }

        var baseTime = Duration(passive.BaseEjectionTime, "baseEjectionTime", defaults.BaseEjectionTime, problems);
        var maxTime = Duration(passive.MaxEjectionTime, "maxEjectionTime", defaults.MaxEjectionTime, problems);
        if (maxTime < baseTime)
        {
            if (passive.MaxEjectionTime is not null)
            {
                problems.Add($"spec.healthCheck.passive.maxEjectionTime {passive.MaxEjectionTime} is shorter than baseEjectionTime; baseEjectionTime is used for both.");
            }

            maxTime = baseTime;
        }

        return new PassiveHealthCheck(passive.Enabled ?? true, consecutiveFailures, baseTime, maxTime);
    }

    private static TimeSpan Duration(string? text, string field, TimeSpan fallback, ImmutableArray<string>.Builder problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!Durations.TryParse(text, out var value) || value <= TimeSpan.Zero)
        {
            problems.Add($"spec.healthCheck.passive.{field}: {text} is not a positive duration such as 5s or 1m30s.");
            return fallback;
        }

        return value;
    }
}
