// SPDX-License-Identifier: Apache-2.0
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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
        var roots = new X509Certificate2Collection();
        if (options.CaFile is { } caFile)
        {
            roots.ImportFromPemFile(caFile);
        }

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

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        };
    }
}
