// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Model.Core;

namespace Gateway.Translation.References;

/// <summary>CA bundles kept in ConfigMaps under ca.crt, as frontend client validation and BackendTLSPolicy read them.</summary>
internal static class CaBundles
{
    public const string Key = "ca.crt";

    /// <summary>The PEM under ca.crt when it holds at least one certificate; otherwise null.</summary>
    public static string? Read(V1ConfigMap? configMap) =>
        configMap?.Data?.GetValueOrDefault(Key) is { } pem && HasCertificates(pem) ? pem : null;

    private static bool HasCertificates(string pem)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            var found = collection.Count > 0;
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }

            return found;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
