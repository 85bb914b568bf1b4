// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.Backends;
using Gateway.Translation.Listeners;
using Gateway.Translation.Naming;

namespace Gateway.Translation.Routes;

/// <summary>
/// A route kind whose rules only name backends (TLSRoute, TCPRoute): each rule becomes one entry that matches every
/// connection and forwards to its weighted backends. Attachment, ReferenceGrant and status are the shared ones.
/// </summary>
internal abstract class Layer4RouteKind<TRoute> : RouteKind<TRoute>
    where TRoute : KubernetesObject
{
    protected abstract ImmutableArray<Layer4RouteRule> Rules(TRoute route);

    public override RouteVerdict Translate(TRoute route, BackendResolver backends)
    {
        var ns = route.Metadata.Namespace ?? "";
        var name = route.Metadata.Name;
        var created = route.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var filters = new FilterTranslator(backends, Kind, ns);
        var entries = ImmutableArray.CreateBuilder<RouteEntry>();
        var rules = Rules(route);
        for (var ruleIndex = 0; ruleIndex < rules.Length; ruleIndex++)
        {
            var snapshotRoute = new Snapshot.Route
            {
                Id = Ids.Route(Kind, ns, name, ruleIndex, 0),
                Owner = Ids.RouteOwner(Kind, ns, name),
                Match = new RouteMatch(),
                Action = BackendRefTranslator.Forward(rules[ruleIndex].BackendRefs, backends, filters, Kind, ns, BackendProtocol.Http1),
            };
            entries.Add(new RouteEntry(snapshotRoute, created, ns, name, ruleIndex, 0));
        }

        return RouteVerdict.Of(entries, filters);
    }
}

/// <summary>TLSRoute: chosen by the ClientHello's server name among its hostnames.</summary>
internal sealed class TLSRouteTranslator : Layer4RouteKind<V1TLSRoute>
{
    public static readonly TLSRouteTranslator Instance = new();

    public override string Kind => "TLSRoute";

    public override ImmutableArray<ParentReference> ParentRefs(V1TLSRoute route) => route.Spec.ParentRefs;

    public override ImmutableArray<string> Hostnames(V1TLSRoute route) => route.Spec.Hostnames;

    protected override ImmutableArray<Layer4RouteRule> Rules(V1TLSRoute route) => route.Spec.Rules;
}

/// <summary>TCPRoute: every connection of the listener; no hostnames.</summary>
internal sealed class TCPRouteTranslator : Layer4RouteKind<V1TCPRoute>
{
    public static readonly TCPRouteTranslator Instance = new();

    public override string Kind => "TCPRoute";

    public override ImmutableArray<ParentReference> ParentRefs(V1TCPRoute route) => route.Spec.ParentRefs;

    public override ImmutableArray<string> Hostnames(V1TCPRoute route) => [];

    protected override ImmutableArray<Layer4RouteRule> Rules(V1TCPRoute route) => route.Spec.Rules;
}
