// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Extensions;
using Gateway.Snapshot;

namespace Gateway.Translation.GatewayClasses;

/// <summary>ProxyConfig's spec.http2; a value out of range is reported and left out (the gateway's default applies).</summary>
internal static class Http2Settings
{
    public static Http2Limits? From(ProxyConfigHttp2? http2, ImmutableArray<string>.Builder problems)
    {
        if (http2 is null)
        {
            return null;
        }

        var limits = new Http2Limits(
            InRange(http2.MaxConcurrentStreams, "maxConcurrentStreams", 1, int.MaxValue, problems),
            InRange(http2.MaxFrameSize, "maxFrameSize", 16_384, 16_777_215, problems),
            InRange(http2.MaxHeaderFieldSize, "maxHeaderFieldSize", 1, int.MaxValue, problems),
            SpecDurations.Parse(http2.KeepAlivePingInterval, "spec.http2.keepAlivePingInterval", positive: true, "60s", problems),
            SpecDurations.Parse(http2.KeepAlivePingTimeout, "spec.http2.keepAlivePingTimeout", positive: true, "20s", problems));
        return limits == new Http2Limits(null, null, null, null, null) ? null : limits;
    }

    private static int? InRange(int? value, string field, int min, int max, ImmutableArray<string>.Builder problems)
    {
        if (value is { } v && (v < min || v > max))
        {
            problems.Add($"spec.http2.{field} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, not {v.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }

        return value;
    }
}
