// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>
/// TLS to a cluster's endpoints (a BackendTLSPolicy): Hostname is sent as SNI, and the certificate must chain to
/// CaCertificatesPem (the system's trusted CAs when null) and be for one of SubjectAltNames (DNS names or URIs,
/// "URI:" prefixed), or for Hostname when there are none.
/// </summary>
public sealed record BackendTls
{
    public required string Hostname { get; init; }
    public string? CaCertificatesPem { get; init; }
    public ImmutableArray<string> SubjectAltNames { get; init; } = [];
}
