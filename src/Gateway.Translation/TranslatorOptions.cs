// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Translation;

/// <summary>What the translator needs to know about this gateway's own identity and addressing.</summary>
public sealed record TranslatorOptions
{
    public const string DefaultControllerName = "gateway.seed.dev/gateway-controller";

    /// <summary>Only GatewayClasses with this controllerName are ours.</summary>
    public string ControllerName { get; init; } = DefaultControllerName;

    /// <summary>Addresses handed to Gateways without spec.addresses; empty means "bind ListenAddress".</summary>
    public ImmutableArray<string> AddressPool { get; init; } = [];

    /// <summary>The address Gateways bind when there is no pool.</summary>
    public string ListenAddress { get; init; } = "0.0.0.0";

    /// <summary>
    /// Without a pool, the addresses this machine has (loopback and the unspecified addresses always count): a Gateway
    /// asking for another one in spec.addresses cannot be served. Null when unknown: any IP address is taken as usable.
    /// </summary>
    public ImmutableArray<string>? LocalAddresses { get; init; }

    /// <summary>
    /// In a cluster without an address pool: each Gateway gets a Service whose ports lead to container ports of its
    /// own, so Gateways on the same port stay apart. Null outside a cluster (listeners bind their own ports).
    /// </summary>
    public GatewayServiceOptions? Services { get; init; }
}

/// <summary>Where the per-Gateway Services live, which pods they select, and the container ports they may target.</summary>
public sealed record GatewayServiceOptions
{
    public const string DefaultNamespace = "gateway-system";

    public string Namespace { get; init; } = DefaultNamespace;

    /// <summary>The gateway pods' labels (the DaemonSet's).</summary>
    public ImmutableSortedDictionary<string, string> Selector { get; init; } =
        ImmutableSortedDictionary<string, string>.Empty.Add("app.kubernetes.io/name", "gateway");

    public PortRange ContainerPorts { get; init; } = new(20000, 29999);
}

/// <summary>An inclusive range of TCP ports.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public bool Contains(int port) => port >= First && port <= Last;

    public override string ToString() => $"{First}-{Last}";
}
