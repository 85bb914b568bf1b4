// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Sources.Files;
using Gateway.Translation;

namespace Gateway.Cli.Validate;

/// <summary>
/// `gateway validate DIR`: reads a config directory as --config-dir would, plus a strict check of every field, translates
/// it, and prints each object's conditions. Exits 1 when anything is wrong, for CI pipelines.
/// </summary>
internal static class ValidateCommand
{
    public static async Task<int> RunAsync(string directory, string controllerName, TextWriter output, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            await output.WriteLineAsync($"gateway validate: {directory} does not exist").ConfigureAwait(false);
            return 2;
        }

        var errors = 0;
        var checkedStrictly = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ManifestFiles(directory))
        {
            foreach (var problem in StrictFields.Check(Path.GetRelativePath(directory, path), await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)))
            {
                errors += problem.IsError ? 1 : 0;
                checkedStrictly.Add(problem.IsError ? problem.File : "");
                await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }
        }

        var (snapshot, problems) = await ConfigSources.ReadDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            // The loader's own word on a field of the wrong type names .NET types; the strict check said it better.
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && problem.Contains(": invalid field ", StringComparison.Ordinal) && checkedStrictly.Contains(problem[..colon].Split(':')[0]))
            {
                continue;
            }

            errors++;
            await output.WriteLineAsync(colon > 0 ? $"{problem[..colon]}: error: {problem[(colon + 2)..]}" : problem).ConfigureAwait(false);
        }

        var result = Translator.Translate(snapshot, new TranslatorOptions { ControllerName = controllerName });
        foreach (var status in result.Statuses.OrderBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Namespace).ThenBy(s => s.Name))
        {
            await output.WriteLineAsync($"{status.Kind} {(status.Namespace is { } ns ? $"{ns}/" : "")}{status.Name}").ConfigureAwait(false);
            foreach (var (scope, conditions) in Conditions(JsonSerializer.SerializeToNode(status.Status, ManifestLoader.JsonOptions)))
            {
                foreach (var condition in conditions)
                {
                    var failed = condition!["status"]?.ToString() == "False" && condition["type"]?.ToString() is "Accepted" or "ResolvedRefs";
                    errors += failed ? 1 : 0;
                    await output.WriteLineAsync($"  {scope}{condition["type"]}={condition["status"]} {condition["reason"]}"
                        + (failed ? $": {condition["message"]}" : "")).ConfigureAwait(false);
                }
            }
        }

        await output.WriteLineAsync(errors == 0 ? "valid" : $"{errors} error(s)").ConfigureAwait(false);
        return errors == 0 ? 0 : 1;
    }

    /// <summary>The files --config-dir reads: *.yaml, *.yml and *.json, skipping names that start with a dot.</summary>
    private static IEnumerable<string> ManifestFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Where(f => !Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    /// <summary>Each list of conditions in a status, with where it is: the object, a listener, or a route's parent.</summary>
    internal static IEnumerable<(string Scope, JsonArray Conditions)> Conditions(JsonNode? status)
    {
        if (status?["conditions"] is JsonArray own)
        {
            yield return ("", own);
        }

        foreach (var listener in status?["listeners"] as JsonArray ?? [])
        {
            yield return ($"listener {listener!["name"]}: ", listener["conditions"] as JsonArray ?? []);
        }

        foreach (var parent in status?["parents"] as JsonArray ?? [])
        {
            var reference = parent!["parentRef"]!;
            var name = (reference["namespace"] is { } ns ? $"{ns}/" : "") + reference["name"] + (reference["sectionName"] is { } section ? $"/{section}" : "");
            yield return ($"parent {name}: ", parent["conditions"] as JsonArray ?? []);
        }
    }
}
