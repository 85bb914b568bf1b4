// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Attachment;
using Gateway.Translation.Status;

namespace Gateway.Translation.Listeners;

/// <summary>
/// Which ListenerSets add listeners to which of our Gateways, and the effective listener list of a Gateway: the seam
/// between a Gateway's own listeners and the ones others contribute, so listener planning reads one list.
/// </summary>
internal static class ListenerSets
{
    /// <summary>
    /// Gives each Gateway the ListenerSets naming it as parent, in upstream precedence: oldest first, then by
    /// namespace/name. ListenerSets whose parent is not one of our Gateways are some other controller's business.
    /// </summary>
    public static void Attach(IReadOnlyList<GatewayPlan> gateways, ImmutableArray<V1ListenerSet> listenerSets, TranslationIndex index)
    {
        var byKey = gateways.ToDictionary(g => g.Key);
        var ordered = listenerSets
            .OrderBy(s => s.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(s => s.Key);
        foreach (var listenerSet in ordered)
        {
            var parent = listenerSet.Spec.ParentRef;
            if ((parent.Group ?? GatewayPlanner.GatewayGroup) != GatewayPlanner.GatewayGroup || (parent.Kind ?? "Gateway") != "Gateway"
                || !byKey.TryGetValue(new NamespacedName(parent.Namespace ?? listenerSet.Metadata.Namespace ?? "", parent.Name), out var gateway))
            {
                continue;
            }

            gateway.ListenerSets.Add(new ListenerSetPlan(listenerSet, gateway) { NotAllowed = WhyNotAllowed(gateway.Gateway, listenerSet, index) });
        }
    }

    /// <summary>
    /// Every listener the Gateway serves with the ListenerSet it came from (null for its own): its own first, then
    /// those of the ListenerSets it allows in precedence order. A conflict is lost by the later listener.
    /// </summary>
    public static IEnumerable<(Listener Spec, ListenerSetPlan? Origin)> EffectiveListeners(GatewayPlan gateway) =>
        gateway.Gateway.Spec.Listeners.Select(l => (l, (ListenerSetPlan?)null))
            .Concat(gateway.ListenerSets.Where(s => s.NotAllowed is null)
                .SelectMany(s => s.ListenerSet.Spec.Listeners.Select(l => (l, (ListenerSetPlan?)s))));

    private static Condition? WhyNotAllowed(V1Gateway gateway, V1ListenerSet listenerSet, TranslationIndex index)
    {
        var allowed = gateway.Spec.AllowedListeners?.Namespaces;
        var ns = listenerSet.Metadata.Namespace ?? "";
        var admitted = (allowed?.From ?? "None") switch
        {
            "All" => true,
            "Same" => ns == gateway.Metadata.Namespace,
            "Selector" => allowed?.Selector is { } selector && LabelSelectors.Matches(selector, index.NamespaceLabels(ns)),
            _ => false,
        };
        return admitted ? null : Conditions.False(ConditionType.Accepted, Reason.NotAllowed,
            $"Gateway {gateway.Key} does not allow ListenerSets from namespace {ns} (spec.allowedListeners.namespaces.from: {allowed?.From ?? "None"}).",
            listenerSet.Metadata.Generation);
    }
}
