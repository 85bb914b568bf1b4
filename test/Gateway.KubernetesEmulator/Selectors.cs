// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.KubernetesEmulator;

/// <summary>
/// A label selector (<c>a=b,c!=d,e in (x,y),f notin (z),!g,h</c>) or, with <see cref="ParseFields"/>, a field selector
/// (<c>metadata.name=x,spec.type!=y</c>) whose keys are dotted paths into the object.
/// </summary>
internal sealed partial class Selector
{
    private readonly List<Func<Func<string, string?>, bool>> _terms = [];
    private readonly bool _fields;

    private Selector(bool fields) => _fields = fields;

    public static Selector Everything { get; } = new(false);

    public bool IsEmpty => _terms.Count == 0;

    public static Selector ParseLabels(string? text) => Parse(text, false);

    public static Selector ParseFields(string? text) => Parse(text, true);

    public bool Matches(JsonObject obj)
    {
        if (_terms.Count == 0)
        {
            return true;
        }

        Func<string, string?> lookup = _fields
            ? path => Lookup(obj, path)
            : key => obj["metadata"]?["labels"]?[key] is JsonValue v ? v.ToString() : null;
        return _terms.All(term => term(lookup));
    }

    private static string? Lookup(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    private static Selector Parse(string? text, bool fields)
    {
        var selector = new Selector(fields);
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            var set = SetTerm().Match(term);
            if (set.Success)
            {
                var key = set.Groups[1].Value;
                var values = set.Groups[3].Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet();
                var notIn = set.Groups[2].Value == "notin";
                selector._terms.Add(get => get(key) is { } v ? values.Contains(v) != notIn : notIn);
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "!=");
                selector._terms.Add(get => get(key) != value);
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var (key, value) = term.Contains("==", StringComparison.Ordinal) ? Split(term, "==") : Split(term, "=");
                selector._terms.Add(get => get(key) == value);
            }
            else if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                selector._terms.Add(get => get(key) is null);
            }
            else if (!fields && KeyPattern().IsMatch(term))
            {
                selector._terms.Add(get => get(term) is not null);
            }
            else
            {
                throw ApiException.BadRequest($"unable to parse requirement: {term}");
            }
        }

        return selector;
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + op.Length)..].Trim());
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    [GeneratedRegex(@"^(\S+)\s+(in|notin)\s*\((.*)\)$")]
    private static partial Regex SetTerm();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$")]
    private static partial Regex KeyPattern();
}
