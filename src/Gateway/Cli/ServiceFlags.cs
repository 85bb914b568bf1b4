// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Translation;

namespace Gateway.Cli;

/// <summary>Parses the per-Gateway Service flags: --container-ports FIRST-LAST and --service-selector key=value,...</summary>
public static class ServiceFlags
{
    public static PortRange ParsePorts(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 2 || !TryPort(parts[0], out var first) || !TryPort(parts[1], out var last) || last < first)
        {
            throw new FormatException($"'{text}' is not a port range FIRST-LAST (1-65535, FIRST <= LAST)");
        }

        return new PortRange(first, last);
    }

    public static ImmutableSortedDictionary<string, string> ParseSelector(string text)
    {
        var selector = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !selector.TryAdd(pair[..equals].Trim(), pair[(equals + 1)..].Trim()))
            {
                throw new FormatException($"'{text}' is not a list of distinct key=value labels");
            }
        }

        return selector.Count > 0 ? selector.ToImmutable() : throw new FormatException("the selector needs at least one key=value label");
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
