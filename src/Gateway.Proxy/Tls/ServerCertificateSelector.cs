// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Proxy.Tls;

/// <summary>
/// Kestrel's certificate callback: among the HTTPS listeners bound where the connection arrived, the one whose
/// hostname best covers the SNI name serves its certificate. Reads the live state on every handshake.
/// </summary>
public sealed class ServerCertificateSelector(ProxyState state)
{
    public X509Certificate2? Select(ConnectionContext? connection, string? serverName)
    {
        if (connection?.LocalEndPoint is not IPEndPoint local)
        {
            return null;
        }

        var config = state.Current;
        var listener = config.Routes.ListenerForServerName(local.Address, local.Port, serverName);
        if (listener is null)
        {
            return null;
        }

        foreach (var id in listener.Listener.CertificateIds)
        {
            if (config.Certificates.Find(id) is { } certificate)
            {
                return certificate;
            }
        }

        return null;
    }
}
