// SPDX-License-Identifier: Apache-2.0
using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Gateway.Sources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Cli.Validate;

/// <summary>One finding of the strict check: where, which field, and what is wrong, in a user's words.</summary>
internal sealed record FieldProblem(string File, int Line, string Object, string Path, string Message, bool IsError)
{
    public override string ToString() => $"{File}:{Line}: {(IsError ? "error" : "warning")}: {Object}: {Path}: {Message}";
}

/// <summary>
/// Walks each document's YAML against the model the gateway reads it into, which the loader does not: the loader skips
/// unknown fields (a cluster would have refused them) and names .NET types in its errors. The model holds only the
/// fields the gateway reads, so an unknown field close to a known one (<c>wieght</c>) is an error, and any other is a
/// warning that the gateway ignores it.
/// </summary>
internal static class StrictFields
{
    public static List<FieldProblem> Check(string file, string text)
    {
        var problems = new List<FieldProblem>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return problems; // The loader reports syntax errors with their line.
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || Scalar(root, "apiVersion") is not { } apiVersion
                || Scalar(root, "kind") is not { } kind || KnownKinds.Find(apiVersion, kind) is not { } type)
            {
                continue;
            }

            var name = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var meta) && meta is YamlMappingNode m
                ? (Scalar(m, "namespace") is { } ns ? $"{ns}/" : "") + Scalar(m, "name")
                : "";
            var walk = new Walk(file, $"{kind} {name}", problems);
            foreach (var (key, value) in root.Children)
            {
                if (key is YamlScalarNode { Value: "spec" or "metadata" } field)
                {
                    walk.Node(value, Property(type, field.Value!)!.PropertyType, field.Value!);
                }
            }
        }

        return problems;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static PropertyInfo? Property(Type type, string jsonName) =>
        Properties(type).FirstOrDefault(p => JsonName(p) == jsonName);

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null);

    private static string JsonName(PropertyInfo p) =>
        p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    private sealed class Walk(string file, string obj, List<FieldProblem> problems)
    {
        public void Node(YamlNode node, Type type, string path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (IsOpen(type))
            {
                return;
            }

            var wanted = Wanted(type);
            if (wanted is "a number" or "true or false" or "a string")
            {
                if (node is not YamlScalarNode scalar || !Fits(scalar, wanted))
                {
                    Add(node, path, $"must be {wanted}, not {Describe(node)}", error: true);
                }

                return;
            }

            if (Dictionary(type) is { } values)
            {
                if (node is not YamlMappingNode map)
                {
                    Add(node, path, $"must be a mapping, not {Describe(node)}", error: true);
                    return;
                }

                foreach (var (key, value) in map.Children)
                {
                    Node(value, values, $"{path}.{key}");
                }

                return;
            }

            if (Element(type) is { } element)
            {
                if (node is not YamlSequenceNode sequence)
                {
                    Add(node, path, $"must be a list, not {Describe(node)}", error: true);
                    return;
                }

                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Node(sequence.Children[i], element, $"{path}[{i}]");
                }

                return;
            }

            if (node is not YamlMappingNode fields)
            {
                Add(node, path, $"must be a mapping, not {Describe(node)}", error: true);
                return;
            }

            foreach (var (key, value) in fields.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (Property(type, name) is { } property && property.GetCustomAttribute<JsonConverterAttribute>() is null)
                {
                    Node(value, property.PropertyType, $"{path}.{name}");
                }
                else if (Property(type, name) is not null)
                {
                    // Read by a converter (int-or-string): any scalar.
                }
                else if (Properties(type).Select(JsonName).FirstOrDefault(known => Distance(known, name) <= 2) is { } near)
                {
                    Add(key, $"{path}.{name}", $"unknown field; did you mean {near}?", error: true);
                }
                else
                {
                    Add(key, $"{path}.{name}", "not a field this gateway reads; it is ignored", error: false);
                }
            }
        }

        private void Add(YamlNode node, string path, string message, bool error) =>
            problems.Add(new FieldProblem(file, (int)node.Start.Line, obj, path, message, error));
    }

    /// <summary>Types read by a converter or kept as raw JSON take whatever the text says.</summary>
    private static bool IsOpen(Type type) =>
        type == typeof(object) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement)
        || type.GetCustomAttribute<JsonConverterAttribute>() is not null;

    private static string? Wanted(Type type) =>
        type == typeof(string) || type.IsEnum || type == typeof(DateTimeOffset) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type.IsPrimitive || type == typeof(decimal) ? "a number"
        : null;

    private static bool Fits(YamlScalarNode scalar, string wanted) => wanted switch
    {
        "a number" => scalar.Style is ScalarStyle.Plain && double.TryParse(scalar.Value, System.Globalization.CultureInfo.InvariantCulture, out _),
        "true or false" => scalar.Style is ScalarStyle.Plain && scalar.Value is "true" or "false",
        _ => true,
    };

    private static Type? Dictionary(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && typeof(IEnumerable).IsAssignableFrom(type) ? value : null;

    private static Type? Element(Type type) =>
        type.IsArray ? type.GetElementType()
        : type != typeof(string) && type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
            ? enumerable.GetGenericArguments()[0]
            : null;

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"\"{s.Value}\"",
        YamlSequenceNode => "a list",
        _ => "a mapping",
    };

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
