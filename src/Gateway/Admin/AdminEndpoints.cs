// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Channel;
using Gateway.Hosting;
using Gateway.Proxy;
using Gateway.Snapshot;
using Gateway.Sources;
using Gateway.Status;
using Gateway.Translation.Status;

namespace Gateway.Admin;

/// <summary>The admin server's pages (/metrics is served by the OpenTelemetry exporter in front of these).</summary>
public static class AdminEndpoints
{
    public static Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var response = context.Response;
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return response.WriteAsync("ok\n");
            case "/readyz":
                var (ready, why) = Readiness(services);
                response.StatusCode = ready ? 200 : 503;
                return response.WriteAsync(why + "\n");
            case "/status" or "/config" when !MayReadDebugPages(context):
                response.StatusCode = 403;
                return response.WriteAsync("/status and /config answer only on loopback (start with --admin-expose-all to open them)\n");
            case "/status" when services.GetService<StatusStore>() is null:
                response.StatusCode = 404;
                return response.WriteAsync("a proxy has no status: its controller serves /status\n");
            case "/status":
                var status = StatusJson.ToList(services.GetRequiredService<StatusStore>().Current, services.GetRequiredService<IResourceSource>().Problems);
                response.ContentType = "application/json";
                return WriteJsonAsync(response, status);
            case "/config":
                // The snapshot holds Secrets only as references, so nothing private can leak here.
                response.ContentType = "application/json";
                var snapshot = services.GetService<ProxyState>()?.Snapshot ?? services.GetRequiredService<SnapshotFeed>().Current?.Snapshot ?? ProxySnapshot.Empty;
                return SnapshotJson.SerializeRedactedAsync(response.Body, snapshot, context.RequestAborted);
            default:
                response.StatusCode = 404;
                return response.WriteAsync("admin pages: /healthz /readyz /metrics /status /config\n");
        }
    }

    /// <summary>
    /// Writes the JSON to the response as it goes, an array element at a time, never as one string or buffer:
    /// at 10,000 routes it is megabytes, and memory taken for one admin page would stay with the process.
    /// </summary>
    private static async Task WriteJsonAsync(HttpResponse response, JsonObject json)
    {
        var cancellationToken = response.HttpContext.RequestAborted;
        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Indented = true, Encoder = StatusJson.Options.Encoder });
        writer.WriteStartObject();
        foreach (var (name, value) in json)
        {
            writer.WritePropertyName(name);
            if (value is not JsonArray array)
            {
                WriteValue(writer, value);
                continue;
            }

            writer.WriteStartArray();
            foreach (var element in array)
            {
                WriteValue(writer, element);
                if (writer.BytesPending > 32 * 1024)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer, StatusJson.Options);
        }
    }

    private static bool MayReadDebugPages(HttpContext context) =>
        context.RequestServices.GetRequiredService<Cli.GatewayOptions>().AdminExposeAll
        || context.Connection.RemoteIpAddress is not { } remote
        || System.Net.IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    private static (bool Ready, string Why) Readiness(IServiceProvider services)
    {
        if (services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested
            || services.GetServices<IHostedService>().OfType<GracefulShutdown>().FirstOrDefault() is { Stopping: true })
        {
            // Draining: load balancers take this replica out while its listeners still serve.
            return (false, "not ready: shutting down");
        }

        if (services.GetService<ProxyState>() is null)
        {
            // A controller: ready once it has translated a config to serve to proxies.
            return services.GetRequiredService<SnapshotFeed>().Current is null ? (false, "not ready: no config translated yet") : (true, "ready");
        }

        if (!services.GetRequiredService<ProxyState>().HasSnapshot)
        {
            return (false, "not ready: no config loaded yet");
        }

        var binder = services.GetServices<IHostedService>().OfType<ListenerBindingService>().Single();
        var unbound = binder.Unbound();
        if (unbound.Count > 0)
        {
            return (false, "not ready: listeners not bound: " + string.Join(", ", unbound));
        }

        return binder.AllBound() ? (true, "ready") : (false, "not ready: some listeners are not bound yet");
    }
}
