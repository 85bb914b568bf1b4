// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Proxy.Forwarding;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Upstream;

/// <summary>What one send through the HTTP/1.1 client came to, in the forwarder's terms.</summary>
/// <param name="RetryRequested">The backend answered one of the route's retry codes; nothing was sent to the client.</param>
internal readonly record struct Http1Outcome(ForwarderError Error, bool RetryRequested = false);

/// <summary>
/// The gateway's own client for plain-HTTP/1.1 backends: keep-alive connections pooled per endpoint, the request head
/// written from Kestrel's parsed request, a strict response parser, bodies copied pipe to pipe. It reports results as
/// YARP's forwarder does (a <see cref="ForwarderError"/>, an <see cref="IForwarderErrorFeature"/> with the exception,
/// the response status set to 504 on its own timeout), so <see cref="RouteForwarder"/> handles both clients alike:
/// connect failures feed passive health and the connect retry, client body failures answer 400/413.
/// A pooled connection the backend closed while it was idle is set aside before anything is sent on it when that is
/// already visible (<see cref="Http1Connection.StartResponseRead"/>); otherwise (the request's write fails, or the read
/// ends before any byte of a response) the request is tried once more on a new connection when nothing of the body was sent,
/// unless the route has a retry stanza: that counts every try, and a backend that resets on receipt must not get a
/// try more than the route's attempts.
/// </summary>
public sealed partial class Http1Forwarder : IDisposable
{
    internal const int MaxIdlePerEndpoint = 1024;

    /// <summary>As SocketsHttpHandler's PooledConnectionIdleTimeout: the backend likely keeps connections at least that long.</summary>
    internal static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>As the YARP path's SocketsHttpHandler.ConnectTimeout.</summary>
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly Lock _poolsLock = new();
    private readonly List<Http1ConnectionPool> _pools = [];
    private readonly ITimer _reaper;

    public Http1Forwarder(ILogger<Http1Forwarder> logger)
    {
        _logger = logger;
        _reaper = TimeProvider.System.CreateTimer(static state => ((Http1Forwarder)state!).Reap(), this, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// False for what stays on YARP's forwarder even to an HTTP/1.1 backend: upgrades (WebSocket), CONNECT (and
    /// HTTP/2's extended CONNECT), and gRPC, which needs trailers.
    /// </summary>
    internal static bool Handles(HttpContext context)
    {
        var request = context.Request;
        return !HttpMethods.IsConnect(request.Method)
            && !request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Upgrade)
            && !(request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<Http1Outcome> SendAsync(
        HttpContext context, EndpointHealth endpoint, IReadOnlyList<RouteFilter> filters, string matchedPrefix,
        IReadOnlyCollection<int>? retryCodes, TimeSpan activityTimeout, CancellationToken cancellationToken, bool resendWhenStale = true)
    {
        var pool = endpoint.Http1Pool ?? CreatePool(endpoint);
        var framing = Http1RequestHead.Framing(context, out var length);
        var exchange = new Exchange(context, endpoint.Address, filters, matchedPrefix, retryCodes, framing, length, resendWhenStale);
        for (var fresh = false; ; fresh = true)
        {
            Http1Connection? connection = null;
            ValueTask<ReadResult> responseRead = default;
            while (!fresh && (connection = pool.Rent()) is not null)
            {
                responseRead = connection.StartResponseRead(out var unusable);
                if (!unusable)
                {
                    break;
                }

                await connection.AbortAsync(responseRead).ConfigureAwait(false);
                connection.Dispose();
            }

            if (connection is null)
            {
                try
                {
                    connection = await pool.ConnectAsync(ConnectTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    return Failed(context, CancelledError(context, cancellationToken) ?? ForwarderError.Request, e);
                }

                responseRead = connection.StartResponseRead(out _);
            }

            var result = await ExchangeAsync(exchange, pool, connection, responseRead, activityTimeout, cancellationToken).ConfigureAwait(false);
            if (result is { } outcome)
            {
                return outcome;
            }

            LogStaleConnection(_logger, endpoint.Address);
        }
    }

    public void Dispose()
    {
        _reaper.Dispose();
        lock (_poolsLock)
        {
            _pools.ForEach(p => p.Clear());
            _pools.Clear();
        }
    }

    /// <summary>
    /// One exchange on one connection, whose response read is already started; null when the connection turned out
    /// stale and the request may go again on a new one.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Http1Outcome?> ExchangeAsync(
        Exchange exchange, Http1ConnectionPool pool, Http1Connection connection, ValueTask<ReadResult> responseRead, TimeSpan activityTimeout,
        CancellationToken cancellationToken)
    {
        var context = exchange.Context;
        var reused = connection.Reused && exchange.ResendWhenStale;
        var reusable = false;
        var responseReadPending = true;
        RequestBodySender? body = null;
        connection.StartExchange(activityTimeout);
        var registration = cancellationToken.UnsafeRegister(static c => ((Http1Connection)c!).Abort(), connection);
        try
        {
            try
            {
                Http1RequestHead.Write(connection.Writer, context, exchange.Filters, exchange.MatchedPrefix, exchange.Address, exchange.Framing, exchange.Length);
                await connection.Writer.FlushAsync().ConfigureAwait(false);
                connection.Touch();
            }
            catch (Exception e) when (IsIo(e))
            {
                responseReadPending = false;
                await connection.AbortAsync(responseRead).ConfigureAwait(false);
                return reused && !cancellationToken.IsCancellationRequested ? null : Failed(context, Error(context, connection, cancellationToken), e);
            }

            if (exchange.Framing != RequestBodyFraming.None)
            {
                body = RequestBodySender.Start(context, connection, exchange.Framing);
            }

            // The response head, after any 1xx.
            ResponseBodyFraming framing;
            long contentLength;
            var keepAlive = false;
            var answered = false;
            while (true)
            {
                ReadResult read;
                try
                {
                    if (responseReadPending)
                    {
                        responseReadPending = false;
                        read = await responseRead.ConfigureAwait(false);
                    }
                    else
                    {
                        read = await connection.Reader.ReadAsync().ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (IsIo(e))
                {
                    return await NoAnswerAsync(exchange, connection, body, reused && !answered, e, cancellationToken).ConfigureAwait(false);
                }

                connection.Touch();
                var buffer = read.Buffer;
                var headLength = Http1ResponseHead.Find(buffer);
                if (headLength < 0 || headLength > Http1ResponseHead.MaxLength)
                {
                    if (buffer.Length > Http1ResponseHead.MaxLength)
                    {
                        return Refused(exchange, connection, "response head larger than 64 KiB");
                    }

                    connection.Reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted)
                    {
                        var closed = new IOException($"{exchange.Address} closed the connection before answering.");
                        return await NoAnswerAsync(exchange, connection, body, reused && !answered && buffer.IsEmpty, closed, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                answered = true;
                var step = OnHead(exchange, connection, buffer.Slice(0, headLength), body);
                connection.Reader.AdvanceTo(buffer.GetPosition(headLength));
                if (step.Refusal is { } refusal)
                {
                    return Refused(exchange, connection, refusal);
                }

                if (step.Interim)
                {
                    continue;
                }

                if (step.RetryRequested)
                {
                    connection.Abort(); // Its body is not wanted: closing is cheaper than reading it.
                    return new Http1Outcome(ForwarderError.None, RetryRequested: true);
                }

                framing = step.Framing;
                contentLength = step.ContentLength;
                keepAlive = step.KeepAlive;
                break;
            }

            var copied = framing switch
            {
                ResponseBodyFraming.ContentLength => await ResponseBodyCopier.CopyLengthAsync(connection, context.Response.BodyWriter, contentLength).ConfigureAwait(false),
                ResponseBodyFraming.Chunked => await ResponseBodyCopier.CopyChunkedAsync(connection, context.Response.BodyWriter).ConfigureAwait(false),
                ResponseBodyFraming.UntilClose => await ResponseBodyCopier.CopyUntilCloseAsync(connection, context.Response.BodyWriter).ConfigureAwait(false),
                _ => BodyCopy.Complete,
            };
            if (copied != BodyCopy.Complete)
            {
                return ResponseBodyFailed(exchange, connection, copied, cancellationToken);
            }

            if (body is not null && !body.Completion.IsCompleted)
            {
                keepAlive = false; // The backend answered without taking the whole body: the connection is mid-request.
            }

            reusable = keepAlive && framing != ResponseBodyFraming.UntilClose && body?.Sent != false && NothingLeft(connection);
            return new Http1Outcome(ForwarderError.None);
        }
        finally
        {
            registration.Dispose();
            if (responseReadPending)
            {
                await connection.AbortAsync(responseRead).ConfigureAwait(false); // An unexpected failure before the response was read.
            }

            connection.EndExchange();
            if (body is not null)
            {
                if (!reusable)
                {
                    connection.Abort();
                }

                await body.StopAsync().ConfigureAwait(false);
            }

            if (reusable && !connection.IsAborted)
            {
                connection.Reused = true;
                pool.Return(connection);
                Relist(pool);
            }
            else
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Parses a whole response head and, for the final response, copies it onto the client's response.</summary>
    private static HeadStep OnHead(Exchange exchange, Http1Connection connection, ReadOnlySequence<byte> headBytes, RequestBodySender? body)
    {
        byte[]? rented = null;
        var head = headBytes.IsSingleSegment ? headBytes.FirstSpan : Copy(headBytes, out rented);
        try
        {
            if (Http1ResponseHead.TryParse(head, out var parsed) is { } refusal)
            {
                return new HeadStep { Refusal = refusal };
            }

            if (parsed.StatusCode < 200)
            {
                if (parsed.StatusCode == 101)
                {
                    return new HeadStep { Refusal = "101 Switching Protocols to a request that asked for no upgrade" };
                }

                if (parsed.StatusCode == 100)
                {
                    body?.Continue();
                }

                return new HeadStep { Interim = true }; // 100 is for us (Kestrel sends the client its own); other 1xx are dropped.
            }

            body?.FinalResponse();
            if (exchange.RetryCodes?.Contains(parsed.StatusCode) == true)
            {
                return new HeadStep { RetryRequested = true };
            }

            try
            {
                Http1ResponseHeaders.Copy(head, parsed, exchange.Context, connection.HeaderValues);
            }
            catch (InvalidOperationException e)
            {
                return new HeadStep { Refusal = e.Message }; // Kestrel refuses the value (non-ASCII).
            }

            ApplyResponseFilters(exchange);
            return new HeadStep
            {
                Framing = parsed.Framing(HttpMethods.IsHead(exchange.Context.Request.Method)),
                ContentLength = parsed.ContentLength,
                KeepAlive = parsed.KeepAlive,
            };
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void ApplyResponseFilters(Exchange exchange)
    {
        var filters = exchange.Filters;
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i] is ResponseHeaderFilter { Changes: var changes })
            {
                Pipeline.HeaderEditor.Apply(changes, exchange.Context.Response.Headers);
            }
        }
    }

    private static ReadOnlySpan<byte> Copy(ReadOnlySequence<byte> bytes, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)bytes.Length);
        bytes.CopyTo(rented);
        return rented.AsSpan(0, (int)bytes.Length);
    }

    /// <summary>The connection failed or ended before a final response: stale (null), the client's body, a timeout, or a 502.</summary>
    private async ValueTask<Http1Outcome?> NoAnswerAsync(
        Exchange exchange, Http1Connection connection, RequestBodySender? body, bool mayBeStale, Exception failure, CancellationToken cancellationToken)
    {
        var context = exchange.Context;
        if (body is not null)
        {
            connection.Abort();
            await body.StopAsync().ConfigureAwait(false);
            if (body.ClientError is { } clientError)
            {
                return Failed(context, ForwarderError.RequestBodyClient, clientError);
            }
        }

        if (mayBeStale && !connection.TimedOut && !cancellationToken.IsCancellationRequested && body?.Started != true)
        {
            return null;
        }

        LogNoAnswer(_logger, exchange.Address, failure.Message);
        return Failed(context, Error(context, connection, cancellationToken), failure);
    }

    private Http1Outcome Refused(Exchange exchange, Http1Connection connection, string reason)
    {
        connection.Abort();
        LogRefused(_logger, exchange.Address, reason);
        var context = exchange.Context;
        ResetResponse(context);
        return Failed(context, ForwarderError.Request, new HttpRequestException(HttpRequestError.InvalidResponse, $"Invalid response from {exchange.Address}: {reason}."));
    }

    /// <summary>
    /// The response body could not be copied whole. Once the client has the head, it must not get what looks like a
    /// complete response: its connection is aborted (as YARP does). The upstream connection is closed either way.
    /// </summary>
    private Http1Outcome ResponseBodyFailed(Exchange exchange, Http1Connection connection, BodyCopy copied, CancellationToken cancellationToken)
    {
        connection.Abort();
        var context = exchange.Context;
        var error = copied == BodyCopy.ClientFailed ? ForwarderError.ResponseBodyClient : ForwarderError.ResponseBodyDestination;
        if (copied == BodyCopy.UpstreamFailed)
        {
            LogBodyCut(_logger, exchange.Address);
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
        }
        else
        {
            ResetResponse(context);
            error = CancelledError(context, cancellationToken) ?? (connection.TimedOut ? ForwarderError.RequestTimedOut : error);
        }

        return Failed(context, error, new IOException($"The response body from {exchange.Address} was cut short ({error})."));
    }

    private static void ResetResponse(HttpContext context)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
        }
    }

    private static Http1Outcome Failed(HttpContext context, ForwarderError error, Exception exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new Http1ErrorFeature(error, exception));
        if (error == ForwarderError.RequestTimedOut && !context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout; // As YARP's forwarder does on its activity timeout.
        }

        return new Http1Outcome(error);
    }

    private static ForwarderError Error(HttpContext context, Http1Connection connection, CancellationToken cancellationToken) =>
        CancelledError(context, cancellationToken) ?? (connection.TimedOut ? ForwarderError.RequestTimedOut : ForwarderError.Request);

    private static ForwarderError? CancelledError(HttpContext context, CancellationToken cancellationToken) =>
        context.RequestAborted.IsCancellationRequested ? ForwarderError.RequestCanceled
        : cancellationToken.IsCancellationRequested ? ForwarderError.RequestTimedOut
        : null;

    private static bool IsIo(Exception e) => e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException;

    /// <summary>True when nothing follows the response: bytes the backend sent unasked make the connection unfit for reuse.</summary>
    private static bool NothingLeft(Http1Connection connection)
    {
        if (!connection.Reader.TryRead(out var rest))
        {
            return true;
        }

        var empty = rest.Buffer.IsEmpty && !rest.IsCompleted;
        connection.Reader.AdvanceTo(rest.Buffer.Start);
        return empty;
    }

    private Http1ConnectionPool CreatePool(EndpointHealth endpoint)
    {
        lock (_poolsLock)
        {
            if (endpoint.Http1Pool is { } existing)
            {
                return existing;
            }

            var address = endpoint.Endpoint;
            EndPoint endPoint = IPAddress.TryParse(address.Address, out var ip) ? new IPEndPoint(ip, address.Port) : new DnsEndPoint(address.Address, address.Port);
            var pool = new Http1ConnectionPool(endPoint, MaxIdlePerEndpoint, IdleTimeout) { Listed = true };
            _pools.Add(pool);
            endpoint.Http1Pool = pool;
            return pool;
        }
    }

    /// <summary>A pool dropped from reaping (unused for a while) that takes a connection again is reaped again.</summary>
    private void Relist(Http1ConnectionPool pool)
    {
        if (pool.Listed)
        {
            return;
        }

        lock (_poolsLock)
        {
            if (!pool.Listed)
            {
                pool.Listed = true;
                _pools.Add(pool);
            }
        }
    }

    /// <summary>
    /// Closes connections idle past the timeout, and forgets pools with none left that nobody used for as long (an
    /// endpoint gone from the config): the pool itself lives as long as its endpoint's health record.
    /// </summary>
    private void Reap()
    {
        Http1ConnectionPool[] pools;
        lock (_poolsLock)
        {
            pools = [.. _pools];
        }

        var now = Environment.TickCount64;
        foreach (var pool in pools)
        {
            if (pool.Reap() == 0 && now - pool.LastUsed > (long)IdleTimeout.TotalMilliseconds)
            {
                lock (_poolsLock)
                {
                    pool.Listed = false;
                    _pools.Remove(pool);
                }
            }
        }
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Debug, Message = "Pooled connection to {Endpoint} was closed by the backend while idle; sending again on a new connection")]
    private static partial void LogStaleConnection(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Response from {Endpoint} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Response body from {Endpoint} cut short; the client's connection is aborted")]
    private static partial void LogBodyCut(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "{Endpoint} did not answer: {Reason}")]
    private static partial void LogNoAnswer(ILogger logger, string endpoint, string reason);

    /// <summary>The request-wide facts an exchange needs, gathered once per request (not per attempt).</summary>
    private readonly record struct Exchange(
        HttpContext Context, string Address, IReadOnlyList<RouteFilter> Filters, string MatchedPrefix, IReadOnlyCollection<int>? RetryCodes,
        RequestBodyFraming Framing, long Length, bool ResendWhenStale);

    private readonly struct HeadStep
    {
        public string? Refusal { get; init; }
        public bool Interim { get; init; }
        public bool RetryRequested { get; init; }
        public ResponseBodyFraming Framing { get; init; }
        public long ContentLength { get; init; }
        public bool KeepAlive { get; init; }
    }
}
