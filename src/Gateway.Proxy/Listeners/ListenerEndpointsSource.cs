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
    public IReadOnlyList<(string Address, int Port)> Endpoints { get; private set; } = [];

    public void SetEndpoints(IEnumerable<(string Address, int Port)> endpoints)
    {
        var ordered = endpoints.Distinct().Order().ToList();
        if (ordered.SequenceEqual(Endpoints))
        {
            return;
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (address, port) in ordered)
        {
            var name = EndpointName(address, port);
            var host = address.Contains(':') ? $"[{address}]" : address;
            data[$"Endpoints:{name}:Url"] = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}");
            data[$"Endpoints:{name}:Protocols"] = "Http1";
        }

        Data = data;
        Endpoints = ordered;
        OnReload();
    }

    private static string EndpointName(string address, int port) =>
        "listener_" + address.Replace('.', '_').Replace(':', '_') + "_" + port.ToString(CultureInfo.InvariantCulture);
}
