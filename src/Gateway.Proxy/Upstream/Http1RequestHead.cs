// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Gateway.Proxy.Pipeline;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Upstream;

/// <summary>How the request body travels to the backend.</summary>
internal enum RequestBodyFraming
{
    None,
    ContentLength,
    Chunked,
}

/// <summary>
/// Writes the request head a backend receives, from Kestrel's parsed request, into the connection's pipe. What it
/// sends is what the YARP path sends (<see cref="RouteTransformer"/> over SocketsHttpHandler): the method, the raw
/// target (<see cref="ForwardedPath"/>), the client's Host unless a URLRewrite replaces it, the client's headers but
/// the hop-by-hop ones (and those the Connection header names), X-Forwarded-For/Proto/Host, then the route's header
/// filters; the body is framed by Content-Length when the client gave one, chunked otherwise.
/// </summary>
internal static class Http1RequestHead
{
    /// <summary>Which body the request has and how to frame it (Kestrel knows whether the request can have one).</summary>
    public static RequestBodyFraming Framing(HttpContext context, out long length)
    {
        var request = context.Request;
        length = 0;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody)
        {
            return RequestBodyFraming.None;
        }

        if (request.ContentLength is { } declared && !request.Headers.ContainsKey(HeaderNames.TransferEncoding))
        {
            length = declared;
            return RequestBodyFraming.ContentLength;
        }

        return RequestBodyFraming.Chunked;
    }

    public static void Write(IBufferWriter<byte> output, HttpContext context, IReadOnlyList<RouteFilter> filters, string matchedPrefix,
        string endpointAddress, RequestBodyFraming framing, long length)
    {
        var request = context.Request;
        PathRewrite? pathRewrite = null;
        string? hostRewrite = null;
        var editsHeaders = false;
        for (var i = 0; i < filters.Count; i++)
        {
            switch (filters[i])
            {
                case RequestHeaderFilter:
                    editsHeaders = true;
                    break;
                case UrlRewriteFilter rewrite:
                    hostRewrite = rewrite.Hostname ?? hostRewrite;
                    pathRewrite = rewrite.Path ?? pathRewrite;
                    break;
            }
        }

        var writer = new HeadWriter(output);
        writer.Write(request.Method);
        writer.Write(" "u8);
        writer.Write(ForwardedPath.Target(context, pathRewrite, matchedPrefix));
        writer.Write(" HTTP/1.1\r\n"u8);
        if (editsHeaders)
        {
            WriteEdited(ref writer, context, filters, endpointAddress);
        }
        else
        {
            WriteHeader(ref writer, HeaderNames.Host, hostRewrite ?? Host(request, endpointAddress));
            var connection = request.Headers.Connection;
            foreach (var (name, values) in request.Headers)
            {
                if (Forwarded(name, connection))
                {
                    WriteHeader(ref writer, name, values);
                }
            }

            WriteForwardedFor(ref writer, context);
            WriteHeader(ref writer, "X-Forwarded-Proto", request.Scheme);
            WriteHeader(ref writer, "X-Forwarded-Host", request.Host.Value);
        }

        switch (framing)
        {
            case RequestBodyFraming.ContentLength:
                writer.Write("Content-Length: "u8);
                writer.Write(length);
                writer.Write("\r\n"u8);
                break;
            case RequestBodyFraming.Chunked:
                writer.Write("Transfer-Encoding: chunked\r\n"u8);
                break;
            case RequestBodyFraming.None when request.ContentLength is { } declared:
                writer.Write("Content-Length: "u8);
                writer.Write(declared);
                writer.Write("\r\n"u8);
                break;
            case RequestBodyFraming.None when HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method):
                writer.Write("Content-Length: 0\r\n"u8); // As SocketsHttpHandler does for a method that expects a body.
                break;
        }

        writer.Write("\r\n"u8);
        writer.Commit();
    }

    /// <summary>True for a header copied as it is: not hop-by-hop, not written by us, not named by the Connection header.</summary>
    private static bool Forwarded(string name, StringValues connection)
    {
        if (name.StartsWith(':') || Http1HeaderNames.RequestSkipped.Contains(name))
        {
            return false;
        }

        return connection.Count == 0 || !Lists(connection, name);
    }

    /// <summary>True when a Connection header value lists the name (RFC 9110 §7.6.1: those headers are for this hop only).</summary>
    private static bool Lists(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan()[range].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string Host(HttpRequest request, string endpointAddress) =>
        request.Headers.Host is { Count: > 0 } host && !string.IsNullOrEmpty(host[0]) ? host[0]! : endpointAddress;

    private static void WriteHeader(ref HeadWriter writer, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            WriteHeader(ref writer, name, values[0]);
            return;
        }

        if (values.Count == 0)
        {
            return;
        }

        foreach (var value in values)
        {
            if (!Safe(value))
            {
                return; // As YARP: a value that would split the head drops the header.
            }
        }

        writer.Write(name);
        writer.Write(": "u8);
        var separator = string.Equals(name, HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase) ? "; "u8 : ", "u8;
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(separator);
            }

            writer.Write(values[i]);
        }

        writer.Write("\r\n"u8);
    }

    private static void WriteHeader(ref HeadWriter writer, string name, string? value)
    {
        if (Safe(value))
        {
            writer.WriteHeader(name, value);
        }
    }

    /// <summary>No CR, LF or NUL: a value that cannot end the header line early.</summary>
    private static bool Safe(string? value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0;

    /// <summary>X-Forwarded-For: what the client sent, then the client's address (IPv4-mapped addresses as IPv4).</summary>
    private static void WriteForwardedFor(ref HeadWriter writer, HttpContext context)
    {
        var previous = context.Request.Headers["X-Forwarded-For"];
        var client = context.Connection.RemoteIpAddress;
        if (client is null)
        {
            WriteHeader(ref writer, "X-Forwarded-For", previous);
            return;
        }

        foreach (var value in previous)
        {
            if (!Safe(value))
            {
                previous = default;
                break;
            }
        }

        writer.Write("X-Forwarded-For: "u8);
        foreach (var value in previous)
        {
            writer.Write(value);
            writer.Write(", "u8);
        }

        Span<byte> address = stackalloc byte[64];
        var written = 0;
        (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).TryFormat(address, out written);
        writer.Write(address[..written]);
        writer.Write("\r\n"u8);
    }

    /// <summary>
    /// With header filters: the headers are gathered, edited filter by filter as <see cref="HeaderEditor"/> edits the
    /// YARP request (so both clients send the same), then written. Allocates, but only for routes that edit headers.
    /// </summary>
    private static void WriteEdited(ref HeadWriter writer, HttpContext context, IReadOnlyList<RouteFilter> filters, string endpointAddress)
    {
        var request = context.Request;
        var headers = new EditableHeaders();
        headers.Set(HeaderNames.Host, Host(request, endpointAddress));
        var connection = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (Forwarded(name, connection))
            {
                headers.Append(name, values);
            }
        }

        var client = context.Connection.RemoteIpAddress;
        if (client is not null)
        {
            var previous = request.Headers["X-Forwarded-For"];
            var address = (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
            headers.Set("X-Forwarded-For", previous.Count == 0 ? address : $"{string.Join(", ", previous.ToArray())}, {address}");
        }

        headers.Set("X-Forwarded-Proto", request.Scheme);
        headers.Set("X-Forwarded-Host", request.Host.Value ?? "");
        foreach (var filter in filters)
        {
            switch (filter)
            {
                case RequestHeaderFilter { Changes: var changes }:
                    headers.Apply(changes);
                    break;
                case UrlRewriteFilter { Hostname: { } hostname }:
                    headers.Set(HeaderNames.Host, hostname);
                    break;
            }
        }

        foreach (var (name, values) in headers.All)
        {
            WriteHeader(ref writer, name, values);
        }
    }
}
