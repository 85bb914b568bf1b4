// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Model.GatewayApi;

namespace Gateway.Translation.Addresses;

/// <summary>
/// spec.addresses of a Gateway whose listeners bind them directly (no per-Gateway Service): only IP addresses are
/// supported, and only those in the address range (--gateway-addresses), or without one those of this machine, are usable.
/// </summary>
internal sealed class StaticAddresses(TranslatorOptions options)
{
    public const string IPAddressType = "IPAddress";

    private HashSet<string>? _pool;

    /// <summary>An IPAddress, with a value that parses or none at all (then one is assigned).</summary>
    public static bool IsSupported(GatewayAddress address) =>
        (address.Type ?? IPAddressType) == IPAddressType && (string.IsNullOrEmpty(address.Value) || IPAddress.TryParse(address.Value, out _));

    /// <summary>Null when the (supported, non-empty) address can be bound; otherwise why not, for the condition message.</summary>
    public string? WhyUnusable(string value)
    {
        var ip = IPAddress.Parse(value);
        if (!options.AddressPool.IsDefaultOrEmpty)
        {
            _pool ??= new HashSet<string>(options.AddressPool, StringComparer.Ordinal);
            return _pool.Contains(ip.ToString()) ? null : $"{value} is outside the gateway address range {options.AddressPool[0]}-{options.AddressPool[^1]} (--gateway-addresses)";
        }

        if (options.LocalAddresses is not { } local || IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)
            || local.Contains(ip.ToString()))
        {
            return null;
        }

        return $"{value} is not an address of this machine";
    }
}
