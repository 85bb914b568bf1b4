// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using Gateway.Proxy.Diagnostics;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// Meters of the layer-4 listeners, by listener and route id (both come from the config, so the series are bounded
/// by it): connections by outcome, bytes each way, connections open now.
/// </summary>
public sealed class Layer4Metrics
{
    private readonly Counter<long> _connections;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly UpDownCounter<long> _active;

    public Layer4Metrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ProxyMetrics.MeterName);
        _connections = meter.CreateCounter<long>("gateway.layer4.connections",
            description: "Client connections on TLS passthrough and TCP listeners, by outcome (relayed, no_route, no_backend, connect_failed, bad_client_hello).");
        _bytesReceived = meter.CreateCounter<long>("gateway.layer4.received", unit: "By",
            description: "Bytes read from clients and relayed to backends, counted when a connection ends.");
        _bytesSent = meter.CreateCounter<long>("gateway.layer4.sent", unit: "By",
            description: "Bytes read from backends and relayed to clients, counted when a connection ends.");
        _active = meter.CreateUpDownCounter<long>("gateway.layer4.active_connections",
            description: "Relayed connections open now.");
    }

    /// <param name="route">The route id, or null when none was found.</param>
    internal void Connection(string listener, string? route, string outcome) =>
        _connections.Add(1, new KeyValuePair<string, object?>("listener", listener), new KeyValuePair<string, object?>("route", route ?? "none"),
            new KeyValuePair<string, object?>("outcome", outcome));

    internal void Opened(Layer4Relay relay) =>
        _active.Add(1, new KeyValuePair<string, object?>("listener", relay.ListenerId), new KeyValuePair<string, object?>("route", relay.RouteId));

    internal void Closed(Layer4Relay relay)
    {
        var listener = new KeyValuePair<string, object?>("listener", relay.ListenerId);
        var route = new KeyValuePair<string, object?>("route", relay.RouteId);
        _active.Add(-1, listener, route);
        _bytesReceived.Add(relay.BytesReceived, listener, route);
        _bytesSent.Add(relay.BytesSent, listener, route);
    }
}
