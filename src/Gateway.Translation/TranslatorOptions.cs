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
}
