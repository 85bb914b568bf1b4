// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Cli;

/// <summary>Parses --gateway-addresses: an IPv4 CIDR ("127.0.10.0/24") or a first-last range ("127.0.10.1-127.0.10.20").</summary>
public static class AddressRange
{
    private const int MaxAddresses = 65536;

    public static ImmutableArray<string> Parse(string text)
    {
        uint first, last;
        if (text.Contains('/'))
        {
            var parts = text.Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[1], out var bits) || bits is < 16 or > 32)
            {
                throw new FormatException($"'{text}' is not an IPv4 CIDR from /16 to /32");
            }

            var network = ToUInt(parts[0], text) & (bits == 0 ? 0 : uint.MaxValue << (32 - bits));
            var size = 1u << (32 - bits);
            (first, last) = size > 2 ? (network + 1, network + size - 2) : (network, network + size - 1);
        }
        else if (text.Contains('-'))
        {
            var parts = text.Split('-');
            (first, last) = (ToUInt(parts[0], text), ToUInt(parts[1], text));
            if (last < first || last - first >= MaxAddresses)
            {
                throw new FormatException($"'{text}' must run from a lower to a higher address, at most {MaxAddresses} of them");
            }
        }
        else
        {
            first = last = ToUInt(text, text);
        }

        return [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => ToText(first + (uint)i))];
    }

    private static uint ToUInt(string address, string whole)
    {
        if (!IPAddress.TryParse(address.Trim(), out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new FormatException($"'{whole}': '{address}' is not an IPv4 address");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
    }

    private static string ToText(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
