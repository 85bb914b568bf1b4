// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;

namespace Gateway.Translation.GatewayClasses;

/// <summary>
/// ProxyConfig's client-side settings: limits.maxRequestBodySize, timeouts.requestHeaders and timeouts.clientIdle.
/// A bad value is reported and left out (the gateway's default applies), never fatal.
/// </summary>
internal static class ClientLimitSettings
{
    public static ClientLimits? From(ProxyConfigSpec spec, ImmutableArray<string>.Builder problems)
    {
        var body = BodySize(spec.Limits?.MaxRequestBodySize, problems);
        var headers = SpecDurations.Parse(spec.Timeouts?.RequestHeaders, "spec.timeouts.requestHeaders", positive: true, "10s", problems);
        var idle = SpecDurations.Parse(spec.Timeouts?.ClientIdle, "spec.timeouts.clientIdle", positive: true, "10s", problems);
        return body is null && headers is null && idle is null ? null : new ClientLimits(body, headers, idle);
    }

    private static long? BodySize(string? text, ImmutableArray<string>.Builder problems)
    {
        if (text is null)
        {
            return null;
        }

        if (!Quantities.TryParseBytes(text, out var bytes))
        {
            problems.Add($"spec.limits.maxRequestBodySize: {text} is not a size such as 10Mi, 500k or 1048576.");
            return null;
        }

        return bytes;
    }
}

/// <summary>Kubernetes quantities for sizes: a whole number with an optional k/M/G/T or Ki/Mi/Gi/Ti suffix.</summary>
internal static class Quantities
{
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        long? multiplier = text[digits..] switch
        {
            "" => 1,
            "k" => 1_000,
            "M" => 1_000_000,
            "G" => 1_000_000_000,
            "T" => 1_000_000_000_000,
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            "Ti" => 1L << 40,
            _ => null,
        };
        if (multiplier is not { } factor || number > long.MaxValue / factor)
        {
            return false;
        }

        bytes = number * factor;
        return true;
    }
}
