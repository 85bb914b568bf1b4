// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy.Upstream;

/// <summary>Which client sends requests to plain-HTTP/1.1 backends (flag --upstream-client).</summary>
public enum UpstreamClient
{
    /// <summary>The gateway's own HTTP/1.1 client (<see cref="Http1Forwarder"/>); YARP's forwarder for what it does not handle.</summary>
    Http1,

    /// <summary>YARP's forwarder for every request, as before the HTTP/1.1 client existed.</summary>
    Yarp,
}
