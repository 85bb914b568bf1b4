// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Gateway.Translation.Routes;

namespace Gateway.Cli;

/// <summary>Flags whose value is a duration (500ms, 5s, 1m30s).</summary>
internal static class DurationFlags
{
    /// <summary>Hands the flag's duration to <paramref name="set"/>; returns what is wrong with it, or null.</summary>
    /// <param name="allowZero">Whether 0s is a value (it turns something off); otherwise the duration must be positive.</param>
    public static string? Bind(ParseResult parse, Option<string> option, Action<TimeSpan> set, bool allowZero = false)
    {
        var text = parse.GetValue(option)!;
        if (!Durations.TryParse(text, out var value) || (value == TimeSpan.Zero && !allowZero))
        {
            return $"{option.Name} {text} is not a {(allowZero ? "" : "positive ")}duration like 500ms, 5s or 1m";
        }

        set(value);
        return null;
    }
}
