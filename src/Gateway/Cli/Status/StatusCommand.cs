// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.Cli.Validate;
using Gateway.Translation;
using Gateway.Translation.Status;

namespace Gateway.Cli.Status;

/// <summary>
/// `gateway status`: one row per GatewayClass, Gateway, listener and route parent with its Accepted, Programmed and
/// ResolvedRefs conditions, as `kubectl get` would show them, then the objects the gateway ignores and why.
/// </summary>
internal static class StatusCommand
{
    private static readonly string[] _header = ["KIND", "NAME", "PART", "ACCEPTED", "PROGRAMMED", "RESOLVEDREFS", "PROBLEM"];

    /// <returns>0; 2 when the config cannot be read.</returns>
    public static async Task<int> RunAsync(ConfigSource source, TextWriter output, CancellationToken cancellationToken)
    {
        JsonObject list;
        IReadOnlyList<IgnoredObjects.Ignored>? ignored = null;
        try
        {
            if (source.ConfigDir is { } dir)
            {
                if (!Directory.Exists(dir))
                {
                    throw new DirectoryNotFoundException($"{dir} does not exist");
                }

                var (objects, problems) = await ConfigSources.ReadDirectoryAsync(dir, cancellationToken).ConfigureAwait(false);
                var result = Translator.Translate(objects, new TranslatorOptions { ControllerName = source.ControllerName, ListenAddress = source.ListenAddress });
                list = StatusJson.ToList(result.Statuses, problems);
                ignored = [.. IgnoredObjects.Find(objects, source.ControllerName)];
            }
            else
            {
                list = await ConfigSources.ReadAdminStatusAsync(source.Admin, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or DirectoryNotFoundException)
        {
            await output.WriteLineAsync($"gateway status: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        foreach (var line in Table([_header, .. Rows(list)]))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        if (ignored is null)
        {
            await output.WriteLineAsync("\n(ignored objects are listed only with --config-dir: a running gateway's /status holds only what it serves)").ConfigureAwait(false);
        }
        else if (ignored.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            foreach (var line in Table([["IGNORED", "NAME", "WHY"], .. ignored.Select(i => new[] { i.Kind, i.Name, i.Why })]))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        foreach (var problem in list["sourceErrors"] as JsonArray ?? [])
        {
            await output.WriteLineAsync($"source error: {problem}").ConfigureAwait(false);
        }

        return 0;
    }

    private static IEnumerable<string[]> Rows(JsonObject list)
    {
        var items = (list["items"] as JsonArray ?? []).Select(i => i!)
            .OrderBy(i => KindOrder(i["kind"]?.ToString()))
            .ThenBy(i => Name(i), StringComparer.Ordinal);
        foreach (var item in items)
        {
            foreach (var (scope, conditions) in ValidateCommand.Conditions(item["status"]))
            {
                string Status(string type) => conditions.FirstOrDefault(c => c?["type"]?.ToString() == type)?["status"]?.ToString() ?? "-";
                var failed = conditions.FirstOrDefault(c => c?["type"]?.ToString() is "Accepted" or "Programmed" or "ResolvedRefs" && c["status"]?.ToString() == "False");
                yield return
                [
                    item["kind"]!.ToString(), Name(item), scope.TrimEnd(' ', ':'), Status("Accepted"), Status("Programmed"), Status("ResolvedRefs"),
                    failed is null ? "" : $"{failed["reason"]}: {failed["message"]}",
                ];
            }
        }
    }

    private static int KindOrder(string? kind) => kind switch
    {
        "GatewayClass" => 0,
        "Gateway" => 1,
        "HTTPRoute" => 2,
        "GRPCRoute" => 3,
        _ => 4,
    };

    private static string Name(JsonNode item) =>
        (item["metadata"]?["namespace"] is { } ns ? $"{ns}/" : "") + item["metadata"]?["name"];

    /// <summary>Columns padded to their widest cell, two spaces apart, as kubectl prints them.</summary>
    private static IEnumerable<string> Table(IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, c) => c == r.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}
