// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using Gateway.Snapshot;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// The forwarder's per-request settings, one shared instance per (idle timeout, backend protocol) instead of a new
/// one per request. There are only as many as distinct idle timeouts in the ProxyConfigs in force, times two.
/// </summary>
internal sealed class ForwarderRequestConfigs(TimeSpan defaultIdleTimeout)
{
    private readonly ForwarderRequestConfig _http11 = Create(defaultIdleTimeout, BackendProtocol.Http1);
    private readonly ForwarderRequestConfig _h2c = Create(defaultIdleTimeout, BackendProtocol.H2c);
    private readonly ConcurrentDictionary<(TimeSpan, BackendProtocol), ForwarderRequestConfig> _others = new();

    /// <param name="idleTimeout">The listener's idle timeout towards the backend; null is the default.</param>
    public ForwarderRequestConfig For(TimeSpan? idleTimeout, BackendProtocol protocol)
    {
        if (idleTimeout is not { } idle || idle == defaultIdleTimeout)
        {
            return protocol == BackendProtocol.H2c ? _h2c : _http11;
        }

        return _others.GetOrAdd((idle, protocol), static key => Create(key.Item1, key.Item2));
    }

    private static ForwarderRequestConfig Create(TimeSpan idleTimeout, BackendProtocol protocol) => new()
    {
        ActivityTimeout = idleTimeout,
        Version = protocol == BackendProtocol.H2c ? HttpVersion.Version20 : HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
