// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using Gateway.Proxy.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Channel;

/// <summary>How the config channel is wired into a controller (server) or a proxy (client) process.</summary>
internal static class ChannelHosting
{
    /// <summary>The channel's own Kestrel endpoint: HTTP/2 only, TLS from the certificate files when given.</summary>
    public static void ListenForProxies(KestrelServerOptions kestrel, ConfigChannelOptions options)
    {
        // A proxy that vanished without closing its connection is noticed by the pings and counted as gone.
        kestrel.Limits.Http2.KeepAlivePingDelay = options.Keepalive;
        kestrel.Limits.Http2.KeepAlivePingTimeout = options.Keepalive;
        kestrel.Listen(options.Listen, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (options.UsesTls)
            {
                var https = new HttpsConnectionAdapterOptions { ServerCertificate = X509Certificate2.CreateFromPemFile(options.CertificateFile!, options.KeyFile) };
                if (options.ClientCaFile is { } clientCa)
                {
                    // Mutual TLS: only a proxy whose certificate chains to this CA gets a snapshot.
                    var roots = CertificateTrust.Load(clientCa);
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => CertificateChains.ChainsTo(certificate, roots);
                }

                listen.UseHttps(https);
            }
        });
    }

    public static void AddServer(IServiceCollection services)
    {
        services.AddGrpc(grpc =>
        {
            // Snapshots are JSON and compress well; proxies accept gzip out of the box.
            grpc.ResponseCompressionAlgorithm = "gzip";
            grpc.ResponseCompressionLevel = CompressionLevel.Fastest;
        });
        services.AddSingleton<ProxyRegistry>();
    }

    public static void AddClient(IServiceCollection services, ConfigChannelOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ChannelMetrics>();
        services.AddSingleton<SnapshotStateFile>();
        services.AddSingleton<ConfigChannelClient>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigChannelClient>());
    }
}
