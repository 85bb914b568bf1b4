// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model.Core;
using Gateway.Model.Meta;
using YamlDotNet.Core;

namespace Gateway.Sources.Files;

/// <summary>
/// Reads multi-document YAML (and JSON, which is YAML) into typed objects. A syntax or type error, or a file over one
/// of the <see cref="ManifestLimits"/>, fails the whole file with its line; an unknown kind is only a warning. Objects
/// with no namespace get "default".
/// </summary>
public static class ManifestLoader
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        // Nesting is bounded where the text is read (ManifestLimits.MaxDepth, 64); the serializer's own limit is
        // kept above it so a document within the limit is never refused for its depth further on.
        MaxDepth = 128,
        Converters = { new PooledStrings() },
    };

    /// <summary>
    /// Reads one file. Never throws: whatever is wrong with the text (syntax, a limit, a field of the wrong type, or a
    /// bug of ours) fails the file with a line, and the caller keeps the file's previous objects in force.
    /// </summary>
    public static ManifestFile Load(string path, string text, ManifestLimits? limits = null)
    {
        limits ??= ManifestLimits.Default;
        try
        {
            return LoadChecked(path, text, limits);
        }
        catch (ManifestFormatException e)
        {
            return Failed(path, e.Line, e.Message);
        }
        catch (YamlException e)
        {
            return Failed(path, (int)Math.Min(e.Start.Line, int.MaxValue), $"YAML syntax error: {InnerMessage(e)}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(path, 0, $"cannot read this file ({e.GetType().Name}: {e.Message})");
        }
    }

    private static ManifestFile LoadChecked(string path, string text, ManifestLimits limits)
    {
        if (text.Length > limits.MaxFileBytes)
        {
            throw new ManifestFormatException(0, $"the file is larger than the {limits.MaxFileBytes}-byte limit");
        }

        var objects = ImmutableArray.CreateBuilder<LoadedObject>();
        var warnings = ImmutableArray.CreateBuilder<SourceError>();
        // A UTF-8 byte order mark is decoded away when the file is read; one left in the text is not content either.
        foreach (var document in BoundedYamlReader.Read(text.TrimStart('\uFEFF'), limits))
        {
            if (document.Root is null)
            {
                continue; // An empty document between two '---'.
            }

            var line = document.Line;
            if (document.Root is not JsonObject root)
            {
                throw new ManifestFormatException(line, "a manifest document must be a mapping");
            }

            if (StringField(root, "kind", line) is "List")
            {
                if (root["items"] is not (null or JsonArray))
                {
                    throw new ManifestFormatException(line, "List: items must be a sequence");
                }

                var items = root["items"] as JsonArray ?? [];
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonObject item)
                    {
                        throw new ManifestFormatException(line, $"List: items[{i}] must be a mapping");
                    }

                    var (itemLine, length) = document.Items[i];
                    CheckSize(itemLine, length, limits);
                    Add(path, itemLine, item, objects, warnings, limits);
                }

                continue;
            }

            CheckSize(line, document.Length, limits);
            Add(path, line, root, objects, warnings, limits);
        }

        return new ManifestFile(path, objects.ToImmutable(), warnings.ToImmutable(), null);
    }

    private static void CheckSize(int line, long length, ManifestLimits limits)
    {
        if (length > limits.MaxObjectBytes)
        {
            throw new ManifestFormatException(line, $"the object is larger than the {limits.MaxObjectBytes}-byte limit");
        }
    }

    private static void Add(string path, int line, JsonObject node, ImmutableArray<LoadedObject>.Builder objects,
        ImmutableArray<SourceError>.Builder warnings, ManifestLimits limits)
    {
        var apiVersion = StringField(node, "apiVersion", line);
        var kind = StringField(node, "kind", line);
        if (apiVersion is null || kind is null)
        {
            throw new ManifestFormatException(line, "every document needs apiVersion and kind");
        }

        var type = KnownKinds.Find(apiVersion, kind);
        if (type is null)
        {
            warnings.Add(new SourceError(path, line, $"ignoring unknown kind {apiVersion}/{kind}"));
            return;
        }

        if (objects.Count >= limits.MaxObjects)
        {
            throw new ManifestFormatException(line, $"more than {limits.MaxObjects} objects in one file");
        }

        if (JsonNulls.RemoveNullFields(node) is { } nullEntry)
        {
            throw new ManifestFormatException(line, $"{kind}: {nullEntry} is an empty list entry");
        }

        CheckMetadata(node, kind, line);
        KubernetesObject obj;
        try
        {
            obj = (KubernetesObject)(node.Deserialize(type, JsonOptions) ?? throw new JsonException("empty object"));
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException(line, $"{kind}: invalid field {e.Path?.TrimStart('$', '.')}: {FirstSentence(e.Message)}");
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            throw new ManifestFormatException(line, $"{kind}: {e.Message}");
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
    }

    /// <summary>The API server's rules for the identity fields: metadata is a mapping, name a non-empty string.</summary>
    private static void CheckMetadata(JsonObject node, string kind, int line)
    {
        if (node["metadata"] is not JsonObject metadata)
        {
            throw new ManifestFormatException(line, node["metadata"] is null
                ? $"{kind} has no metadata (metadata.name is required)"
                : $"{kind}: metadata must be a mapping, not {Describe(node["metadata"])}");
        }

        if (StringField(metadata, "name", line, $"{kind}: metadata.name") is not { Length: > 0 })
        {
            throw new ManifestFormatException(line, $"{kind} has no metadata.name");
        }

        StringField(metadata, "namespace", line, $"{kind}: metadata.namespace");
    }

    /// <summary>A field that must be a string when present; null when absent.</summary>
    private static string? StringField(JsonObject node, string name, int line, string? what = null) => node[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw new ManifestFormatException(line, $"{what ?? name} must be a string, not {Describe(other)}"),
    };

    private static string Describe(JsonNode? node) => node switch
    {
        JsonObject => "a mapping",
        JsonArray => "a sequence",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
        _ => "null",
    };

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
    // The other top-level fields are written out as they stand rather than from a copy without metadata and status:
    // at 10,000 routes the copy was a tenth of loading them.
    private static UInt128 Fingerprint(JsonObject node)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in node)
            {
                if (name is "metadata" or "status")
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer, JsonOptions);
                }
            }

            writer.WriteEndObject();
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(json.WrittenSpan, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
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
