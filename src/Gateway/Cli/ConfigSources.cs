// SPDX-License-Identifier: Apache-2.0
using Gateway.Model;
using Gateway.Snapshot;
using Gateway.Sources.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Cli;

/// <summary>Where a read-only command's config comes from: a directory (translated in the command) or a running gateway's admin server.</summary>
internal sealed record ConfigSource(string? ConfigDir, Uri Admin, string ControllerName, string ListenAddress = "0.0.0.0");

/// <summary>Where the read-only commands (validate, explain, status) get their objects: a config directory or a running gateway.</summary>
internal static class ConfigSources
{
    /// <summary>The directory's objects as the first snapshot the file source publishes, and what it could not read.</summary>
    public static async Task<(ResourceSnapshot Snapshot, IReadOnlyList<string> Problems)> ReadDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        using var source = new DirectorySource(directory, NullLogger<DirectorySource>.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ResourceSnapshot? first = null;
        try
        {
            await source.RunAsync((snapshot, _) =>
            {
                first = snapshot;
                stop.Cancel();
                return Task.CompletedTask;
            }, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (first is not null)
        {
        }

        return (first ?? throw new OperationCanceledException(cancellationToken), [.. source.Problems]);
    }

    /// <summary>The admin server's base address from --admin-address and --admin-port.</summary>
    public static Uri AdminUri(string address, int port) =>
        new($"http://{(System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{port}/");

    /// <summary>The snapshot a running gateway serves, from its admin server's /config.</summary>
    public static async Task<ProxySnapshot> ReadAdminConfigAsync(Uri admin, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(10) };
        return SnapshotJson.Deserialize(await client.GetByteArrayAsync("config", cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The statuses a running gateway keeps, from its admin server's /status (a Kubernetes List).</summary>
    public static async Task<System.Text.Json.Nodes.JsonObject> ReadAdminStatusAsync(Uri admin, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(10) };
        return System.Text.Json.Nodes.JsonNode.Parse(await client.GetByteArrayAsync("status", cancellationToken).ConfigureAwait(false))?.AsObject()
            ?? throw new System.Text.Json.JsonException("/status is empty");
    }
}
