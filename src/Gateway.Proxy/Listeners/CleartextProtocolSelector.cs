// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// Serves HTTP/1.1 and prior-knowledge HTTP/2 (h2c) on one cleartext socket. Kestrel picks one protocol per cleartext
/// endpoint (dotnet/aspnetcore#56984); this connection middleware looks at a connection's first bytes, before Kestrel's
/// HTTP layer reads them, and when they are the HTTP/2 connection preface tells that layer to speak HTTP/2 through
/// Kestrel's own per-connection protocol feature (the one its TLS handshake callback sets). Nothing is consumed, so
/// HTTP/1.1 connections go on exactly as before: one peek per connection, nothing per request.
/// TLS endpoints are left alone: they offer h2 and http/1.1 by ALPN.
/// </summary>
public sealed class CleartextProtocolSelector
{
    private static readonly byte[] _preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Type _featureType;
    private readonly object _http2;

    public CleartextProtocolSelector()
    {
        // Kestrel keeps the feature internal; it is an immutable holder of one HttpProtocols value, so one instance
        // serves every HTTP/2 connection. Failing here (at start, not on a connection) if a Kestrel update renames it.
        _featureType = typeof(KestrelServerOptions).Assembly.GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature")
            ?? throw new InvalidOperationException("This Kestrel has no HttpProtocolsFeature; cleartext HTTP/2 cannot be offered beside HTTP/1.1.");
        _http2 = Activator.CreateInstance(_featureType, HttpProtocols.Http2)
            ?? throw new InvalidOperationException("HttpProtocolsFeature could not be created.");
    }

    /// <summary>For Kestrel's endpoint defaults, after the connection limiter, so both kinds of connection are counted.</summary>
    public void Attach(ListenOptions listen) =>
        listen.Use(next => connection => listen.Protocols == HttpProtocols.Http1 ? SelectAsync(connection, next, listen) : next(connection));

    private async Task SelectAsync(ConnectionContext connection, ConnectionDelegate next, ListenOptions listen)
    {
        var input = connection.Transport.Input;
        if (!input.TryRead(out var result) || Compare(result.Buffer) == Verdict.NeedMore && !result.IsCompleted)
        {
            if (result.Buffer.Length > 0 || result.IsCompleted)
            {
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            // Kestrel's request-headers timeout starts only once its HTTP layer runs; until then this one bounds a
            // client that connects and sends nothing.
            using var timeout = new CancellationTokenSource(listen.KestrelServerOptions.Limits.RequestHeadersTimeout);
            result = await ReadPrefaceAsync(input, timeout.Token).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                return; // Kestrel closes the transport.
            }
        }

        var verdict = Compare(result.Buffer);
        input.AdvanceTo(result.Buffer.Start);
        if (verdict == Verdict.Preface)
        {
            connection.Features[_featureType] = _http2;
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>Reads until the bytes decide (or the client stops sending); the last read is left unexamined.</summary>
    private static async ValueTask<ReadResult> ReadPrefaceAsync(PipeReader input, CancellationToken timeout)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ReadResult(default, isCanceled: true, isCompleted: false);
            }

            if (result.IsCanceled || Compare(result.Buffer) != Verdict.NeedMore || result.IsCompleted)
            {
                return result;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static Verdict Compare(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, _preface.Length);
        Span<byte> head = stackalloc byte[_preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(_preface.AsSpan(0, length)))
        {
            return Verdict.Other;
        }

        return length == _preface.Length ? Verdict.Preface : Verdict.NeedMore;
    }

    private enum Verdict
    {
        NeedMore,
        Preface,
        Other,
    }
}
