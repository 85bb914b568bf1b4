// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Backends;

namespace Gateway.Translation.Routes;

/// <summary>
/// What one route kind brings to translation: its parents, its hostnames and its rules turned into snapshot routes.
/// Attachment, ReferenceGrant checks, status and caching are the same for every kind (<see cref="RouteKindTranslator"/>).
/// </summary>
internal abstract class RouteKind<TRoute>
    where TRoute : KubernetesObject
{
    public abstract string Kind { get; }

    public abstract ImmutableArray<ParentReference> ParentRefs(TRoute route);

    public abstract ImmutableArray<string> Hostnames(TRoute route);

    /// <summary>The route's rules as snapshot routes, independently of its parents.</summary>
    public abstract RouteVerdict Translate(TRoute route, BackendResolver backends);
}
