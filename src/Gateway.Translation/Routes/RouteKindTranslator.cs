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
/// cache, any other is translated by its kind and its parents decided. Attaching to listeners is a second step
/// (<see cref="Attach"/>), because one rule, GRPCRoute's cross-serving rule, depends on the routes of two kinds;
/// the cache holds each route's own verdict, so it stays valid whatever the other routes are.
/// </summary>
internal sealed class RouteKindTranslator(
    BackendResolver backends, ParentAttacher attacher, IReadOnlyDictionary<string, ListenerPlan> listenersById, TranslationCache? cache)
{
    private readonly List<ListenerAttachment> _attachments = [];
    private readonly StatusPool _statuses = cache?.Statuses ?? new();

    /// <summary>What every route of this translation contributed, for the next one.</summary>
    public Dictionary<KubernetesObject, CachedRoute> Translated { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Translates every route of one kind, in namespace/name order.</summary>
    public List<TranslatedRoute> Translate<TRoute>(RouteKind<TRoute> kind, ImmutableArray<TRoute> routes)
        where TRoute : KubernetesObject
    {
        var translated = new List<TranslatedRoute>(routes.Length);
        var cached = cache?.Routes;
        var inOrder = cache is not null ? cache.InKeyOrder(routes) : [.. routes.OrderBy(r => r.Key)];
        foreach (var route in inOrder)
        {
            if (cached is not null && cached.TryGetValue(route, out var hit))
            {
                backends.Register(hit.Clusters);
            }
            else
            {
                var verdict = kind.Translate(route, backends);
                _attachments.Clear();
                var parents = attacher.Attach(kind.Kind, route.Metadata, kind.ParentRefs(route), kind.Hostnames(route), verdict, _attachments);
                var status = parents.Length == 0 ? null : new ObjectStatus(Translator.GatewayApiVersion, kind.Kind, route.Metadata.Namespace,
                    route.Metadata.Name, route.Metadata.Generation, _statuses.Route(new RouteStatus { Parents = parents }));
                hit = new CachedRoute(verdict, [.. _attachments.Select(a => (a.Listener.Id, a.Hosts))], status, backends.TakeTouched());
            }

            Translated[route] = hit;
            translated.Add(new TranslatedRoute(kind.Kind, route.Metadata, hit));
        }

        return translated;
    }

    /// <summary>
    /// Adds each route's entries to its listeners, except where <paramref name="rejected"/> left it off; returns the
    /// routes' statuses in the order given.
    /// </summary>
    public List<ObjectStatus> Attach(List<TranslatedRoute> routes, Dictionary<CachedRoute, Dictionary<string, TranslatedRoute>> rejected)
    {
        var statuses = new List<ObjectStatus>(routes.Count);
        foreach (var route in routes)
        {
            var result = route.Result;
            var lost = rejected.GetValueOrDefault(result);
            foreach (var (listenerId, hosts) in result.Attachments)
            {
                if (lost is null || !lost.ContainsKey(listenerId))
                {
                    ParentAttacher.Apply(listenersById[listenerId], hosts, result.Verdict.Entries);
                }
            }

            if (result.Status is { } status)
            {
                statuses.Add(lost is null ? status : CrossServingStatus.Rejected(status, route, lost, listenersById));
            }
        }

        return statuses;
    }
}
