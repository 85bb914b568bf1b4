// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Upstream;

namespace Gateway.Proxy;

/// <summary>Data-plane settings from flags (startup only).</summary>
public sealed class ProxyOptions
{
    /// <summary>Write one access-log line per request.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Access-log paths include the query string (off by default: queries may carry tokens).</summary>
    public bool AccessLogQuery { get; set; }

    /// <summary>Idle timeout towards a backend when the route sets none.</summary>
    public TimeSpan DefaultBackendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Client connections all Gateway sockets may hold together; null derives it from the open-files limit.</summary>
    public int? MaxClientConnections { get; set; }

    /// <summary>The client for plain-HTTP/1.1 backends: the gateway's own by default, or YARP's forwarder to fall back.</summary>
    public UpstreamClient UpstreamClient { get; set; } = UpstreamClient.Http1;
}
