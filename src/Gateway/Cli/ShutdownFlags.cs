// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;

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

        return DurationFlags.Bind(parse, DrainPeriod, t => options.DrainPeriod = demo && !ChannelFlags.IsGiven(parse, DrainPeriod) ? TimeSpan.Zero : t, allowZero: true)
            ?? DurationFlags.Bind(parse, ShutdownTimeout, t => options.ShutdownTimeout = t);
    }
}
