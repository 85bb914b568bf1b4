// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;

namespace Gateway.Translation.Listeners;

/// <summary>One of our Gateways while a translation is in progress.</summary>
internal sealed class GatewayPlan(V1Gateway gateway)
{
    public V1Gateway Gateway { get; } = gateway;
    public NamespacedName Key => Gateway.Key;

    /// <summary>The address the listeners bind; null when they cannot be served.</summary>
    public string? Address { get; set; }

    /// <summary>Set when the Gateway itself is not accepted for a reason other than its addresses (its parameters).</summary>
    public Condition? NotAccepted { get; set; }

    /// <summary>Set when the Gateway's addresses cannot be honoured (an Accepted or a Programmed condition).</summary>
    public Condition? AddressProblem { get; set; }

    /// <summary>IP addresses spec.addresses asks for, when they are requested from a Service rather than bound.</summary>
    public ImmutableArray<string> RequestedAddresses { get; set; } = [];

    /// <summary>With per-Gateway Services: listener port → the container port that Service targets (every listener port has one).</summary>
    public ImmutableSortedDictionary<int, int>? ContainerPorts { get; set; }

    /// <summary>What status.addresses reports; null means the bind address.</summary>
    public ImmutableArray<GatewayAddress>? StatusAddresses { get; set; }

    /// <summary>Every listener it serves: its own, then those of the ListenerSets it allows (see <see cref="ListenerSets"/>).</summary>
    public List<ListenerPlan> Listeners { get; } = [];

    /// <summary>The ListenerSets naming it as parent, allowed or not, in precedence order.</summary>
    public List<ListenerSetPlan> ListenerSets { get; } = [];

    /// <summary>The certificate presented to TLS backends (spec.tls.backend.clientCertificateRef), when it resolved.</summary>
    public string? BackendClientCertificateId { get; set; }

    /// <summary>The Gateway's own ResolvedRefs condition: set only when spec.tls.backend names a client certificate.</summary>
    public Condition? ResolvedRefs { get; set; }

    /// <summary>The port a listener on this Gateway port binds: its container port with a Service, else the port itself.</summary>
    public int BindPort(int listenerPort) => ContainerPorts is { } ports ? ports[listenerPort] : listenerPort;
}
