// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Translation.Routes;

namespace Gateway.Translation.GatewayClasses;

/// <summary>A ProxyConfig duration field: parsed, or reported as a problem and left out (never fatal).</summary>
internal static class SpecDurations
{
    /// <summary>
    /// The duration <paramref name="text"/> at <paramref name="field"/> (a path such as spec.timeouts.request), or null
    /// when it is absent or invalid; invalid (not a duration, or zero when <paramref name="positive"/>) adds a problem
    /// that names <paramref name="example"/> as a valid value.
    /// </summary>
    public static TimeSpan? Parse(string? text, string field, bool positive, string example, ImmutableArray<string>.Builder problems)
    {
        if (text is null)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value) || (positive && value <= TimeSpan.Zero))
        {
            problems.Add($"{field}: {text} is not a {(positive ? "positive " : "")}duration such as {example} or 1m30s.");
            return null;
        }

        return value;
    }
}
