// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Gateway.Translation.Routes;

namespace Gateway.Cli;

/// <summary>Flags of the graceful shutdown: how long to drain, and how long requests in flight may take after it.</summary>
internal static class ShutdownFlags
{
    public static readonly Option<string> DrainPeriod = new("--drain-period")
    {
        Description = "After SIGTERM: how long listeners keep serving while /readyz answers 503, so load balancers stop sending (0s: none).",
        DefaultValueFactory = _ => "5s",
        Recursive = true,
    };

    public static readonly Option<string> ShutdownTimeout = new("--shutdown-timeout")
    {
        Description = "After the drain period: how long requests in flight may take before their connections are closed.",
        DefaultValueFactory = _ => "25s",
        Recursive = true,
    };

    public static Option[] Options => [DrainPeriod, ShutdownTimeout];

    /// <summary>Sets the shutdown options; returns what is wrong, or null.</summary>
    /// <param name="demo">The demo has no load balancer to wait for: Ctrl-C stops it at once unless --drain-period is given.</param>
    public static string? Bind(ParseResult parse, GatewayOptions options, bool demo = false)
    {
        if (options.Role == GatewayRole.Controller && ChannelFlags.IsGiven(parse, DrainPeriod))
        {
            return "--drain-period is a data-plane flag; a controller serves no traffic";
        }

        return Duration(parse, DrainPeriod, allowZero: true, t => options.DrainPeriod = demo && !ChannelFlags.IsGiven(parse, DrainPeriod) ? TimeSpan.Zero : t)
            ?? Duration(parse, ShutdownTimeout, allowZero: false, t => options.ShutdownTimeout = t);
    }

    private static string? Duration(ParseResult parse, Option<string> option, bool allowZero, Action<TimeSpan> set)
    {
        var text = parse.GetValue(option)!;
        if (!Durations.TryParse(text, out var value) || value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero))
        {
            return $"{option.Name} {text} is not a {(allowZero ? "" : "positive ")}duration like 500ms, 5s or 1m";
        }

        set(value);
        return null;
    }
}
