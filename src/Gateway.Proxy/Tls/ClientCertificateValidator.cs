// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Proxy.Tls;

/// <summary>
/// Frontend mutual TLS. Validation is configured per Gateway port, so the connection's local address and port
/// decide: when its listeners carry a ClientValidation, a client certificate is requested and must chain to
/// the CA bundle (unless the mode allows an insecure fallback).
/// </summary>
public sealed class ClientCertificateValidator(ProxyState state)
{
    private readonly ConcurrentDictionary<string, X509Certificate2Collection> _trustStores = new(StringComparer.Ordinal);

    /// <summary>Kestrel's per-connection hook, run before the handshake.</summary>
    public void OnAuthenticate(ConnectionContext connection, SslServerAuthenticationOptions options)
    {
        if (connection.LocalEndPoint is not IPEndPoint local
            || state.Current.Routes.ListenerForServerName(local.Address, local.Port, null)?.Listener.ClientValidation is not { } validation)
        {
            return;
        }

        var trusted = _trustStores.GetOrAdd(validation.CaCertificatesPem, Load);
        options.ClientCertificateRequired = true;
        options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is X509Certificate2 client ? CertificateChains.ChainsTo(client, trusted) || validation.AllowInsecureFallback : validation.AllowInsecureFallback;
    }

    private static X509Certificate2Collection Load(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }
}
