// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// What the proxy does differently for gRPC calls (content-type application/grpc, application/grpc+proto, …): answers
/// its own errors the gRPC way, and keeps to the call's grpc-timeout.
/// </summary>
internal static class GrpcRequests
{
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>The smaller of the route's request timeout and the call's grpc-timeout (the client's deadline).</summary>
    public static TimeSpan? Deadline(HttpRequest request, TimeSpan? routeTimeout)
    {
        if (!IsGrpc(request) || !TryParseTimeout(request.Headers["grpc-timeout"], out var deadline))
        {
            return routeTimeout;
        }

        return routeTimeout is { } route && route < deadline ? route : deadline;
    }

    /// <summary>grpc-timeout is at most 8 digits and a unit: H, M, S, m (milli), u (micro), n (nano).</summary>
    public static bool TryParseTimeout(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (text is not { Length: >= 2 and <= 9 }
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        long? ticks = text[^1] switch
        {
            'H' => value * TimeSpan.TicksPerHour,
            'M' => value * TimeSpan.TicksPerMinute,
            'S' => value * TimeSpan.TicksPerSecond,
            'm' => value * TimeSpan.TicksPerMillisecond,
            'u' => value * TimeSpan.TicksPerMicrosecond,
            'n' => value / 100,
            _ => null,
        };
        if (ticks is not { } t)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(Math.Max(t, 1));
        return true;
    }

    /// <summary>
    /// The gRPC status for an HTTP status the gateway would have answered (the gRPC HTTP-to-status mapping, with our
    /// 504, a timeout, as DEADLINE_EXCEEDED).
    /// </summary>
    public static int StatusFor(int httpStatus) => httpStatus switch
    {
        400 => 13, // INTERNAL
        401 => 16, // UNAUTHENTICATED
        403 => 7, // PERMISSION_DENIED
        404 => 12, // UNIMPLEMENTED
        413 => 8, // RESOURCE_EXHAUSTED
        429 or 502 or 503 => 14, // UNAVAILABLE
        504 => 4, // DEADLINE_EXCEEDED
        _ => 2, // UNKNOWN
    };

    /// <summary>
    /// A trailers-only answer: HTTP 200 whose headers carry grpc-status and grpc-message, no body. A gRPC client reads
    /// the outcome there, never from the HTTP status.
    /// </summary>
    public static Task WriteErrorAsync(HttpContext context, int httpStatus, string message)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = StatusFor(httpStatus).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
