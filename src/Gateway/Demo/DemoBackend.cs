// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Demo;

/// <summary>
/// A tiny echo server for the quick start and the tests: it answers every request with what it saw
/// (method, path, host, headers) as JSON, so a user can see exactly what the gateway forwarded.
/// </summary>
public sealed class DemoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    /// <summary>"METHOD path" of every request received, so tests can see mirrored traffic.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <param name="h2c">Speak only HTTP/2 with prior knowledge (cleartext), like an appProtocol kubernetes.io/h2c Service.</param>
    /// <param name="before">Runs ahead of the echo and may answer itself (tests put the upstream suite's simulated failures here).</param>
    public static async Task<DemoBackend> StartAsync(
        string name, IPAddress address, int port, CancellationToken cancellationToken = default, bool h2c = false, Func<HttpContext, RequestDelegate, Task>? before = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // Tests send bodies past Kestrel's 30 MB default through the gateway.
            k.Listen(address, port, listen => listen.Protocols = h2c ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2);
        });
        var app = builder.Build();
        var backend = new DemoBackend(app, name);
        app.UseWebSockets();
        if (before is not null)
        {
            app.Use(before);
        }

        app.Run(backend.EchoAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return backend;
    }

    /// <summary>
    /// Echoes the request. Test knobs, as request headers: X-Echo-Delay (milliseconds before answering),
    /// X-Echo-Status (the status to answer), X-Echo-Set-Header ("Name:value,Other:value" response headers),
    /// X-Echo-Body (any value: the request body, read as UTF-8, is echoed as "body"),
    /// X-Echo-Read-Body (read the whole body and report its length as bodyBytes).
    /// </summary>
    private async Task EchoAsync(HttpContext context)
    {
        var name = Name;
        var request = context.Request;
        Received.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (context.WebSockets.IsWebSocketRequest)
        {
            await EchoWebSocketAsync(context).ConfigureAwait(false);
            return;
        }

        if (int.TryParse(request.Headers["X-Echo-Delay"], NumberStyles.None, CultureInfo.InvariantCulture, out var delay))
        {
            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (int.TryParse(request.Headers["X-Echo-Status"], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            context.Response.StatusCode = status;
        }

        long? bodyBytes = null;
        if (request.Headers.ContainsKey("X-Echo-Read-Body"))
        {
            var buffer = new byte[64 * 1024];
            bodyBytes = 0;
            for (int read; (read = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0;)
            {
                bodyBytes += read;
            }
        }

        var echo = new Dictionary<string, object?>
        {
            ["backend"] = name,
            ["method"] = request.Method,
            ["protocol"] = request.Protocol,
            ["path"] = request.Path.Value + request.QueryString.Value,
            ["rawTarget"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
            ["bodyBytes"] = bodyBytes,
            ["host"] = request.Host.Value,
            ["headers"] = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
        // "X-Echo-Set-Header: Name:value,Other:value" asks for response headers, to test response filters.
        foreach (var entry in request.Headers["X-Echo-Set-Header"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                context.Response.Headers.Append(entry[..colon].Trim(), entry[(colon + 1)..].Trim());
            }
        }

        if (request.Headers.ContainsKey("X-Echo-Body"))
        {
            using var reader = new StreamReader(request.Body);
            echo["body"] = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(echo) + "\n").ConfigureAwait(false);
    }

    /// <summary>Sends every text message back, prefixed with the backend's name.</summary>
    private async Task EchoWebSocketAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            var reply = System.Text.Encoding.UTF8.GetBytes($"{Name}: {System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count)}");
            await socket.SendAsync(reply, System.Net.WebSockets.WebSocketMessageType.Text, true, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
