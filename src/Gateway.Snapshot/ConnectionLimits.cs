// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// Client connection limits of a listener (from its GatewayClass's ProxyConfig); null is unlimited.
/// They apply to the listener's socket: listeners sharing an address and port share the smallest of them.
/// </summary>
public sealed record ConnectionLimits(int? MaxConnections, int? MaxRequestsPerConnection);
