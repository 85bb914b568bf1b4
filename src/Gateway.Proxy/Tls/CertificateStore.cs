// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using Gateway.Snapshot;

namespace Gateway.Proxy.Tls;

/// <summary>
/// Serving certificates by id, parsed once per distinct content: a snapshot that keeps a Secret unchanged
/// keeps the same X509Certificate2, and a changed Secret is served from the next handshake on.
/// </summary>
internal sealed class CertificateStore
{
    public static readonly CertificateStore Empty = new([], null);

    private readonly FrozenDictionary<string, (string Fingerprint, X509Certificate2 Certificate)> _byId;

    public CertificateStore(IEnumerable<TlsCertificate> certificates, CertificateStore? previous)
    {
        var byId = new Dictionary<string, (string, X509Certificate2)>(StringComparer.Ordinal);
        foreach (var certificate in certificates)
        {
            if (previous?._byId.TryGetValue(certificate.Id, out var known) == true && known.Fingerprint == certificate.Fingerprint)
            {
                byId[certificate.Id] = known;
                continue;
            }

            if (certificate.CertificatePem is null || certificate.PrivateKeyPem is null)
            {
                continue; // A redacted snapshot: nothing to serve.
            }

            byId[certificate.Id] = (certificate.Fingerprint, X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.PrivateKeyPem));
        }

        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public X509Certificate2? Find(string id) => _byId.TryGetValue(id, out var entry) ? entry.Certificate : null;
}
