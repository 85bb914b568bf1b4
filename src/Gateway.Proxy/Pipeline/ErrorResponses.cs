// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>Short plain-text answers that say why a request was not proxied (for a gRPC call: a gRPC status).</summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (GrpcRequests.IsGrpc(context.Request))
        {
            return GrpcRequests.WriteErrorAsync(context, statusCode, message);
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
