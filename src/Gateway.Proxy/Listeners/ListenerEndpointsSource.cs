// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// Feeds Kestrel's endpoint configuration from the live snapshot. Kestrel reloads endpoint configuration in
/// place: endpoints that stay the same keep their sockets and connections, new ones bind, removed ones drain.
/// </summary>
public sealed class ListenerEndpointsSource : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>The endpoints currently asked of Kestrel.</summary>
    public IReadOnlyList<ListenerBind> Endpoints { get; private set; } = [];

    public void SetEndpoints(IEnumerable<ListenerBind> endpoints)
    {
        var ordered = endpoints.Distinct().Order().ToList();
        if (ordered.SequenceEqual(Endpoints))
        {
            return;
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var bind in ordered)
        {
            var name = EndpointName(bind);
            data[$"Endpoints:{name}:Url"] = bind.Url;

            // TLS offers HTTP/2 through ALPN; cleartext is HTTP/1.1 here, and CleartextProtocolSelector switches a
            // connection that opens with the HTTP/2 preface to HTTP/2.
            data[$"Endpoints:{name}:Protocols"] = bind.Tls ? "Http1AndHttp2" : "Http1";
        }

        Data = data;
        Endpoints = ordered;
        OnReload();
    }

    private static string EndpointName(ListenerBind bind) =>
        (bind.Tls ? "tls_" : "tcp_") + bind.Address.Replace('.', '_').Replace(':', '_') + "_" + bind.Port.ToString(CultureInfo.InvariantCulture);
}
