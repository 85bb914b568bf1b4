// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Gateway.Translation.Addresses;

/// <summary>
/// A fixed 32-bit hash (FNV-1a over UTF-8). string.GetHashCode is randomised per process, which would move
/// addresses, ports and names on every restart.
/// </summary>
internal static class StableHash
{
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }
}
