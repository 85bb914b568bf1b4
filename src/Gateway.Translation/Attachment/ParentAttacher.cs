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
/// It changes no listener: the attachments are applied by Apply, so they can also be replayed from a cache.
/// </summary>
internal sealed class ParentAttacher(IReadOnlyDictionary<NamespacedName, GatewayPlan> gateways, TranslationIndex index, string controllerName)
{
    public ImmutableArray<RouteParentStatus> Attach(
        string kind, ObjectMeta route, ImmutableArray<ParentReference> parentRefs, ImmutableArray<string> hostnames, RouteVerdict verdict,
        List<ListenerAttachment> attachments)
    {
        var statuses = ImmutableArray.CreateBuilder<RouteParentStatus>();
        var routeNamespace = route.Namespace ?? "";
        foreach (var parentRef in parentRefs)
        {
            if ((parentRef.Group ?? GatewayPlanner.GatewayGroup) != GatewayPlanner.GatewayGroup || (parentRef.Kind ?? "Gateway") != "Gateway")
            {
                continue; // Not a Gateway parent: some other controller's business.
            }

            var key = new NamespacedName(parentRef.Namespace ?? routeNamespace, parentRef.Name);
            if (!gateways.TryGetValue(key, out var gateway))
            {
                continue; // Not one of our Gateways.
            }

            var accepted = AttachToGateway(kind, route, routeNamespace, parentRef, hostnames, verdict, gateway, attachments);
            var resolved = verdict.UnresolvedReason is null
                ? Conditions.True(ConditionType.ResolvedRefs, Reason.ResolvedRefs, "All references resolved.", route.Generation)
                : Conditions.False(ConditionType.ResolvedRefs, verdict.UnresolvedReason, verdict.UnresolvedMessage ?? "", route.Generation);
            statuses.Add(new RouteParentStatus
            {
                ParentRef = parentRef with { Group = GatewayPlanner.GatewayGroup, Kind = "Gateway", Namespace = key.Namespace },
                ControllerName = controllerName,
                Conditions = [accepted, resolved],
            });
        }

        return statuses.ToImmutable();
    }

    private Condition AttachToGateway(
        string kind, ObjectMeta route, string routeNamespace, ParentReference parentRef,
        ImmutableArray<string> hostnames, RouteVerdict verdict, GatewayPlan gateway, List<ListenerAttachment> attachments)
    {
        var generation = route.Generation;
        var candidates = gateway.Listeners
            .Where(l => parentRef.SectionName is null || l.Spec.Name == parentRef.SectionName)
            .Where(l => parentRef.Port is null || l.Spec.Port == parentRef.Port)
            .ToList();
        if (candidates.Count == 0)
        {
            return Conditions.False(ConditionType.Accepted, Reason.NoMatchingParent,
                $"Gateway {gateway.Key} has no listener matching sectionName {parentRef.SectionName ?? "(any)"} and port {parentRef.Port?.ToString() ?? "(any)"}.", generation);
        }

        // A route attaches to an accepted, unconflicted listener even while the listener's own references are broken
        // (it is counted in attachedRoutes), but only usable listeners carry its traffic.
        var allowed = candidates.Where(l => l.NotAccepted is null && l.Conflict is null && Allows(l, kind, routeNamespace)).ToList();
        if (allowed.Count == 0)
        {
            return Conditions.False(ConditionType.Accepted, Reason.NotAllowedByListeners,
                $"No listener of Gateway {gateway.Key} allows this {kind} from namespace {routeNamespace}.", generation);
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

        var gatewayNamespace = listener.Gateway.Key.Namespace;
        var from = listener.Spec.AllowedRoutes?.Namespaces;
        return (from?.From ?? "Same") switch
        {
            "All" => true,
            "Same" => routeNamespace == gatewayNamespace,
            "Selector" => from?.Selector is { } selector && LabelSelectors.Matches(selector, index.NamespaceLabels(routeNamespace)),
            _ => false,
        };
    }
}
