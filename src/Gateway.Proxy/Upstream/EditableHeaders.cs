// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// A request's headers as a short list, for routes whose filters edit them: Gateway API set, add and remove with the
/// semantics <see cref="Pipeline.HeaderEditor"/> gives them on the YARP path (names case-insensitive, "add" appends
/// to an existing value with a comma).
/// </summary>
internal sealed class EditableHeaders
{
    private readonly List<KeyValuePair<string, StringValues>> _headers = new(24);

    public IReadOnlyList<KeyValuePair<string, StringValues>> All => _headers;

    public void Append(string name, StringValues values) => _headers.Add(new(name, values));

    public void Set(string name, string value)
    {
        Remove(name);
        _headers.Add(new(name, value));
    }

    public void Apply(HeaderChanges changes)
    {
        foreach (var (name, value) in changes.Set)
        {
            Set(name, value);
        }

        foreach (var (name, value) in changes.Add)
        {
            var index = IndexOf(name);
            if (index < 0)
            {
                _headers.Add(new(name, value));
            }
            else
            {
                var existing = _headers[index].Value;
                _headers.RemoveAt(index);
                _headers.Add(new(name, $"{string.Join(",", existing.ToArray())},{value}"));
            }
        }

        foreach (var name in changes.Remove)
        {
            Remove(name);
        }
    }

    private void Remove(string name) => _headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    private int IndexOf(string name) => _headers.FindIndex(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
}
