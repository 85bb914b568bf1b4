// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;

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

    public static async Task<DemoBackend> StartAsync(string name, IPAddress address, int port, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, port);
        });
        var app = builder.Build();
        var backend = new DemoBackend(app, name);
        app.Run(backend.EchoAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return backend;
    }

    /// <summary>
    /// Echoes the request. Test knobs, as request headers: X-Echo-Delay (milliseconds before answering),
    /// X-Echo-Status (the status to answer), X-Echo-Set-Header ("Name:value,Other:value" response headers).
    /// </summary>
    private async Task EchoAsync(HttpContext context)
    {
        var name = Name;
        var request = context.Request;
        Received.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (int.TryParse(request.Headers["X-Echo-Delay"], NumberStyles.None, CultureInfo.InvariantCulture, out var delay))
        {
            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (int.TryParse(request.Headers["X-Echo-Status"], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            context.Response.StatusCode = status;
        }

        var echo = new Dictionary<string, object?>
        {
            ["backend"] = name,
            ["method"] = request.Method,
            ["path"] = request.Path.Value + request.QueryString.Value,
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

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(echo) + "\n").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
