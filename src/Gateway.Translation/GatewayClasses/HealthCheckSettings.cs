// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;

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

        var baseTime = SpecDurations.Parse(passive.BaseEjectionTime, "spec.healthCheck.passive.baseEjectionTime", positive: true, "5s", problems) ?? defaults.BaseEjectionTime;
        var maxTime = SpecDurations.Parse(passive.MaxEjectionTime, "spec.healthCheck.passive.maxEjectionTime", positive: true, "5s", problems) ?? defaults.MaxEjectionTime;
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
}
