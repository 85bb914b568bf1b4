// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Header names the HTTP/1.1 client knows: those never forwarded (hop-by-hop, RFC 9110 §7.6.1, and the rest of
/// the list YARP's forwarder drops, so both clients forward the same headers), and common response headers whose
/// name string is reused and whose value is cached per connection, so a typical response head allocates little.
/// </summary>
internal static class Http1HeaderNames
{
    /// <summary>Headers neither request nor response carries on to the next hop (YARP's list).</summary>
    public static readonly string[] HopByHop =
    [
        HeaderNames.Connection, HeaderNames.TransferEncoding, HeaderNames.KeepAlive, HeaderNames.Upgrade, HeaderNames.ProxyConnection,
        HeaderNames.ProxyAuthenticate, "Proxy-Authentication-Info", HeaderNames.ProxyAuthorization, "Proxy-Features", "Proxy-Instruction",
        "Security-Scheme", "ALPN", "Close", "HTTP2-Settings", HeaderNames.UpgradeInsecureRequests, HeaderNames.TE, HeaderNames.AltSvc,
    ];

    /// <summary>
    /// Request headers not copied as they are: hop-by-hop ones, and those the writer produces itself (Host, the
    /// framing headers, X-Forwarded-*).
    /// </summary>
    public static readonly FrozenSet<string> RequestSkipped = HopByHop
        .Concat([HeaderNames.Host, HeaderNames.ContentLength, "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"])
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] Cached =
    [
        HeaderNames.ContentType, HeaderNames.Date, HeaderNames.Server, HeaderNames.CacheControl, HeaderNames.ETag, HeaderNames.LastModified,
        HeaderNames.Vary, HeaderNames.ContentEncoding, HeaderNames.AcceptRanges, HeaderNames.Expires, HeaderNames.Pragma,
        HeaderNames.AccessControlAllowOrigin, HeaderNames.XContentTypeOptions, HeaderNames.StrictTransportSecurity, HeaderNames.Age,
        HeaderNames.Via, HeaderNames.ContentLanguage,
    ];

    // Known, but not worth caching: their values change from response to response.
    private static readonly string[] Named = [HeaderNames.SetCookie, HeaderNames.Location, HeaderNames.ContentDisposition, HeaderNames.ContentRange];

    private static readonly Entry[][] ByLength = Build();

    public enum Kind
    {
        Copy,
        Skip,
        ContentLength,
    }

    /// <summary>How many names have a per-connection value cache slot.</summary>
    public static int Count => Cached.Length;

    /// <summary>
    /// Looks a response header name up (case-insensitive). False for names it does not know; for known names, the
    /// name's usual spelling, its value cache slot (-1 when none) and what to do with it.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> name, out string canonical, out int slot, out Kind kind)
    {
        if (name.Length < ByLength.Length)
        {
            foreach (var entry in ByLength[name.Length])
            {
                if (Ascii.EqualsIgnoreCase(name, entry.Bytes))
                {
                    (canonical, slot, kind) = (entry.Name, entry.Slot, entry.Kind);
                    return true;
                }
            }
        }

        (canonical, slot, kind) = (string.Empty, -1, Kind.Copy);
        return false;
    }

    private static Entry[][] Build()
    {
        var all = HopByHop.Select(n => new Entry(n, -1, Kind.Skip))
            .Append(new Entry(HeaderNames.ContentLength, -1, Kind.ContentLength))
            .Concat(Cached.Select((n, i) => new Entry(n, i, Kind.Copy)))
            .Concat(Named.Select(n => new Entry(n, -1, Kind.Copy)))
            .ToArray();
        var byLength = new Entry[all.Max(e => e.Name.Length) + 1][];
        for (var length = 0; length < byLength.Length; length++)
        {
            byLength[length] = [.. all.Where(e => e.Name.Length == length)];
        }

        return byLength;
    }

    private sealed record Entry(string Name, int Slot, Kind Kind)
    {
        public byte[] Bytes { get; } = Encoding.ASCII.GetBytes(Name);
    }
}
