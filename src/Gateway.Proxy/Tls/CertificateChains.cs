// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Proxy.Tls;

/// <summary>Whether a peer's certificate chains to a given CA bundle, and to nothing else (not the system roots).</summary>
public static class CertificateChains
{
    public static bool ChainsTo(X509Certificate2 presented, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
