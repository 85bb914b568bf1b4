// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// An in-process gRPC server (cleartext HTTP/2 only, as an appProtocol kubernetes.io/h2c Service) named after the
/// Service it stands for: it serves the conformance echo service and the streaming test service, each reporting that
/// name, plus one raw method that never answers (for deadlines only the gateway can enforce).
/// </summary>
internal sealed class GrpcBackend : IAsyncDisposable
{
    public const string StallPath = "/gateway.tests.Streaming/Stall";

    private readonly WebApplication _app;

    private GrpcBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    /// <summary>namespace/name of the Service this backend answers for.</summary>
    public string Name { get; }

    public int Port => new Uri(_app.Urls.First()).Port;

    public static Task<GrpcBackend> StartAsync(string name) => StartAsync(name, null);

    /// <param name="certificate">When given, the server speaks HTTP/2 over TLS with it (h2 by ALPN) instead of h2c.</param>
    public static async Task<GrpcBackend> StartAsync(string name, X509Certificate2? certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The gateway's TLS client sends :scheme http over TLS (its connection is TLS beneath a plain-HTTP client, so
            // SNI can be the policy's hostname); Kestrel, unlike most gRPC servers, rejects that unless told otherwise.
            k.AllowAlternateSchemes = certificate is not null;
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new BackendName(name));
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGrpcService<StreamingService>();
        app.MapPost(StallPath, async context => await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false));
        await app.StartAsync().ConfigureAwait(false);
        return new GrpcBackend(app, name);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The name a backend reports in its answers.</summary>
internal sealed record BackendName(string Value);
