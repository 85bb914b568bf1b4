// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;

namespace Gateway.Proxy.Matching;

/// <summary>A snapshot route with its conditions compiled.</summary>
internal sealed class CompiledRoute(Route route)
{
    public Route Route { get; } = route;
    public CompiledMatch Match { get; } = new(route.Match);
}
