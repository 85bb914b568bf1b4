// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Tells a failed connection attempt (refused, reset or timed out while connecting) from the forwarder's other errors.
/// SocketsHttpHandler opens the connection before it writes any of the request, headers or body, so after such a failure
/// nothing reached the backend and the client's body has not been read: the request can go to another endpoint as it is,
/// whatever its method.
/// </summary>
internal static class ConnectFailure
{
    public static bool Is(HttpContext context, ForwarderError error)
    {
        if (error is not (ForwarderError.Request or ForwarderError.RequestTimedOut))
        {
            return false;
        }

        return context.GetForwarderErrorFeature()?.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
            // SocketsHttpHandler.ConnectTimeout: a cancellation whose inner exception is a TimeoutException.
            OperationCanceledException { InnerException: TimeoutException } => true,
            _ => false,
        };
    }
}
