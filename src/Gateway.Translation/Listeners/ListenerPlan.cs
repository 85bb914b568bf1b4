// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;

namespace Gateway.Translation.Listeners;

/// <summary>One listener while a translation is in progress: its verdict and the routes attached so far.</summary>
internal sealed class ListenerPlan(GatewayPlan gateway, Model.GatewayApi.Listener spec, string id)
{
    public GatewayPlan Gateway { get; } = gateway;
    public Model.GatewayApi.Listener Spec { get; } = spec;
    public string Id { get; } = id;

    /// <summary>The ListenerSet it comes from; null for the Gateway's own listeners.</summary>
    public ListenerSetPlan? Origin { get; init; }

    /// <summary>The generation of the object that declares it, which its conditions observe.</summary>
    public long? Generation => Origin?.Generation ?? Gateway.Gateway.Metadata.Generation;

    /// <summary>The namespace allowedRoutes "Same" and unqualified certificate references mean: the declaring object's.</summary>
    public string Namespace => Origin?.Key.Namespace ?? Gateway.Key.Namespace;

    public ListenerProtocol? Protocol { get; set; }
    public ImmutableArray<RouteGroupKind> SupportedKinds { get; set; } = [];
    public ImmutableArray<string> CertificateIds { get; set; } = [];
    public ClientValidation? ClientValidation { get; set; }

    /// <summary>Null when the listener is accepted; otherwise the Accepted=False condition.</summary>
    public Condition? NotAccepted { get; set; }
    public Condition? Conflict { get; set; }
    public Condition? UnresolvedRefs { get; set; }

    /// <summary>A listener serves traffic only when accepted, unconflicted and fully resolved.</summary>
    public bool IsUsable => NotAccepted is null && Conflict is null && UnresolvedRefs is null;

    public int AttachedRoutes { get; set; }

    /// <summary>Route entries by the hostname they answer on.</summary>
    public Dictionary<string, HostRoutes> Hosts { get; } = new(StringComparer.Ordinal);
}
