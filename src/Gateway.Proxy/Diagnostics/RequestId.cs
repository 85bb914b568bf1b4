// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// The request's x-request-id: the client's when it sent one, else a new one set on the request so the backend gets
/// it too. Only asked for when the access log or tracing records the request: otherwise nothing is added.
/// </summary>
internal static class RequestId
{
    public const string Header = "x-request-id";

    public static string Ensure(HttpRequest request)
    {
        var headers = request.Headers;
        if (headers.TryGetValue(Header, out var given) && given.Count > 0 && !string.IsNullOrEmpty(given[0]))
        {
            return given[0]!;
        }

        var id = Guid.NewGuid().ToString();
        headers[Header] = id;
        return id;
    }

    /// <summary>The trace a request belongs to: the gateway's span's, else the incoming traceparent's (version 00), else null.</summary>
    public static string? TraceId(HttpRequest request, System.Diagnostics.Activity? activity)
    {
        if (activity is not null)
        {
            return activity.TraceId.ToHexString();
        }

        var parent = request.Headers.TraceParent;
        return parent.Count == 1 && parent[0] is { Length: 55 } value && value.StartsWith("00-", StringComparison.Ordinal) ? value.Substring(3, 32) : null;
    }
}
