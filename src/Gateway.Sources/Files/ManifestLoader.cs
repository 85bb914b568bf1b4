// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model.Core;
using Gateway.Model.Meta;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Sources.Files;

/// <summary>
/// Reads multi-document YAML (and JSON, which is YAML) into typed objects. A syntax or type error fails the
/// whole file with its line; an unknown kind is only a warning. Objects with no namespace get "default".
/// </summary>
public static class ManifestLoader
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    public static ManifestFile Load(string path, string text)
    {
        var objects = ImmutableArray.CreateBuilder<LoadedObject>();
        var warnings = ImmutableArray.CreateBuilder<SourceError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return Failed(path, (int)e.Start.Line, $"YAML syntax error: {InnerMessage(e)}");
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue; // An empty document between two '---'.
            }

            var line = (int)document.RootNode.Start.Line;
            if (ToJson(document.RootNode) is not JsonObject root)
            {
                return Failed(path, line, "a manifest document must be a mapping");
            }

            if (root["kind"]?.GetValue<string>() is "List" && root["items"] is JsonArray items)
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    var error = Add(path, line, item, objects, warnings);
                    if (error is not null)
                    {
                        return Failed(path, line, error);
                    }
                }

                continue;
            }

            var problem = Add(path, line, root, objects, warnings);
            if (problem is not null)
            {
                return Failed(path, line, problem);
            }
        }

        return new ManifestFile(path, objects.ToImmutable(), warnings.ToImmutable(), null);
    }

    private static string? Add(string path, int line, JsonObject node, ImmutableArray<LoadedObject>.Builder objects, ImmutableArray<SourceError>.Builder warnings)
    {
        var apiVersion = node["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var av) ? av : null;
        var kind = node["kind"] is JsonValue k && k.TryGetValue<string>(out var kv) ? kv : null;
        if (apiVersion is null || kind is null)
        {
            return "every document needs apiVersion and kind";
        }

        var type = KnownKinds.Find(apiVersion, kind);
        if (type is null)
        {
            warnings.Add(new SourceError(path, line, $"ignoring unknown kind {apiVersion}/{kind}"));
            return null;
        }

        KubernetesObject obj;
        try
        {
            obj = (KubernetesObject)(node.Deserialize(type, JsonOptions) ?? throw new JsonException("empty object"));
        }
        catch (JsonException e)
        {
            return $"{kind}: invalid field {e.Path?.TrimStart('$', '.')}: {FirstSentence(e.Message)}";
        }

        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            return $"{kind} has no metadata.name";
        }

        if (KnownKinds.IsNamespaced(kind) && string.IsNullOrEmpty(obj.Metadata.Namespace))
        {
            obj = obj with { Metadata = obj.Metadata with { Namespace = "default" } };
        }

        if (obj is V1Secret secret)
        {
            obj = MergeStringData(secret);
        }

        objects.Add(new LoadedObject(obj, path, line, Fingerprint(node), obj.Metadata.Generation is not null));
        return null;
    }

    private static V1Secret MergeStringData(V1Secret secret)
    {
        if (secret.StringData is null || secret.StringData.IsEmpty)
        {
            return secret;
        }

        var data = (secret.Data ?? ImmutableDictionary<string, string>.Empty).ToBuilder();
        foreach (var (key, value) in secret.StringData)
        {
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        }

        return secret with { Data = data.ToImmutable(), StringData = null };
    }

    // The generation moves when anything but metadata and status changes. Half a SHA-256 is plenty to tell two
    // specs of one object apart, and 16 bytes instead of a 64-character string per object adds up at 10,000 routes.
    private static UInt128 Fingerprint(JsonObject node)
    {
        var copy = (JsonObject)node.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(copy.ToJsonString()), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    private static ManifestFile Failed(string path, int line, string message) =>
        new(path, [], [], new SourceError(path, line, message));

    private static string InnerMessage(YamlException e) => e.InnerException is YamlException inner ? inner.Message : e.Message;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
