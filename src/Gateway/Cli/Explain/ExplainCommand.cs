// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Proxy.Matching;
using Gateway.Snapshot;
using Gateway.Translation;

namespace Gateway.Cli.Explain;

/// <summary>
/// `gateway explain URL`: which listener, virtual host, route, rule and backend a request would reach, and the first
/// condition that failed for each route tried before it. The answer comes from the proxy's own route table.
/// </summary>
internal static class ExplainCommand
{
    /// <returns>0 when a route takes the request, 1 when none does, 2 when the command cannot run.</returns>
    public static async Task<int> RunAsync(ConfigSource source, string url, string method, IReadOnlyList<string> headers, string? address, TextWriter output, CancellationToken cancellationToken)
    {
        if (Request(url, method, headers, address, out var problem) is not { } request)
        {
            await output.WriteLineAsync($"gateway explain: {problem}").ConfigureAwait(false);
            return 2;
        }

        ProxySnapshot snapshot;
        try
        {
            snapshot = await SnapshotAsync(source, output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or DirectoryNotFoundException)
        {
            await output.WriteLineAsync($"gateway explain: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        var explanation = RouteExplainer.Explain(snapshot, request);
        foreach (var line in ExplainOutput.Lines(request, explanation, snapshot))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return explanation.Route is null ? 1 : 0;
    }

    private static async Task<ProxySnapshot> SnapshotAsync(ConfigSource source, TextWriter output, CancellationToken cancellationToken)
    {
        if (source.ConfigDir is not { } dir)
        {
            return await ConfigSources.ReadAdminConfigAsync(source.Admin, cancellationToken).ConfigureAwait(false);
        }

        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{dir} does not exist");
        }

        var (objects, problems) = await ConfigSources.ReadDirectoryAsync(dir, cancellationToken).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            // What does not parse is not served either: the answer is still the proxy's, but say why something may be missing.
            await output.WriteLineAsync($"warning: {problem}").ConfigureAwait(false);
        }

        return Translator.Translate(objects, new TranslatorOptions { ControllerName = source.ControllerName, ListenAddress = source.ListenAddress }).Snapshot;
    }

    private static ExplainRequest? Request(string url, string method, IReadOnlyList<string> headers, string? address, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"{url} is not an http:// or https:// URL";
            return null;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                problem = $"--header {header}: write it as Name:Value";
                return null;
            }

            pairs.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
        }

        IPAddress? local = null;
        if (address is not null && !IPAddress.TryParse(address, out local))
        {
            problem = $"--address {address} is not an IP address";
            return null;
        }

        return new ExplainRequest(method, uri, pairs, local);
    }
}
