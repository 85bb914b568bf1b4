// SPDX-License-Identifier: Apache-2.0
using Gateway.Demo;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>
/// A controller whose config routes a Gateway on <see cref="Port"/> to echo backend "a", and a proxy for it; neither
/// is started, so a test chooses the order.
/// </summary>
internal sealed class SplitPair : IAsyncDisposable
{
    private SplitPair(GatewayUnderTest controller, GatewayUnderTest proxy)
    {
        Controller = controller;
        Proxy = proxy;
    }

    public GatewayUnderTest Controller { get; }

    public GatewayUnderTest Proxy { get; }

    public int Port { get; } = TestPorts.Free();

    public DemoBackend A { get; private set; } = null!;

    /// <summary>GET path through the proxy's Gateway listener: the name of the backend that answered.</summary>
    public Task<string> BackendAsync(string path) => SplitGateways.BackendAsync(Proxy, $"http://127.0.0.1:{Port}{path}");

    public static string Objects(int port, int backendPort, string service) => Manifests.Join(
        ClassWithProxyConfig, Manifests.Gateway("gw", port), Manifests.Backend(service, backendPort), Manifests.Route("r", "gw", "/", service));

    public static async Task<SplitPair> PrepareAsync()
    {
        var channelPort = TestPorts.Free();
        var pair = new SplitPair(NewController(channelPort), NewProxy(channelPort));
        pair.A = await pair.Controller.StartBackendAsync("a");
        pair.Controller.WriteFile("all.yaml", Objects(pair.Port, pair.A.Port, "a"));
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Controller.DisposeAsync();
    }
}
