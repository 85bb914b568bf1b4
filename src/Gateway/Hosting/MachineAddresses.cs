// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Net.NetworkInformation;

namespace Gateway.Hosting;

/// <summary>The IP addresses of this machine's interfaces, read once at start: what a Gateway's spec.addresses may bind without a pool.</summary>
internal static class MachineAddresses
{
    public static ImmutableArray<string> Read() =>
    [
        .. NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address.ToString())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];
}
