// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gateway.Sources.Files;

/// <summary>
/// Turns YAML (and JSON, which is YAML) into JSON nodes straight from the parser's events, with the limits of
/// <see cref="ManifestLimits"/> checked as it goes: no recursion (the nesting depth is counted, so no stack
/// overflow), and an alias is charged the size of what it would copy before anything is copied (so an anchor bomb
/// fails within its first kilobyte instead of growing to gigabytes). Mapping keys must be strings and unique, and an
/// alias cannot refer to the node it sits in, as with the API server's YAML decoder.
/// </summary>
internal static class BoundedYamlReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>
    /// Every document of <paramref name="text"/>, each as soon as it is read (a file of 100,000 objects is never held
    /// as 100,000 trees at once); a violation throws <see cref="ManifestFormatException"/> from the enumeration.
    /// </summary>
    public static IEnumerable<YamlDocumentNode> Read(string text, ManifestLimits limits)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, Anchored>(StringComparer.Ordinal);
        var stack = new List<Frame>();
        var aliasNodes = 0L;
        YamlDocumentNode? document = null;
        var line = 1;
        while (Next(parser, line))
        {
            var current = parser.Current!;
            line = Line(current);
            switch (current)
            {
                case DocumentStart:
                    anchors.Clear(); // Anchors are local to a document.
                    document = new YamlDocumentNode();
                    break;
                case DocumentEnd:
                    yield return document!;
                    document = null;
                    break;
                case MappingStart or SequenceStart:
                    if (stack.Count >= limits.MaxDepth)
                    {
                        throw new ManifestFormatException(Line(current), $"nested deeper than {limits.MaxDepth} levels");
                    }

                    var isMap = current is MappingStart;
                    var anchor = ((NodeEvent)current).Anchor;
                    if (stack.Count == 0)
                    {
                        document!.Line = Line(current);
                    }

                    KeyOf(stack, current);
                    if (!anchor.IsEmpty)
                    {
                        anchors[anchor.Value] = Anchored.InProgress;
                    }

                    stack.Add(new Frame(isMap ? new JsonObject() : new JsonArray(), anchor, current.Start.Index, Line(current)));
                    break;
                case MappingEnd or SequenceEnd:
                {
                    var done = stack[^1];
                    stack.RemoveAt(stack.Count - 1);
                    if (IsListItem(stack))
                    {
                        document!.Items.Add((done.Line, current.End.Index - done.Start));
                    }

                    if (stack.Count == 0)
                    {
                        document!.Length = current.End.Index - done.Start;
                    }

                    Complete(stack, document!, anchors, done.Anchor, done.Node, done.Nodes, done.Height + 1);
                    break;
                }

                case Scalar scalar:
                    if (KeyOf(stack, scalar))
                    {
                        break;
                    }

                    if (stack.Count == 0)
                    {
                        document!.Line = Line(scalar);
                    }

                    Complete(stack, document!, anchors, scalar.Anchor, Value(scalar), 1, 0);
                    break;
                case AnchorAlias alias:
                {
                    KeyOf(stack, alias);
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new ManifestFormatException(Line(alias), $"alias *{alias.Value} has no anchor &{alias.Value} before it");
                    }

                    if (target.Nodes == 0)
                    {
                        throw new ManifestFormatException(Line(alias), $"alias *{alias.Value} is inside the node it refers to");
                    }

                    aliasNodes += target.Nodes;
                    if (aliasNodes > limits.MaxAliasNodes)
                    {
                        throw new ManifestFormatException(Line(alias),
                            $"aliases expand to more than {limits.MaxAliasNodes} nodes (excessive aliasing)");
                    }

                    if (stack.Count + target.Height > limits.MaxDepth)
                    {
                        throw new ManifestFormatException(Line(alias), $"alias *{alias.Value} nests deeper than {limits.MaxDepth} levels");
                    }

                    Complete(stack, document!, anchors, AnchorName.Empty, target.Node?.DeepClone(), target.Nodes, target.Height);
                    break;
                }
            }
        }
    }

    /// <summary>The parser's next event; the parser can fail on some broken input with an exception of its own, which is still a syntax error.</summary>
    private static bool Next(Parser parser, int line)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new ManifestFormatException(line, "YAML syntax error after this line");
        }
    }

    /// <summary>In a mapping that expects a key, takes the event as the key; returns true when it was one.</summary>
    private static bool KeyOf(List<Frame> stack, ParsingEvent current)
    {
        if (stack.Count == 0 || stack[^1].Node is not JsonObject map || stack[^1].Key is not null)
        {
            return false;
        }

        if (current is not Scalar key)
        {
            throw new ManifestFormatException(Line(current), "a mapping key must be a string, not a mapping, sequence or alias");
        }

        if (map.ContainsKey(key.Value))
        {
            throw new ManifestFormatException(Line(current), $"mapping key \"{key.Value}\" already defined");
        }

        stack[^1].Key = key.Value;
        return true;
    }

    /// <summary>Puts a finished node into its parent (or makes it the document's root) and records its anchor.</summary>
    private static void Complete(List<Frame> stack, YamlDocumentNode document, Dictionary<string, Anchored> anchors,
        AnchorName anchor, JsonNode? node, long nodes, int height)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = new Anchored(node, nodes, height);
        }

        if (stack.Count == 0)
        {
            document.Root = node;
            return;
        }

        var parent = stack[^1];
        parent.Nodes += nodes;
        parent.Height = Math.Max(parent.Height, height);
        if (parent.Node is JsonObject map)
        {
            map[parent.Key!] = node;
            parent.Key = null;
        }
        else
        {
            ((JsonArray)parent.Node).Add(node);
        }
    }

    /// <summary>A mapping that just ended directly inside the root's <c>items</c> sequence (an item of a <c>kind: List</c>).</summary>
    private static bool IsListItem(List<Frame> stack) =>
        stack.Count == 2 && stack[0].Key == "items" && stack[1].Node is JsonArray;

    /// <summary>YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are strings.</summary>
    private static JsonNode? Value(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded
            || (!scalar.Tag.IsEmpty && scalar.Tag.ToString() is "!!str" or StringTag))
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && value.Any(char.IsDigit) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    private static int Line(ParsingEvent e) => (int)Math.Min(e.Start.Line, int.MaxValue);

    /// <summary>A mapping or sequence being built, with its size so far (nodes) and height (levels below it).</summary>
    private sealed class Frame(JsonNode node, AnchorName anchor, long start, int line)
    {
        public JsonNode Node { get; } = node;
        public AnchorName Anchor { get; } = anchor;
        public long Start { get; } = start;
        public int Line { get; } = line;
        public string? Key { get; set; }
        public long Nodes { get; set; } = 1;
        public int Height { get; set; }
    }

    /// <summary>An anchored node with its size; Nodes is 0 while the node is still being read.</summary>
    private readonly record struct Anchored(JsonNode? Node, long Nodes, int Height)
    {
        public static Anchored InProgress => default;
    }
}

/// <summary>One YAML document: its root (null for an empty document), the line it starts on and its length in characters.</summary>
internal sealed class YamlDocumentNode
{
    public JsonNode? Root { get; set; }
    public int Line { get; set; }
    public long Length { get; set; }

    /// <summary>Line and length of each mapping in the root's <c>items</c>, in case this is a <c>kind: List</c>.</summary>
    public List<(int Line, long Length)> Items { get; } = [];
}

/// <summary>A file that breaks a rule of YAML or a limit, at a line.</summary>
internal sealed class ManifestFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
