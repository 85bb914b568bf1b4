// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Listeners;
using Gateway.Translation.Routes;
using Gateway.Translation.Status;

namespace Gateway.Translation.Attachment;

/// <summary>
/// The status of a route the cross-serving rule left off some listeners: a parent whose every listener went to a route
/// of the other kind is Accepted=False. The spec names no reason; HostnameConflict is the Gateway API's own word for two
/// claims on one hostname (a listener's Conflicted reason), so users meet the same term for the same kind of problem.
/// A parent that still holds another listener stays accepted there.
/// </summary>
internal static class CrossServingStatus
{
    public static ObjectStatus Rejected(
        ObjectStatus status, TranslatedRoute translated, Dictionary<string, TranslatedRoute> lost, IReadOnlyDictionary<string, ListenerPlan> listenersById)
    {
        var (route, metadata) = (translated.Result, translated.Metadata);
        var routeStatus = (RouteStatus)status.Status;
        var parents = routeStatus.Parents.ToBuilder();
        for (var i = 0; i < parents.Count; i++)
        {
            var parent = parents[i];
            var covered = route.Attachments.Where(a => Covers(parent.ParentRef, listenersById[a.ListenerId])).Select(a => a.ListenerId).ToList();
            if (covered.Count == 0 || !covered.All(lost.ContainsKey))
            {
                continue;
            }

            var winner = lost[covered[0]].Metadata;
            var why = winner.CreationTimestamp == metadata.CreationTimestamp ? "as old and first by namespace/name" : "older";
            var rejected = Conditions.False(ConditionType.Accepted, Reason.HostnameConflict,
                $"On listener {listenersById[covered[0]].Spec.Name} the hostnames overlap those of {lost[covered[0]].Kind} {winner.Namespace}/{winner.Name}"
                + $" ({why}); a listener serves a hostname with HTTPRoutes or GRPCRoutes, not both.",
                status.Generation);
            parents[i] = parent with { Conditions = [.. parent.Conditions.Select(c => c.Type == ConditionType.Accepted ? rejected : c)] };
        }

        return status with { Status = routeStatus with { Parents = parents.ToImmutable() } };
    }

    /// <summary>
    /// Whether a (normalised) parentRef names this listener: a Gateway its own listeners, a ListenerSet the listeners it
    /// declares; and the section and port if given.
    /// </summary>
    private static bool Covers(ParentReference parent, ListenerPlan listener)
    {
        var owner = parent.Kind switch
        {
            "Gateway" when listener.Origin is null => listener.Gateway.Key,
            V1ListenerSet.KindName when listener.Origin is { } origin => origin.Key,
            _ => (NamespacedName?)null,
        };
        return owner is { } key && parent.Namespace == key.Namespace && parent.Name == key.Name
            && (parent.SectionName is null || parent.SectionName == listener.Spec.Name)
            && (parent.Port is null || parent.Port == listener.Spec.Port);
    }
}
