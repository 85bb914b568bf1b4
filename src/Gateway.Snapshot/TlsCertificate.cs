// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// A serving certificate from a kubernetes.io/tls Secret. The PEM fields are private: /config and golden
/// files show only the id and fingerprint (see <see cref="SnapshotJson.SerializeRedacted"/>).
/// </summary>
public sealed record TlsCertificate
{
    /// <summary>Stable id: secret/{namespace}/{name}.</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 of the certificate and key, so a changed Secret is a changed snapshot.</summary>
    public required string Fingerprint { get; init; }

    public string? CertificatePem { get; init; }

    public string? PrivateKeyPem { get; init; }
}
