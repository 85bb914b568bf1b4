// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>A listener as the upstream suite expects it in Gateway status; an empty status or reason matches any.</summary>
internal sealed record ExpectedListener(string Name, string[] SupportedKinds, int AttachedRoutes, params (string Type, string Status, string Reason)[] Conditions);

/// <summary>
/// The upstream suite's Gateway status checks, read from /status: each waits until the Gateway's conditions all carry
/// its latest generation and then match, and on timeout says what the status was.
/// </summary>
internal static class GatewayStatusChecks
{
    private const string Group = "gateway.networking.k8s.io";

    /// <summary>The object's metadata and status together, or null while it has no status.</summary>
    public static async Task<JsonNode?> ObjectAsync(ConformanceGateway gateway, string kind, string ns, string name)
    {
        var list = JsonNode.Parse(await gateway.Gateway.GetStringAsync($"{gateway.Gateway.Admin}status"))!;
        return list["items"]!.AsArray().FirstOrDefault(i =>
            i!["kind"]!.GetValue<string>() == kind && i["metadata"]!["name"]!.GetValue<string>() == name
            && (i["metadata"]!["namespace"]?.GetValue<string>() ?? "") == ns);
    }

    public static Task<JsonNode> MustHaveLatestConditionsAsync(ConformanceGateway gateway, string name, string ns = ConformanceGateway.InfraNamespace) =>
        WaitAsync(gateway, name, ns, _ => true, "has conditions for its latest generation");

    public static Task<JsonNode> MustHaveConditionAsync(ConformanceGateway gateway, string name, string type, string status, string reason,
        string ns = ConformanceGateway.InfraNamespace) =>
        WaitAsync(gateway, name, ns, g => HasCondition(g["status"]!["conditions"]!.AsArray(), type, status, reason), $"has {type}={status}/{reason}");

    public static Task<JsonNode> MustHaveListenersAsync(ConformanceGateway gateway, string name, params ExpectedListener[] expected) =>
        WaitAsync(gateway, name, ConformanceGateway.InfraNamespace, g => ListenersMatch(expected, g["status"]!["listeners"]?.AsArray() ?? []),
            $"has listeners {string.Join(", ", expected.Select(e => e.Name))} as expected");

    /// <summary>One listener has all these conditions (others may have more listeners or conditions).</summary>
    public static Task<JsonNode> ListenerMustHaveConditionsAsync(ConformanceGateway gateway, string name, string listener,
        params (string Type, string Status, string Reason)[] conditions) =>
        WaitAsync(gateway, name, ConformanceGateway.InfraNamespace,
            g => g["status"]!["listeners"]?.AsArray().FirstOrDefault(l => l!["name"]!.GetValue<string>() == listener) is { } l
                && conditions.All(c => HasCondition(l["conditions"]!.AsArray(), c.Type, c.Status, c.Reason)),
            $"has listener {listener} with {string.Join(", ", conditions.Select(c => $"{c.Type}={c.Status}/{c.Reason}"))}");

    /// <summary>Upstream HTTPRouteMustHaveCondition: every parent's conditions are current, and the Gateway's has the condition.</summary>
    public static Task RouteMustHaveConditionAsync(ConformanceGateway gateway, string route, string parentGateway, string type, string status, string reason,
        string kind = "HTTPRoute") =>
        ReferenceMustHaveConditionAsync(gateway, kind, route, "parents", "parentRef", parentGateway, type, status, reason);

    /// <summary>
    /// Upstream TLSRouteMustHaveNoAcceptedParents (and its HTTPRoute twin): no parent at all, or one whose current
    /// conditions have Accepted=False. An empty status is taken only on the second look, as upstream does.
    /// </summary>
    public static async Task RouteMustHaveNoAcceptedParentsAsync(ConformanceGateway gateway, string kind, string route)
    {
        var ns = ConformanceGateway.InfraNamespace;
        var emptySeen = false;
        JsonNode? last = null;
        await EventuallyAsync(async () =>
        {
            last = await ObjectAsync(gateway, kind, ns, route);
            var parents = last?["status"]?["parents"]?.AsArray() ?? [];
            if (parents.Count == 0)
            {
                var second = emptySeen;
                emptySeen = true;
                return second;
            }

            return parents.Count == 1
                && IsLatest(parents[0]!["conditions"]!.AsArray(), last!["metadata"]!["generation"]?.GetValue<long>())
                && HasCondition(parents[0]!["conditions"]!.AsArray(), "Accepted", "False", "");
        }, () => $"{kind} {route} has no accepted parent; last seen {last?["status"]}");
    }

    /// <summary>Upstream GatewayMustHaveZeroRoutes: every listener's attachedRoutes is 0.</summary>
    public static Task<JsonNode> MustHaveZeroRoutesAsync(ConformanceGateway gateway, string name) =>
        WaitAsync(gateway, name, ConformanceGateway.InfraNamespace,
            g => g["status"]!["listeners"]?.AsArray().All(l => l!["attachedRoutes"]!.GetValue<int>() == 0) == true, "has no attached routes");

    /// <summary>Upstream BackendTLSPolicyMustHaveCondition: the same over the policy's ancestors.</summary>
    public static Task PolicyMustHaveConditionAsync(ConformanceGateway gateway, string policy, string parentGateway, string type, string status, string reason) =>
        ReferenceMustHaveConditionAsync(gateway, "BackendTLSPolicy", policy, "ancestors", "ancestorRef", parentGateway, type, status, reason);

    private static async Task ReferenceMustHaveConditionAsync(ConformanceGateway gateway, string kind, string name, string list, string reference,
        string parentGateway, string type, string status, string reason)
    {
        var ns = ConformanceGateway.InfraNamespace;
        JsonNode? last = null;
        await EventuallyAsync(async () =>
        {
            last = await ObjectAsync(gateway, kind, ns, name);
            var generation = last?["metadata"]!["generation"]?.GetValue<long>();
            var entries = last?["status"]![list]?.AsArray() ?? [];
            return entries.All(e => IsLatest(e!["conditions"]!.AsArray(), generation))
                && entries.Any(e => e![reference]!["name"]!.GetValue<string>() == parentGateway
                    && (e[reference]!["namespace"]?.GetValue<string>() ?? ns) == ns
                    && HasCondition(e["conditions"]!.AsArray(), type, status, reason));
        }, () => $"{kind} {name} has {type}={status}/{reason} for {parentGateway}; last seen {last?["status"]}");
    }

    /// <summary>Accepted, ResolvedRefs and Programmed True on every listener, and each route Accepted by the Gateway.</summary>
    public static Task GatewayAndRoutesMustBeAcceptedAsync(ConformanceGateway gateway, string name, params string[] routes) =>
        GatewayAndRoutesOfKindMustBeAcceptedAsync(gateway, name, "HTTPRoute", routes);

    /// <summary>The same for routes of another kind (upstream GatewayAndTLSRoutesMustBeAccepted, ...).</summary>
    public static async Task GatewayAndRoutesOfKindMustBeAcceptedAsync(ConformanceGateway gateway, string name, string kind, params string[] routes)
    {
        foreach (var route in routes)
        {
            await RouteMustHaveConditionAsync(gateway, route, name, "Accepted", "True", "Accepted", kind);
        }

        await WaitAsync(gateway, name, ConformanceGateway.InfraNamespace, g => g["status"]!["listeners"]!.AsArray().All(l =>
            HasCondition(l!["conditions"]!.AsArray(), "Accepted", "True", "")
            && HasCondition(l["conditions"]!.AsArray(), "ResolvedRefs", "True", "")
            && HasCondition(l["conditions"]!.AsArray(), "Programmed", "True", "")), "has every listener accepted, resolved and programmed");
    }

    public static bool HasCondition(JsonArray conditions, string type, string status, string reason) =>
        conditions.Any(c => c!["type"]!.GetValue<string>() == type
            && (status == "" || c["status"]!.GetValue<string>() == status)
            && (reason == "" || c["reason"]!.GetValue<string>() == reason));

    /// <summary>The GatewayClass has an Accepted condition (any status) and all its conditions carry its latest generation.</summary>
    public static Task<JsonNode> ClassMustHaveLatestConditionsAsync(ConformanceGateway gateway, string name) =>
        WaitAsync(gateway, name, "", g => HasCondition(g["status"]!["conditions"]!.AsArray(), "Accepted", "", ""), "has an Accepted condition", "GatewayClass");

    /// <summary>Every Gateway in the namespace has latest conditions and is Accepted and Programmed (upstream NamespacesMustBeReady).</summary>
    public static async Task NamespaceMustBeReadyAsync(ConformanceGateway gateway, string ns = ConformanceGateway.InfraNamespace)
    {
        string? notReady = null;
        await EventuallyAsync(async () =>
        {
            var list = JsonNode.Parse(await gateway.Gateway.GetStringAsync($"{gateway.Gateway.Admin}status"))!;
            notReady = list["items"]!.AsArray()
                .Where(i => i!["kind"]!.GetValue<string>() == "Gateway" && i["metadata"]!["namespace"]?.GetValue<string>() == ns)
                .Where(i => !IsLatest(i!["status"]!["conditions"]!.AsArray(), i["metadata"]!["generation"]?.GetValue<long>())
                    || !HasCondition(i["status"]!["conditions"]!.AsArray(), "Accepted", "True", "")
                    || !HasCondition(i["status"]!["conditions"]!.AsArray(), "Programmed", "True", ""))
                .Select(i => i!["metadata"]!["name"]!.GetValue<string>())
                .FirstOrDefault();
            return notReady is null;
        }, () => $"every Gateway in {ns} is ready; {notReady} is not");
    }

    internal static async Task<JsonNode> WaitAsync(ConformanceGateway gateway, string name, string ns, Func<JsonNode, bool> matches, string what, string kind = "Gateway")
    {
        JsonNode? last = null;
        await EventuallyAsync(async () =>
        {
            last = await ObjectAsync(gateway, kind, ns, name);
            return last is not null
                && IsLatest(last["status"]!["conditions"]!.AsArray(), last["metadata"]!["generation"]?.GetValue<long>())
                && matches(last);
        }, () => $"{kind} {ns}/{name} {what}; last seen {last?.ToJsonString()}");
        return last!;
    }

    internal static bool IsLatest(JsonArray conditions, long? generation) =>
        conditions.All(c => c!["observedGeneration"]?.GetValue<long>() == generation);

    internal static bool ListenersMatch(ExpectedListener[] expected, JsonArray actual)
    {
        if (expected.Length != actual.Count)
        {
            return false;
        }

        foreach (var e in expected)
        {
            var listener = actual.FirstOrDefault(l => l!["name"]!.GetValue<string>() == e.Name);
            var kinds = listener?["supportedKinds"]?.AsArray().Select(k => $"{k!["group"]?.GetValue<string>() ?? Group}/{k["kind"]!.GetValue<string>()}").ToList() ?? [];
            if (listener is null
                || (e.SupportedKinds.Length == 0 && kinds.Count != 0)
                || e.SupportedKinds.Any(k => !kinds.Contains($"{Group}/{k}"))
                || listener["attachedRoutes"]!.GetValue<int>() != e.AttachedRoutes
                || e.Conditions.Any(c => !HasCondition(listener["conditions"]!.AsArray(), c.Type, c.Status, c.Reason)))
            {
                return false;
            }
        }

        return true;
    }

    internal static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what)
    {
        try
        {
            await Eventually.TrueAsync(condition, "the status matches");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(what(), e);
        }
    }
}
