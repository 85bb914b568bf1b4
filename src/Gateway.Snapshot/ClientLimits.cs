// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// What a listener's clients may send and how long they may take (from its GatewayClass's ProxyConfig); null uses the
/// gateway's default. The timeouts apply per server (Kestrel has no per-endpoint timeouts): the smallest any listener sets.
/// </summary>
/// <param name="MaxRequestBodySize">Bytes; null is unlimited.</param>
/// <param name="RequestHeadersTimeout">How long a request's headers may take to arrive.</param>
/// <param name="IdleTimeout">How long a client connection may stay open with no request in flight.</param>
public sealed record ClientLimits(long? MaxRequestBodySize, TimeSpan? RequestHeadersTimeout, TimeSpan? IdleTimeout);
