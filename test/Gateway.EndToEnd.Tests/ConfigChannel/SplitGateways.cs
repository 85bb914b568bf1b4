// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.Channel;
using Gateway.Cli;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>A controller and proxies in this process, talking over a loopback config channel with short retry times.</summary>
internal static class SplitGateways
{
    /// <summary>A GatewayClass whose ProxyConfig gets the Connected status.</summary>
    public static readonly string ClassWithProxyConfig = Manifests.GatewayClassWithProxyConfig("split", "default", "{channel: {type: grpc}}");

    public static GatewayUnderTest NewController(int channelPort, string? kubeconfig = null)
    {
        var controller = new GatewayUnderTest(kubeconfig: kubeconfig, role: GatewayRole.Controller);
        controller.Options.Channel.Listen = new IPEndPoint(IPAddress.Loopback, channelPort);
        return controller;
    }

    public static GatewayUnderTest NewProxy(int channelPort, string nodeId = "proxy-1") => NewProxy(new Uri($"http://127.0.0.1:{channelPort}"), nodeId);

    public static GatewayUnderTest NewProxy(Uri controller, string nodeId = "proxy-1")
    {
        var proxy = new GatewayUnderTest(role: GatewayRole.Proxy);
        proxy.Options.Channel = new ConfigChannelOptions
        {
            ControllerAddress = controller,
            NodeId = nodeId,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            RetryBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        };
        return proxy;
    }

    /// <summary>The name of the echo backend that answered GET url.</summary>
    public static async Task<string> BackendAsync(GatewayUnderTest gateway, string url) =>
        JsonNode.Parse(await gateway.GetStringAsync(url))!["backend"]!.GetValue<string>();

    /// <summary>The value of a Prometheus sample (the first line for the name), or null when it is not exported.</summary>
    public static async Task<double?> MetricAsync(GatewayUnderTest gateway, string name, string labels = "")
    {
        var text = await gateway.GetStringAsync($"{gateway.Admin}metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The ProxyConfig's status as the controller's /status shows it.</summary>
    public static async Task<JsonNode?> ProxyConfigStatusAsync(GatewayUnderTest controller)
    {
        var status = JsonNode.Parse(await controller.GetStringAsync($"{controller.Admin}status"))!;
        return status["items"]!.AsArray().SingleOrDefault(i => i!["kind"]!.GetValue<string>() == "ProxyConfig")?["status"];
    }

    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
