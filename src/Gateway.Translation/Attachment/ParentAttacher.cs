// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Listeners;
using Gateway.Translation.Routes;
using Gateway.Translation.Status;

namespace Gateway.Translation.Attachment;

/// <summary>
/// Decides which listeners a translated route attaches to (and under which hostnames), and each parent's verdict.
/// It changes no listener: the attachments are applied by the Apply methods, so they can also be replayed from a cache.
/// </summary>
internal sealed class ParentAttacher(
    IReadOnlyDictionary<NamespacedName, GatewayPlan> gateways, IReadOnlyDictionary<NamespacedName, ListenerSetPlan> listenerSets,
    TranslationIndex index, string controllerName)
{
    public ImmutableArray<RouteParentStatus> Attach(
        string kind, ObjectMeta route, ImmutableArray<ParentReference> parentRefs, ImmutableArray<string> hostnames, RouteVerdict verdict,
        List<ListenerAttachment> attachments)
    {
        var statuses = ImmutableArray.CreateBuilder<RouteParentStatus>();
        var routeNamespace = route.Namespace ?? "";
        foreach (var parentRef in parentRefs)
        {
            if ((parentRef.Group ?? GatewayPlanner.GatewayGroup) != GatewayPlanner.GatewayGroup)
            {
                continue; // Not a Gateway API parent: some other controller's business.
            }

            var parentKind = parentRef.Kind ?? "Gateway";
            var key = new NamespacedName(parentRef.Namespace ?? routeNamespace, parentRef.Name);
            Condition accepted;
            if (parentKind == "Gateway" && gateways.TryGetValue(key, out var gateway))
            {
                accepted = AttachToListeners(kind, route, routeNamespace, parentRef, hostnames, verdict, $"Gateway {key}",
                    gateway.Listeners.Where(l => l.Origin is null), attachments);
            }
            else if (parentKind == V1ListenerSet.KindName && listenerSets.TryGetValue(key, out var listenerSet))
            {
                accepted = listenerSet.NotAllowed is null
                    ? AttachToListeners(kind, route, routeNamespace, parentRef, hostnames, verdict, $"ListenerSet {key}", listenerSet.Listeners, attachments)
                    : Conditions.False(ConditionType.Accepted, Reason.NoMatchingParent,
                        $"ListenerSet {key} is not allowed by Gateway {listenerSet.Gateway.Key}, so it has no listeners.", route.Generation);
            }
            else
            {
                continue; // Not one of our Gateways, nor a ListenerSet of one.
            }

            var resolved = verdict.UnresolvedReason is null
                ? Conditions.True(ConditionType.ResolvedRefs, Reason.ResolvedRefs, "All references resolved.", route.Generation)
                : Conditions.False(ConditionType.ResolvedRefs, verdict.UnresolvedReason, verdict.UnresolvedMessage ?? "", route.Generation);
            statuses.Add(new RouteParentStatus
            {
                ParentRef = parentRef with { Group = GatewayPlanner.GatewayGroup, Kind = parentKind, Namespace = key.Namespace },
                ControllerName = controllerName,
                Conditions = [accepted, resolved],
            });
        }

        return statuses.ToImmutable();
    }

    /// <param name="parent">The parent as messages name it ("Gateway ns/name").</param>
    /// <param name="listeners">The parent's listeners: a Gateway's own (a ListenerSet's are reached only through it), or a ListenerSet's.</param>
    private Condition AttachToListeners(
        string kind, ObjectMeta route, string routeNamespace, ParentReference parentRef, ImmutableArray<string> hostnames,
        RouteVerdict verdict, string parent, IEnumerable<ListenerPlan> listeners, List<ListenerAttachment> attachments)
    {
        var generation = route.Generation;
        var candidates = listeners
            .Where(l => parentRef.SectionName is null || l.Spec.Name == parentRef.SectionName)
            .Where(l => parentRef.Port is null || l.Spec.Port == parentRef.Port)
            .ToList();
        if (candidates.Count == 0)
        {
            return Conditions.False(ConditionType.Accepted, Reason.NoMatchingParent,
                $"{parent} has no listener matching sectionName {parentRef.SectionName ?? "(any)"} and port {parentRef.Port?.ToString() ?? "(any)"}.", generation);
        }

        // A route attaches to an accepted, unconflicted listener even while the listener's own references are broken
        // (it is counted in attachedRoutes), but only usable listeners carry its traffic.
        var allowed = candidates.Where(l => l.NotAccepted is null && l.Conflict is null && Allows(l, kind, routeNamespace)).ToList();
        if (allowed.Count == 0)
        {
            return Conditions.False(ConditionType.Accepted, Reason.NotAllowedByListeners,
                $"No listener of {parent} allows this {kind} from namespace {routeNamespace}.", generation);
        }

        var withHosts = allowed
            .Select(l => (Listener: l, Hosts: Hostnames.Intersect(l.Spec.Hostname, hostnames.IsDefault ? [] : hostnames)))
            .Where(x => x.Hosts.Count > 0)
            .ToList();
        if (withHosts.Count == 0)
        {
            return Conditions.False(ConditionType.Accepted, Reason.NoMatchingListenerHostname,
                "No route hostname matches a listener hostname.", generation);
        }

        if (verdict.UnsupportedValue is not null)
        {
            return Conditions.False(ConditionType.Accepted, Reason.UnsupportedValue, verdict.UnsupportedValue, generation);
        }

        attachments.AddRange(withHosts.Select(x => new ListenerAttachment(x.Listener, x.Hosts)));
        return Conditions.True(ConditionType.Accepted, Reason.Accepted, "Route is accepted.", generation);
    }

    /// <summary>Counts the route on each listener and, where the listener is usable, adds its entries under each hostname.</summary>
    public static void Apply(List<ListenerAttachment> attachments, ImmutableArray<RouteEntry> entries)
    {
        foreach (var (listener, hosts) in attachments)
        {
            Apply(listener, hosts, entries);
        }
    }

    /// <summary>Adds a route's entries to one listener under each of its hostnames and counts the attachment.</summary>
    public static void Apply(ListenerPlan listener, IReadOnlyList<string> hosts, ImmutableArray<RouteEntry> entries)
    {
        listener.AttachedRoutes++;
        if (!listener.IsUsable)
        {
            return;
        }

        foreach (var host in hosts)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(listener.Hosts, host, out _).Add(entries);
        }
    }

    private bool Allows(ListenerPlan listener, string kind, string routeNamespace)
    {
        if (!listener.SupportedKinds.Any(k => k.Kind == kind))
        {
            return false;
        }

        // "Same" is the namespace of the object declaring the listener: a ListenerSet's, for its listeners.
        var from = listener.Spec.AllowedRoutes?.Namespaces;
        return (from?.From ?? "Same") switch
        {
            "All" => true,
            "Same" => routeNamespace == listener.Namespace,
            "Selector" => from?.Selector is { } selector && LabelSelectors.Matches(selector, index.NamespaceLabels(routeNamespace)),
            _ => false,
        };
    }
}
