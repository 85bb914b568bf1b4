// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;

namespace Gateway.Translation.Listeners;

/// <summary>A ListenerSet whose parent is one of our Gateways, while a translation is in progress.</summary>
internal sealed class ListenerSetPlan(V1ListenerSet listenerSet, GatewayPlan gateway)
{
    public V1ListenerSet ListenerSet { get; } = listenerSet;
    public NamespacedName Key => ListenerSet.Key;
    public GatewayPlan Gateway { get; } = gateway;
    public long? Generation => ListenerSet.Metadata.Generation;

    /// <summary>Set when the Gateway's spec.allowedListeners does not admit this ListenerSet (Accepted=False/NotAllowed).</summary>
    public Condition? NotAllowed { get; set; }

    /// <summary>Its listeners, in spec order; empty when it is not allowed.</summary>
    public List<ListenerPlan> Listeners { get; } = [];
}
