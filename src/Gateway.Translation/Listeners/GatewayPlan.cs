// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;

namespace Gateway.Translation.Listeners;

/// <summary>One of our Gateways while a translation is in progress.</summary>
internal sealed class GatewayPlan(V1Gateway gateway)
{
    public V1Gateway Gateway { get; } = gateway;
    public NamespacedName Key => Gateway.Key;
    public string? Address { get; set; }

    /// <summary>Set when the Gateway's addresses cannot be honoured.</summary>
    public Condition? AddressProblem { get; set; }

    public List<ListenerPlan> Listeners { get; } = [];
}
