// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Sources.Files;

namespace Gateway.Translation.Tests;

/// <summary>
/// Seeded random and adversarial manifests through the file loader and the translator: whatever the text, the loader
/// answers with objects or an error it understands (never an exception of ours turned into "cannot read this file"),
/// and the translator translates whatever the loader accepted without throwing.
/// </summary>
public sealed class BadInputFuzzTests
{
    private const int Cases = 3000;

    private static readonly TranslatorOptions[] _options =
    [
        new() { ListenAddress = "127.0.0.1" },
        new() { AddressPool = ["127.0.10.1", "127.0.10.2"] },
        new() { Services = new GatewayServiceOptions { Namespace = "gateway-system", ContainerPorts = new PortRange(20000, 20009) } },
    ];

    // Values a field may hold in a malformed manifest: wrong types, empty, huge, negative, deep, aliased.
    private static readonly Func<Random, JsonNode?>[] _oddValues =
    [
        _ => null,
        _ => "",
        _ => 0,
        _ => -1,
        _ => -2147483649L,
        _ => 2147483648L,
        _ => long.MaxValue,
        _ => 1e308,
        _ => -0.5,
        _ => true,
        _ => "x",
        _ => "*",
        _ => "/",
        _ => "::1",
        _ => "a.b.c:80",
        _ => new string('a', 300),
        _ => new JsonArray(),
        _ => new JsonObject(),
        _ => new JsonArray(JsonValue.Create("")),
        _ => new JsonObject { ["name"] = "" },
        r => r.Next(-100_000, 100_000),
        r => Deep(r.Next(1, 80)),
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<JsonObject>> _parsed = new(StringComparer.Ordinal);

    private static readonly string[] _adversarial =
    [
        "kind: 5", "kind: {a: b}", "? [a, b]\n: c", "apiVersion: v1\nkind: Service\nmetadata:", "x: &a [1, *a]",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 5", "\uFEFFapiVersion: v1\nkind: Namespace\nmetadata:\n  name: a",
        "a: &a [x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]",
        new string('[', 200), new string('{', 200) + "a", "- - - - - - - - - - - - - - - - - - - -", "!!binary AAAA", "%YAML 1.1\n---\na: b",
        "apiVersion: v1\nkind: List\nitems: [5, null, {}]", "apiVersion: v1\nkind: List\nitems: {a: b}", "--- |\n  text", "&a a: b", "*a",
    ];

    [Fact]
    public void LoadAndTranslate_RandomAndAdversarialDocuments_NeverThrow()
    {
        var seeds = Seeds();
        var random = new Random(20261205);
        var translated = 0;
        for (var i = 0; i < Cases; i++)
        {
            var seed = seeds[random.Next(seeds.Count)];
            var text = (i % 8) switch
            {
                0 => FlipBytes(seed, random),
                1 => seed[..random.Next(seed.Length + 1)],
                2 => _adversarial[random.Next(_adversarial.Length)],
                _ => ReplaceAField(seed, random),
            };

            translated += Check($"case {i}", text, _options[i % _options.Length]) ? 1 : 0;
        }

        translated.Should().BeGreaterThan(Cases / 8, "many mutations still load, so the translator sees odd-but-valid objects");
    }

    /// <summary>Loads and translates; returns whether the translator ran. A failure names the case and its text.</summary>
    private static bool Check(string name, string text, TranslatorOptions options)
    {
        var file = ManifestLoader.Load("fuzz.yaml", text);
        file.Error?.Message.Should().NotStartWith("cannot read this file", $"{name} ({file.Error?.Message}) is an error the loader should name:\n{text}");
        if (file.Error is not null || file.Objects.IsEmpty)
        {
            return false;
        }

        var set = new ManifestSet();
        set.Put("fuzz.yaml", file.Objects);
        var resources = set.Build([]);
        try
        {
            Translator.Translate(resources, options);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{name}: the translator threw {e.GetType().Name}: {e.Message}\n{text}", e);
        }

        return true;
    }

    /// <summary>Every golden input, each a valid multi-document manifest.</summary>
    private static List<string> Seeds() =>
        [.. Directory.EnumerateFiles(RepoPaths.Of("test/Gateway.Translation.Tests/Golden"), "input.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(File.ReadAllText)];

    private static string FlipBytes(string seed, Random random)
    {
        var chars = seed.ToCharArray();
        for (var n = random.Next(1, 6); n > 0 && chars.Length > 0; n--)
        {
            chars[random.Next(chars.Length)] = "\0\t\n :-[]{}&*!|>'\"#%@`,?\\\u00e9\uFEFF"[random.Next(25)];
        }

        return new string(chars);
    }

    /// <summary>Reads the seed as JSON, replaces one field or list entry anywhere with an odd value, and writes it back (JSON is YAML).</summary>
    private static string ReplaceAField(string seed, Random random)
    {
        var documents = _parsed.GetOrAdd(seed, text => [.. BoundedYamlReader.Read(text, ManifestLimits.Default).Select(d => d.Root).OfType<JsonObject>()])
            .Select(d => (JsonObject)d.DeepClone()).ToList();
        var target = documents[random.Next(documents.Count)];
        var containers = new List<JsonNode>();
        Collect(target, containers);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var container = containers[random.Next(containers.Count)];
            var value = _oddValues[random.Next(_oddValues.Length)](random);
            if (container is JsonObject map && map.Count > 0)
            {
                map[map.ElementAt(random.Next(map.Count)).Key] = value;
            }
            else if (container is JsonArray list && list.Count > 0)
            {
                list[random.Next(list.Count)] = value;
            }
        }

        var text = new StringBuilder();
        foreach (var document in documents)
        {
            text.Append(document.ToJsonString()).Append("\n---\n");
        }

        return text.ToString();
    }

    private static void Collect(JsonNode node, List<JsonNode> containers)
    {
        containers.Add(node);
        foreach (var child in node switch { JsonObject map => map.Select(kv => kv.Value), JsonArray list => list, _ => [] })
        {
            if (child is JsonObject or JsonArray)
            {
                Collect(child, containers);
            }
        }
    }

    private static JsonNode Deep(int levels)
    {
        JsonNode node = JsonValue.Create(levels.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < levels; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }
}
