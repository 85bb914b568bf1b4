// SPDX-License-Identifier: Apache-2.0
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Gateway.Proxy.Tls;
using Grpc.Net.Client;

namespace Gateway.Channel;

/// <summary>The proxy's HTTP/2 connection to the controller: timeouts, keepalive pings and TLS verification.</summary>
internal static class ChannelTransport
{
    public static GrpcChannel Connect(ConfigChannelOptions options)
    {
        var address = options.ControllerAddress!;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = options.ConnectTimeout,
            // Pings find a controller that vanished without closing the connection (node loss, network partition).
            KeepAlivePingDelay = options.Keepalive,
            KeepAlivePingTimeout = options.Keepalive,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Verifier(options) };
            if (options.ClientCertificateFile is { } certificateFile)
            {
                // Mutual TLS: the controller hands snapshots (private keys included) only to proxies it can identify.
                handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificateFile, options.ClientKeyFile)];
            }
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // Snapshots are large with many routes, and they come from our own controller.
            MaxReceiveMessageSize = null,
        });
    }

    /// <summary>
    /// The controller's certificate must name <see cref="ConfigChannelOptions.ServerName"/> (or the address's host)
    /// and chain to the CA file when one is given, to the system roots otherwise.
    /// </summary>
    private static RemoteCertificateValidationCallback Verifier(ConfigChannelOptions options)
    {
        if (options.InsecureSkipVerify)
        {
            return (_, _, _, _) => true;
        }

        var serverName = options.ServerName ?? options.ControllerAddress!.IdnHost;
        var roots = options.CaFile is { } caFile ? CertificateTrust.Load(caFile) : [];

        return (_, certificate, _, errors) =>
        {
            if (certificate is not X509Certificate2 presented || !presented.MatchesHostname(serverName))
            {
                return false;
            }

            if (roots.Count == 0)
            {
                // The name was checked above, against the server name we were told rather than the address.
                return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
            }

            return CertificateChains.ChainsTo(presented, roots);
        };
    }
}
