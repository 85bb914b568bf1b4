// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>
/// The routes of one listener that answer for one hostname: exact ("foo.example.com"),
/// wildcard ("*.example.com", any number of leading labels) or "*" (every host).
/// </summary>
public sealed record VirtualHost
{
    public required string Hostname { get; init; }

    /// <summary>In Gateway API precedence order: the first route that matches wins.</summary>
    public ImmutableArray<Route> Routes { get; init; } = [];
}
