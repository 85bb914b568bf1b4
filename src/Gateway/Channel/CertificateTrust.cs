// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Channel;

/// <summary>The CA bundles the channel trusts, from PEM files (checked with <see cref="Proxy.Tls.CertificateChains"/>).</summary>
internal static class CertificateTrust
{
    public static X509Certificate2Collection Load(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return roots;
    }
}
