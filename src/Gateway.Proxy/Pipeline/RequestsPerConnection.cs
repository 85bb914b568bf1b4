// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Listeners;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// maxRequestsPerConnection: the request that reaches the limit is served, then the connection ends. HTTP/1.1
/// answers it with Connection: close (Kestrel then closes the socket); HTTP/2 sends GOAWAY, so streams in flight
/// finish and the client opens a new connection for the next request.
/// </summary>
internal static class RequestsPerConnection
{
    public static void Count(HttpContext context, SocketLimits limits)
    {
        if (context.Features.Get<ListenerConnection>() is not { } connection)
        {
            return;
        }

        var served = connection.CountRequest();
        if (limits.For(connection.Socket.Address, connection.Socket.Port)?.MaxRequestsPerConnection is not { } max || served < max)
        {
            return;
        }

        if (HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            return;
        }

        // Set as the headers go out: the forwarder and the error paths may replace the response headers before then.
        // A 101 keeps its Connection: Upgrade; the upgraded connection ends with its tunnel anyway.
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            if (response.StatusCode != StatusCodes.Status101SwitchingProtocols)
            {
                response.Headers.Connection = "close";
            }

            return Task.CompletedTask;
        }, context.Response);
    }
}
