// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Copies a parsed response head onto Kestrel's response as YARP's forwarder does: status (and a reason phrase that is
/// not the usual one), every header but the hop-by-hop ones, appended to values the gateway already set (except
/// Strict-Transport-Security, which the gateway's own value wins), and no "Content-Length: 0" on a 1xx, 204 or 205.
/// Content-Length goes to <see cref="HttpResponse.ContentLength"/> (a number, no string); common names reuse their
/// string and their last value on this connection.
/// </summary>
internal static class Http1ResponseHeaders
{
    public static void Copy(ReadOnlySpan<byte> head, in Http1ResponseHead parsed, HttpContext context, string?[] cache)
    {
        var response = context.Response;
        response.StatusCode = parsed.StatusCode;
        var reason = head.Slice(parsed.ReasonStart, parsed.ReasonLength);
        if (!reason.IsEmpty && !Ascii.Equals(reason, ReasonPhrases.GetReasonPhrase(parsed.StatusCode)) && context.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = Encoding.Latin1.GetString(reason);
        }

        if (parsed.ContentLength >= 0 && !(parsed.ContentLength == 0 && parsed.StatusCode is < 200 or 204 or 205))
        {
            response.ContentLength = parsed.ContentLength;
        }

        var headers = response.Headers;
        var rest = head[(head.IndexOf((byte)'\n') + 1)..];
        while (true)
        {
            var lineEnd = rest.IndexOf((byte)'\n');
            var line = rest[..(lineEnd - 1)];
            rest = rest[(lineEnd + 1)..];
            if (line.IsEmpty)
            {
                return;
            }

            Http1ResponseHead.TrySplit(line, out var nameBytes, out var valueBytes);
            string name;
            string value;
            if (Http1HeaderNames.TryFind(nameBytes, out var known, out var slot, out var kind))
            {
                if (kind != Http1HeaderNames.Kind.Copy)
                {
                    continue;
                }

                name = known;
                value = slot >= 0 ? Cached(valueBytes, ref cache[slot]) : Encoding.Latin1.GetString(valueBytes);
            }
            else
            {
                name = Encoding.Latin1.GetString(nameBytes);
                value = Encoding.Latin1.GetString(valueBytes);
            }

            if (parsed.ConnectionNamesHeaders && NamedByConnection(head, nameBytes))
            {
                continue;
            }

            if (headers.TryGetValue(name, out var existing) && existing.Count > 0)
            {
                if (!string.Equals(name, HeaderNames.StrictTransportSecurity, StringComparison.OrdinalIgnoreCase))
                {
                    headers[name] = StringValues.Concat(existing, value);
                }
            }
            else
            {
                headers[name] = value;
            }
        }
    }

    private static string Cached(ReadOnlySpan<byte> bytes, ref string? cached)
    {
        if (cached is not null && Ascii.Equals(bytes, cached))
        {
            return cached;
        }

        return cached = Encoding.Latin1.GetString(bytes);
    }

    /// <summary>True when a Connection header of the head lists this header name.</summary>
    private static bool NamedByConnection(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        for (var rest = head[(head.IndexOf((byte)'\n') + 1)..]; ;)
        {
            var lineEnd = rest.IndexOf((byte)'\n');
            var line = rest[..(lineEnd - 1)];
            rest = rest[(lineEnd + 1)..];
            if (line.IsEmpty)
            {
                return false;
            }

            Http1ResponseHead.TrySplit(line, out var header, out var value);
            if (!Ascii.EqualsIgnoreCase(header, "Connection"u8))
            {
                continue;
            }

            foreach (var range in value.Split((byte)','))
            {
                if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), name))
                {
                    return true;
                }
            }
        }
    }
}
