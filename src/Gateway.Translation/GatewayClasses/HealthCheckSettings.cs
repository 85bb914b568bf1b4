// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;

namespace Gateway.Translation.GatewayClasses;

/// <summary>A ProxyConfig's spec.healthCheck as snapshot settings; a bad value is reported and its default used.</summary>
internal static class HealthCheckSettings
{
    /// <summary>Probes more often than this would cost the backends more than they tell.</summary>
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);

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

    /// <summary>Off (null) unless enabled; every value is checked either way, so a typo shows before it is turned on.</summary>
    public static ActiveHealthCheck? Active(ProxyConfigActiveHealthCheck? active, ImmutableArray<string>.Builder problems)
    {
        if (active is null)
        {
            return null;
        }

        var defaults = ActiveHealthCheck.Default;
        var path = defaults.Path;
        if (active.Path is { } text)
        {
            if (IsRequestPath(text))
            {
                path = text;
            }
            else
            {
                problems.Add($"spec.healthCheck.active.path: {text} is not a path that starts with / (no spaces, no #).");
            }
        }

        var hostname = active.Hostname;
        if (hostname is not null && (hostname.Length > 253 || Uri.CheckHostName(hostname) is not (UriHostNameType.Dns or UriHostNameType.IPv4)))
        {
            problems.Add($"spec.healthCheck.active.hostname: {hostname} is not a DNS name or an IPv4 address.");
            hostname = null;
        }

        var interval = SpecDurations.Parse(active.Interval, "spec.healthCheck.active.interval", positive: true, "5s", problems) ?? defaults.Interval;
        if (interval < MinimumInterval)
        {
            problems.Add($"spec.healthCheck.active.interval must be at least 100ms, not {active.Interval}.");
            interval = defaults.Interval;
        }

        var timeout = SpecDurations.Parse(active.Timeout, "spec.healthCheck.active.timeout", positive: true, "5s", problems) ?? defaults.Timeout;
        var unhealthyThreshold = AtLeastOne(active.UnhealthyThreshold, "unhealthyThreshold", defaults.UnhealthyThreshold, problems);
        var healthyThreshold = AtLeastOne(active.HealthyThreshold, "healthyThreshold", defaults.HealthyThreshold, problems);
        var statuses = StatusRanges(active.ExpectedStatuses, problems) ?? defaults.ExpectedStatuses;
        return active.Enabled == true
            ? new ActiveHealthCheck(path, hostname, interval, timeout, unhealthyThreshold, healthyThreshold, statuses)
            : null;
    }

    private static bool IsRequestPath(string text)
    {
        if (text.Length is 0 or > 1024 || text[0] != '/')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is <= ' ' or > '~' or '#')
            {
                return false;
            }
        }

        return true;
    }

    private static int AtLeastOne(int? value, string field, int fallback, ImmutableArray<string>.Builder problems)
    {
        if (value is not { } number)
        {
            return fallback;
        }

        if (number < 1)
        {
            problems.Add($"spec.healthCheck.active.{field} must be at least 1, not {number.ToString(CultureInfo.InvariantCulture)}.");
            return fallback;
        }

        return number;
    }

    /// <summary>The ranges, or null (the default) when the list is empty or any range is not within 100-599 in order.</summary>
    private static ImmutableArray<StatusCodeRange>? StatusRanges(ImmutableArray<ProxyConfigStatusRange>? ranges, ImmutableArray<string>.Builder problems)
    {
        if (ranges is not { } list)
        {
            return null;
        }

        if (list.IsDefaultOrEmpty)
        {
            problems.Add("spec.healthCheck.active.expectedStatuses is empty; 200-399 is used.");
            return null;
        }

        var result = ImmutableArray.CreateBuilder<StatusCodeRange>(list.Length);
        foreach (var range in list)
        {
            var min = range.Min ?? 0;
            var max = range.Max ?? min;
            if (min < 100 || max > 599 || max < min)
            {
                var shown = $"{range.Min?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}-{range.Max?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}";
                problems.Add($"spec.healthCheck.active.expectedStatuses: {shown} is not a range of status codes within 100-599 (min, then max); 200-399 is used.");
                return null;
            }

            result.Add(new StatusCodeRange(min, max));
        }

        return result.MoveToImmutable();
    }
}
