// SPDX-License-Identifier: Apache-2.0
using System.Net.Http.Headers;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>Gateway API header modifier semantics: set replaces, add appends, remove deletes (names case-insensitive).</summary>
internal static class HeaderEditor
{
    public static void Apply(HeaderChanges changes, HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        foreach (var (name, value) in changes.Set)
        {
            headers.Remove(name);
            contentHeaders?.Remove(name);
            if (!headers.TryAddWithoutValidation(name, value))
            {
                contentHeaders?.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in changes.Add)
        {
            if (headers.TryGetValues(name, out var existing))
            {
                // Gateway API "add" appends to the existing value, as a comma-separated list.
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, $"{string.Join(",", existing)},{value}");
            }
            else if (!headers.TryAddWithoutValidation(name, value))
            {
                contentHeaders?.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var name in changes.Remove)
        {
            headers.Remove(name);
            contentHeaders?.Remove(name);
        }
    }

    public static void Apply(HeaderChanges changes, IHeaderDictionary headers)
    {
        foreach (var (name, value) in changes.Set)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in changes.Add)
        {
            headers[name] = headers.TryGetValue(name, out var existing) && existing.Count > 0 ? $"{existing},{value}" : value;
        }

        foreach (var name in changes.Remove)
        {
            headers.Remove(name);
        }
    }
}
