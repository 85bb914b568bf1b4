// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator;

/// <summary>JSON merge patch (RFC 7386), a practical subset of strategic merge patch, and JSON patch (RFC 6902).</summary>
internal static class Patches
{
    public static JsonObject Apply(string contentType, JsonObject current, JsonNode? patch)
    {
        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        JsonNode? result = media switch
        {
            "application/merge-patch+json" => Merge(current, patch),
            "application/strategic-merge-patch+json" => StrategicMerge(current, patch, null),
            "application/json-patch+json" => JsonPatch(current, patch),
            "application/apply-patch+yaml" or "application/apply-patch+cbor" =>
                throw new ApiException(415, "UnsupportedMediaType", "server-side apply is not supported by the emulator"),
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got {contentType}"),
        };
        return result as JsonObject ?? throw ApiException.BadRequest("the patch did not produce an object");
    }

    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Merge(result[key], value);
                result.Remove(key);
                result[key] = merged;
            }
        }

        return result;
    }

    public static JsonNode? StrategicMerge(JsonNode? target, JsonNode? patch, string? field)
    {
        if (patch is JsonObject patchObject)
        {
            var directive = (patchObject["$patch"] as JsonValue)?.ToString();
            if (directive == "delete")
            {
                return null;
            }

            if (directive == "replace")
            {
                return StripDirectives(patchObject);
            }

            var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
            foreach (var (key, value) in patchObject)
            {
                if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
                {
                    var name = key["$deleteFromPrimitiveList/".Length..];
                    if (result[name] is JsonArray list && value is JsonArray remove)
                    {
                        var kept = list.Where(item => !remove.Any(r => JsonNode.DeepEquals(r, item))).Select(i => i?.DeepClone()).ToArray();
                        result[name] = new JsonArray(kept);
                    }

                    continue;
                }

                if (key.StartsWith('$'))
                {
                    continue;
                }

                if (value is null)
                {
                    result.Remove(key);
                    continue;
                }

                var merged = StrategicMerge(result[key], value, key);
                result.Remove(key);
                if (merged is not null)
                {
                    result[key] = merged;
                }
            }

            if (patchObject["$retainKeys"] is JsonArray retain)
            {
                var keep = retain.Select(k => k?.ToString()).ToHashSet();
                foreach (var key in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
                {
                    result.Remove(key);
                }
            }

            return result;
        }

        if (patch is JsonArray patchArray && target is JsonArray targetArray)
        {
            var mergeKey = MergeKey(field, patchArray);
            if (mergeKey is null)
            {
                if (field == "finalizers")
                {
                    var union = targetArray.Select(i => i?.DeepClone()).ToList();
                    union.AddRange(patchArray.Where(p => !union.Any(u => JsonNode.DeepEquals(u, p))).Select(p => p?.DeepClone()));
                    return new JsonArray([.. union]);
                }

                return StripDirectives(patchArray);
            }

            var items = targetArray.Select(i => i?.DeepClone()).ToList();
            foreach (var item in patchArray.OfType<JsonObject>())
            {
                var index = items.FindIndex(existing => JsonNode.DeepEquals(existing?[mergeKey], item[mergeKey]));
                if ((item["$patch"] as JsonValue)?.ToString() == "delete")
                {
                    if (index >= 0)
                    {
                        items.RemoveAt(index);
                    }

                    continue;
                }

                if (index >= 0)
                {
                    items[index] = StrategicMerge(items[index], item, null);
                }
                else
                {
                    items.Add(StrategicMerge(null, item, null));
                }
            }

            return new JsonArray([.. items.Where(i => i is not null)]);
        }

        return StripDirectives(patch);
    }

    private static string? MergeKey(string? field, JsonArray patch)
    {
        var objects = patch.OfType<JsonObject>().ToList();
        if (objects.Count == 0 || objects.Count != patch.Count)
        {
            return null;
        }

        string[] candidates = field switch
        {
            "ports" => ["containerPort", "port"],
            "conditions" => ["type"],
            "addresses" => ["ip", "type"],
            _ => ["name"],
        };
        return candidates.FirstOrDefault(key => objects.All(o => o.ContainsKey(key) || o.ContainsKey("$patch")));
    }

    private static JsonNode? StripDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (!key.StartsWith('$'))
                    {
                        copy[key] = StripDirectives(value);
                    }
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(StripDirectives)]);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? JsonPatch(JsonObject current, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiException.BadRequest("a JSON patch must be an array of operations");
        }

        JsonNode? doc = current.DeepClone();
        foreach (var op in operations.OfType<JsonObject>())
        {
            var kind = op["op"]?.ToString();
            var path = op["path"]?.ToString() ?? throw ApiException.BadRequest("JSON patch operation without path");
            switch (kind)
            {
                case "add":
                    doc = Put(doc, path, op["value"]?.DeepClone(), insert: true);
                    break;
                case "replace":
                    Get(doc, path);
                    doc = Put(doc, path, op["value"]?.DeepClone(), insert: false);
                    break;
                case "remove":
                    Remove(doc, path);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the JSON patch test at {path} failed");
                    }

                    break;
                case "copy":
                    doc = Put(doc, path, Get(doc, op["from"]?.ToString() ?? "")?.DeepClone(), insert: true);
                    break;
                case "move":
                    var from = op["from"]?.ToString() ?? "";
                    var moved = Get(doc, from)?.DeepClone();
                    Remove(doc, from);
                    doc = Put(doc, path, moved, insert: true);
                    break;
                default:
                    throw ApiException.BadRequest($"unknown JSON patch operation {kind}");
            }
        }

        return doc;
    }

    private static string[] Tokens(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new ApiException(422, "Invalid", $"the JSON patch path {path} does not exist"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode? doc, string path)
    {
        var tokens = Tokens(path);
        var parent = Get(doc, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));
        if (tokens.Length == 1)
        {
            parent = doc;
        }

        return (parent ?? throw new ApiException(422, "Invalid", $"the JSON patch path {path} has no parent"), tokens[^1]);
    }

    private static JsonNode? Put(JsonNode? doc, string path, JsonNode? value, bool insert)
    {
        if (path.Length == 0)
        {
            return value;
        }

        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                if (insert)
                {
                    a.Insert(i, value);
                }
                else
                {
                    a[i] = value;
                }

                break;
            default:
                throw new ApiException(422, "Invalid", $"the JSON patch path {path} is not valid");
        }

        return doc;
    }

    private static void Remove(JsonNode? doc, string path)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new ApiException(422, "Invalid", $"the JSON patch path {path} does not exist");
        }
    }
}
