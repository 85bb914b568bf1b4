// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// HTTP/2 limits for client connections (from the GatewayClass's ProxyConfig); null values use the gateway's defaults.
/// Kestrel has them per server, so for each the smallest any listener sets applies to every connection.
/// </summary>
/// <param name="MaxConcurrentStreams">Streams one connection may have open at once.</param>
/// <param name="MaxFrameSize">The largest frame payload the gateway accepts, in bytes (16384 to 16777215).</param>
/// <param name="MaxHeaderFieldSize">The largest request header field (name and value, decoded), in bytes.</param>
/// <param name="KeepAlivePingInterval">A connection that sent nothing for this long is pinged.</param>
/// <param name="KeepAlivePingTimeout">A ping unanswered for this long closes the connection.</param>
public sealed record Http2Limits(
    int? MaxConcurrentStreams, int? MaxFrameSize, int? MaxHeaderFieldSize, TimeSpan? KeepAlivePingInterval, TimeSpan? KeepAlivePingTimeout);
