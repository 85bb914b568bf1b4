// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.EndToEnd.Tests;

/// <summary>An HTTPS backend on loopback that answers with the SNI name, Host and path it saw, as JSON.</summary>
internal sealed class TlsEchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsEchoBackend(WebApplication app) => _app = app;

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>The paths requested so far, with the SNI name they came with ("sni path").</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <param name="name">Reported as "backend", as the conformance echo servers report their Service.</param>
    public static async Task<TlsEchoBackend> StartAsync(string certificatePem, string keyPem, string? name = null)
    {
        var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            // Asked for, never required, and any is taken: the echo reports what it got (clientCert, PEM).
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,

            // The selector is where Kestrel shows the SNI name; kept on the connection for the requests on it.
            ServerCertificateSelector = (connection, name) =>
            {
                connection!.Items["sni"] = name;
                return certificate;
            },
        })));
        var app = builder.Build();
        var backend = new TlsEchoBackend(app);
        app.Run(context => context.Response.WriteAsJsonAsync(new
        {
            backend = name,
            sni = context.Features.Get<IConnectionItemsFeature>()?.Items["sni"] as string,
            host = context.Request.Host.Value,
            path = Record(backend, context),
            clientCert = context.Connection.ClientCertificate?.ExportCertificatePem(),
        }));
        await app.StartAsync();
        return backend;
    }

    private static string? Record(TlsEchoBackend backend, HttpContext context)
    {
        backend.Received.Enqueue($"{context.Features.Get<IConnectionItemsFeature>()?.Items["sni"]} {context.Request.Path}");
        return context.Request.Path.Value;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
