// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Attachment;
using Gateway.Translation.Backends;
using Gateway.Translation.Listeners;
using Gateway.Translation.Status;

namespace Gateway.Translation.Routes;

/// <summary>
/// Translates the routes of any kind: each route object seen before (with the same dependencies) is replayed from the
/// cache, any other is translated by its kind, attached to its parents and given its status.
/// </summary>
internal sealed class RouteKindTranslator(
    BackendResolver backends, ParentAttacher attacher, IReadOnlyDictionary<string, ListenerPlan> listenersById, TranslationCache? cache)
{
    private readonly List<ListenerAttachment> _attachments = [];
    private readonly StatusPool _statuses = cache?.Statuses ?? new();

    /// <summary>What every route of this translation contributed, for the next one.</summary>
    public Dictionary<KubernetesObject, CachedRoute> Translated { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Attaches every route of one kind; returns their statuses in namespace/name order.</summary>
    public List<ObjectStatus> Translate<TRoute>(RouteKind<TRoute> kind, ImmutableArray<TRoute> routes)
        where TRoute : KubernetesObject
    {
        var statuses = new List<ObjectStatus>(routes.Length);
        var cached = cache?.Routes;
        var inOrder = cache is not null ? cache.InKeyOrder(routes) : [.. routes.OrderBy(r => r.Key)];
        foreach (var route in inOrder)
        {
            if (cached is not null && cached.TryGetValue(route, out var hit))
            {
                Replay(hit, statuses);
                Translated[route] = hit;
                continue;
            }

            var verdict = kind.Translate(route, backends);
            _attachments.Clear();
            var parents = attacher.Attach(kind.Kind, route.Metadata, kind.ParentRefs(route), kind.Hostnames(route), verdict, _attachments);
            ParentAttacher.Apply(_attachments, verdict.Entries);
            var status = parents.Length == 0 ? null : new ObjectStatus(Translator.GatewayApiVersion, kind.Kind, route.Metadata.Namespace,
                route.Metadata.Name, route.Metadata.Generation, _statuses.Route(new RouteStatus { Parents = parents }));
            if (status is not null)
            {
                statuses.Add(status);
            }

            Translated[route] = new CachedRoute(verdict, [.. _attachments.Select(a => (a.Listener.Id, a.Hosts))], status, backends.TakeTouched());
        }

        return statuses;
    }

    private void Replay(CachedRoute hit, List<ObjectStatus> statuses)
    {
        backends.Register(hit.Clusters);
        foreach (var (listenerId, hosts) in hit.Attachments)
        {
            ParentAttacher.Apply(listenersById[listenerId], hosts, hit.Verdict.Entries);
        }

        if (hit.Status is not null)
        {
            statuses.Add(hit.Status);
        }
    }
}
