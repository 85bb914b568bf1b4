// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Pipeline;
using Gateway.Snapshot;

namespace Gateway.Proxy.Matching;

/// <summary>
/// A snapshot route with everything a request needs prepared once, when the snapshot is compiled: its conditions, a
/// transformer per backend (the route's filters, then the backend's), and its metric labels.
/// </summary>
internal sealed class CompiledRoute
{
    private RequestLabels? _labels;

    public CompiledRoute(Route route)
    {
        Route = route;
        Match = new(route.Match);
        HasMirror = route.Filters.Any(f => f is RequestMirrorFilter);
        Transformers = route.Action is ForwardAction forward
            ? [.. forward.Backends.Select(b => new RouteTransformer(b.Filters.IsDefaultOrEmpty ? route.Filters : [.. route.Filters, .. b.Filters], Match.PrefixForRewrite))]
            : [];
    }

    public Route Route { get; }

    public CompiledMatch Match { get; }

    /// <summary>True when a RequestMirror filter may copy the request (its body must then be buffered).</summary>
    public bool HasMirror { get; }

    /// <summary>For a forward action: the transformer of each backend, by its index in the action's backends.</summary>
    public RouteTransformer[] Transformers { get; }

    /// <summary>Labels with this route's name, for a listener of <paramref name="gateway"/> that asks for route labels.</summary>
    public RequestLabels LabelsFor(string gateway)
    {
        // One slot: a route is almost always attached to one Gateway; another one only costs a new label object.
        var labels = _labels;
        if (labels is null || !string.Equals(labels.GatewayName, gateway, StringComparison.Ordinal))
        {
            _labels = labels = new RequestLabels(gateway, Route.Owner);
        }

        return labels;
    }
}
