// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// The labels a request is recorded under, made once per listener and route when a snapshot is compiled: "gateway"
/// (namespace/name) always, and "route" (kind/namespace/name) only where the listener's ProxyConfig asks for route
/// labels. Per-route labels are opt-in because every label set lives in the exporter until the process ends and
/// OpenTelemetry keeps at most 2,000 per metric: at thousands of routes, or routes that come and go, they overflow.
/// </summary>
internal sealed class RequestLabels
{
    /// <summary>A request that reached no listener (none is bound for its socket any more).</summary>
    public static readonly RequestLabels None = new("none", routeLabel: null);

    // Boxed once: a status code as a tag value would otherwise box an int per request.
    private static readonly KeyValuePair<string, object?>[] _codes = [.. Enumerable.Range(0, 600).Select(c => new KeyValuePair<string, object?>("code", c))];

    public RequestLabels(string gateway, string? routeLabel)
    {
        GatewayName = gateway;
        Gateway = new("gateway", gateway);
        Route = routeLabel is null ? null : new KeyValuePair<string, object?>("route", routeLabel);
    }

    /// <summary>The Gateway as namespace/name.</summary>
    public string GatewayName { get; }

    public KeyValuePair<string, object?> Gateway { get; }

    /// <summary>Null unless route labels are on.</summary>
    public KeyValuePair<string, object?>? Route { get; }

    public static KeyValuePair<string, object?> Code(int statusCode) =>
        (uint)statusCode < (uint)_codes.Length ? _codes[statusCode] : new("code", statusCode.ToString(CultureInfo.InvariantCulture));
}
