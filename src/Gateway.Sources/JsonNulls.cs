// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.Sources;

/// <summary>
/// Gives JSON null the meaning it has in a Kubernetes manifest: a field set to null (<c>spec:</c> with nothing under
/// it) is a field left out, so the model's default applies instead of a null the translator would trip over. A null
/// entry in a list has no such meaning and is an error, as the API server's schema validation makes it.
/// </summary>
internal static class JsonNulls
{
    /// <summary>Removes null fields everywhere under <paramref name="root"/>; returns the path of a null list entry, or null.</summary>
    public static string? RemoveNullFields(JsonObject root)
    {
        // Iterative: the depth is bounded where the JSON was read, but no recursion is needed to walk it.
        var pending = new Stack<(JsonNode Node, string Path)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            if (node is JsonObject map)
            {
                List<string>? nulls = null;
                foreach (var (key, value) in map)
                {
                    if (value is null)
                    {
                        (nulls ??= []).Add(key);
                    }
                    else if (value is JsonObject or JsonArray)
                    {
                        pending.Push((value, path.Length == 0 ? key : $"{path}.{key}"));
                    }
                }

                foreach (var key in nulls ?? [])
                {
                    map.Remove(key);
                }
            }
            else if (node is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not { } item)
                    {
                        return $"{path}[{i}]";
                    }

                    if (item is JsonObject or JsonArray)
                    {
                        pending.Push((item, $"{path}[{i}]"));
                    }
                }
            }
        }

        return null;
    }
}
