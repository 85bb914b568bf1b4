// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;

namespace Gateway.Proxy.Upstream;

/// <summary>How a response body is delimited (RFC 9112 §6.3).</summary>
internal enum ResponseBodyFraming
{
    None,
    ContentLength,
    Chunked,
    UntilClose,
}

/// <summary>
/// A response's status line and the header facts that decide framing and reuse, checked strictly: lines end in CRLF,
/// no obs-fold, no whitespace before a colon, names are tokens, values hold no control characters (so no CR, LF or
/// NUL can split what the gateway forwards), Content-Length is digits and agrees with itself, Transfer-Encoding is
/// "chunked" alone and never comes with Content-Length. Anything else is not forwarded (502) and the connection is
/// not reused: a backend's ambiguous head is where response splitting and desync start.
/// </summary>
internal struct Http1ResponseHead
{
    /// <summary>A larger head is refused (502), as SocketsHttpHandler's default MaxResponseHeadersLength.</summary>
    public const int MaxLength = 64 * 1024;

    // Bytes a field value or reason phrase may not hold: controls but HTAB, and DEL.
    private static readonly SearchValues<byte> Forbidden = SearchValues.Create([.. Enumerable.Range(0, 32).Where(b => b != '\t').Select(b => (byte)b), (byte)0x7F]);

    // RFC 9110 tchar.
    private static readonly SearchValues<byte> TokenChars = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public int StatusCode;
    public bool Http10;
    public long ContentLength;
    public bool Chunked;
    public bool ConnectionClose;

    /// <summary>The Connection header names other headers, which are then this hop's only and are not copied.</summary>
    public bool ConnectionNamesHeaders;
    public int ReasonStart;
    public int ReasonLength;

    /// <summary>The length of the head in <paramref name="buffer"/>, up to and with its empty line; -1 when it has not all arrived.</summary>
    public static long Find(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            var end = buffer.FirstSpan.IndexOf("\r\n\r\n"u8);
            return end < 0 ? -1 : end + 4;
        }

        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8) ? reader.Consumed : -1;
    }

    /// <summary>Parses a whole head (ending in its empty line); returns why it is refused, or null.</summary>
    public static string? TryParse(ReadOnlySpan<byte> head, out Http1ResponseHead result)
    {
        result = default;
        result.ContentLength = -1;
        var lineEnd = head.IndexOf((byte)'\n');
        if (lineEnd < 1 || head[lineEnd - 1] != '\r')
        {
            return "status line not ended by CRLF";
        }

        var status = head[..(lineEnd - 1)];
        if (status.Length < 12 || !status.StartsWith("HTTP/1."u8) || status[7] is not ((byte)'0' or (byte)'1') || status[8] != ' '
            || !IsDigit(status[9]) || !IsDigit(status[10]) || !IsDigit(status[11]) || (status.Length > 12 && status[12] != ' ')
            || status.IndexOfAny(Forbidden) >= 0)
        {
            return "malformed status line";
        }

        result.Http10 = status[7] == '0';
        result.StatusCode = ((status[9] - '0') * 100) + ((status[10] - '0') * 10) + (status[11] - '0');
        result.ReasonStart = Math.Min(13, status.Length);
        result.ReasonLength = status.Length - result.ReasonStart;
        var transferEncodings = 0;
        for (var rest = head[(lineEnd + 1)..]; ;)
        {
            lineEnd = rest.IndexOf((byte)'\n');
            if (lineEnd < 1 || rest[lineEnd - 1] != '\r')
            {
                return "header line not ended by CRLF";
            }

            var line = rest[..(lineEnd - 1)];
            rest = rest[(lineEnd + 1)..];
            if (line.IsEmpty)
            {
                break;
            }

            if (!TrySplit(line, out var name, out var value))
            {
                return "malformed header line";
            }

            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!TryContentLength(value, ref result.ContentLength))
                {
                    return "invalid or conflicting Content-Length";
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                if (++transferEncodings > 1 || !Ascii.EqualsIgnoreCase(value, "chunked"u8))
                {
                    return "unsupported Transfer-Encoding";
                }

                result.Chunked = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "close"u8))
                    {
                        result.ConnectionClose = true;
                    }
                    else if (!token.IsEmpty && !Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                    {
                        result.ConnectionNamesHeaders = true;
                    }
                }
            }
        }

        if (result.Chunked && (result.ContentLength >= 0 || result.Http10))
        {
            return "Transfer-Encoding with Content-Length, or in HTTP/1.0";
        }

        return null;
    }

    /// <summary>How the body is delimited; a response to HEAD, a 1xx, 204 or 304 has none whatever its headers say.</summary>
    public readonly ResponseBodyFraming Framing(bool headRequest)
    {
        if (headRequest || StatusCode < 200 || StatusCode is 204 or 304)
        {
            return ResponseBodyFraming.None;
        }

        if (Chunked)
        {
            return ResponseBodyFraming.Chunked;
        }

        return ContentLength switch
        {
            0 => ResponseBodyFraming.None,
            > 0 => ResponseBodyFraming.ContentLength,
            _ => ResponseBodyFraming.UntilClose,
        };
    }

    /// <summary>Whether the connection can carry another request once this response is read whole.</summary>
    public readonly bool KeepAlive => !Http10 && !ConnectionClose;

    /// <summary>Splits "name: value" into a token name and the value without surrounding whitespace; false when either is malformed.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var colon = line.IndexOf((byte)':');
        name = colon > 0 ? line[..colon] : default;
        value = colon > 0 ? line[(colon + 1)..].Trim(" \t"u8) : default;
        return colon > 0 && name.IndexOfAnyExcept(TokenChars) < 0 && value.IndexOfAny(Forbidden) < 0;
    }

    private static bool TryContentLength(ReadOnlySpan<byte> value, ref long contentLength)
    {
        foreach (var range in value.Split((byte)','))
        {
            var digits = value[range].Trim(" \t"u8);
            if (digits.IsEmpty || digits.Length > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                return false;
            }

            long parsed = 0;
            foreach (var digit in digits)
            {
                parsed = (parsed * 10) + (digit - '0');
            }

            if (contentLength >= 0 && contentLength != parsed)
            {
                return false;
            }

            contentLength = parsed;
        }

        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
