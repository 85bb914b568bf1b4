// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// The upstream suite's ListenerSet checks, read from /status: each waits until the object's conditions carry its
/// latest generation and then match, and on timeout says what the status was.
/// </summary>
internal static class ListenerSetStatusChecks
{
    public const string Kind = "ListenerSet";
    private const string Group = "gateway.networking.k8s.io";
    private const string Infra = ConformanceGateway.InfraNamespace;

    /// <summary>What upstream generateAcceptedListenerConditions asks of a listener (any reason).</summary>
    public static readonly (string Type, string Status, string Reason)[] AcceptedListener =
        [("ResolvedRefs", "True", ""), ("Accepted", "True", ""), ("Programmed", "True", "")];

    /// <summary>Upstream ListenerSetMustHaveCondition.</summary>
    public static Task MustHaveConditionAsync(ConformanceGateway gateway, string name, string type, string status, string reason, string ns = Infra) =>
        GatewayStatusChecks.WaitAsync(gateway, name, ns, ls => GatewayStatusChecks.HasCondition(ls["status"]!["conditions"]!.AsArray(), type, status, reason),
            $"has {type}={status}/{reason}", Kind);

    /// <summary>Upstream ListenerSetListenersMustHaveConditions: each named listener (each one, when none is named) has every condition.</summary>
    public static Task ListenersMustHaveConditionsAsync(ConformanceGateway gateway, string name, (string Type, string Status, string Reason)[] conditions,
        string ns = Infra, params string[] listeners) =>
        GatewayStatusChecks.WaitAsync(gateway, name, ns, ls =>
        {
            var present = ls["status"]!["listeners"]?.AsArray() ?? [];
            var chosen = present.Where(l => listeners.Length == 0 || listeners.Contains(l!["name"]!.GetValue<string>())).ToList();
            return (listeners.Length == 0 ? chosen.Count > 0 : chosen.Count == listeners.Length)
                && chosen.All(l => conditions.All(c => GatewayStatusChecks.HasCondition(l!["conditions"]!.AsArray(), c.Type, c.Status, c.Reason)));
        }, $"has listeners {(listeners.Length == 0 ? "(all)" : string.Join(", ", listeners))} with {string.Join(", ", conditions.Select(c => $"{c.Type}={c.Status}/{c.Reason}"))}", Kind);

    /// <summary>Upstream ListenerSetStatusMustHaveListeners: exactly these listeners, with their kinds, attached routes and conditions.</summary>
    public static Task MustHaveListenersAsync(ConformanceGateway gateway, string name, string ns, params ExpectedListener[] expected) =>
        GatewayStatusChecks.WaitAsync(gateway, name, ns, ls => GatewayStatusChecks.ListenersMatch(expected, ls["status"]!["listeners"]?.AsArray() ?? []),
            $"has listeners {string.Join(", ", expected.Select(e => e.Name))} as expected", Kind);

    /// <summary>Upstream GatewayMustHaveAttachedListeners: status.attachedListenerSets (absent counts as 0).</summary>
    public static Task GatewayMustHaveAttachedListenerSetsAsync(ConformanceGateway gateway, string name, int count) =>
        GatewayStatusChecks.WaitAsync(gateway, name, Infra, g => (g["status"]!["attachedListenerSets"]?.GetValue<int>() ?? 0) == count,
            $"has attachedListenerSets {count}");

    /// <summary>
    /// Upstream RoutesAndParentMustBeAccepted for a ListenerSet: each route's parent entry for it (group, kind, name and
    /// namespace spelt out) is Accepted, and every listener of the ListenerSet is resolved, accepted and programmed.
    /// </summary>
    public static async Task RoutesAndParentMustBeAcceptedAsync(ConformanceGateway gateway, string listenerSet, string ns, params (string Namespace, string Name)[] routes)
    {
        foreach (var (routeNamespace, route) in routes)
        {
            await RouteMustHaveParentConditionAsync(gateway, route, routeNamespace, Kind, listenerSet, ns, "Accepted", "True", "Accepted");
        }

        await ListenersMustHaveConditionsAsync(gateway, listenerSet, AcceptedListener, ns);
    }

    /// <summary>
    /// Upstream HTTPRouteMustHaveCondition for a parent of the given kind: every parent's conditions are current, and
    /// the entry whose parentRef names this group, kind, name and namespace has the condition.
    /// </summary>
    public static Task RouteMustHaveParentConditionAsync(ConformanceGateway gateway, string route, string routeNamespace,
        string parentKind, string parent, string parentNamespace, string type, string status, string reason) =>
        RouteAsync(gateway, route, routeNamespace, parents => parents.Any(p => Names(p!["parentRef"]!, parentKind, parent, parentNamespace)
            && GatewayStatusChecks.HasCondition(p["conditions"]!.AsArray(), type, status, reason)),
            $"has {type}={status}/{reason} for {parentKind} {parentNamespace}/{parent}");

    /// <summary>
    /// Upstream HTTPRouteMustHaveParents (namespace required): the route's status holds an entry for this parent only,
    /// with group, kind and namespace spelt out, and it is Accepted.
    /// </summary>
    public static Task RouteMustHaveOnlyParentAsync(ConformanceGateway gateway, string route, string parentKind, string parent, string ns = Infra) =>
        RouteAsync(gateway, route, ns, parents => parents.Count == 1 && Names(parents[0]!["parentRef"]!, parentKind, parent, ns)
            && parents[0]!["controllerName"]!.GetValue<string>() == "gateway.seed.dev/gateway-controller"
            && GatewayStatusChecks.HasCondition(parents[0]!["conditions"]!.AsArray(), "Accepted", "True", ""),
            $"has only the parent {parentKind} {ns}/{parent}, accepted");

    private static bool Names(JsonNode parentRef, string kind, string name, string ns) =>
        parentRef["group"]?.GetValue<string>() == Group && parentRef["kind"]?.GetValue<string>() == kind
        && parentRef["name"]!.GetValue<string>() == name && parentRef["namespace"]?.GetValue<string>() == ns;

    private static async Task RouteAsync(ConformanceGateway gateway, string route, string ns, Func<JsonArray, bool> matches, string what)
    {
        JsonNode? last = null;
        await GatewayStatusChecks.EventuallyAsync(async () =>
        {
            last = await GatewayStatusChecks.ObjectAsync(gateway, "HTTPRoute", ns, route);
            var generation = last?["metadata"]!["generation"]?.GetValue<long>();
            var parents = last?["status"]!["parents"]?.AsArray() ?? [];
            return last is not null && parents.All(p => GatewayStatusChecks.IsLatest(p!["conditions"]!.AsArray(), generation)) && matches(parents);
        }, () => $"HTTPRoute {ns}/{route} {what}; last seen {last?["status"]}");
    }
}
