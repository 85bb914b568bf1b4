// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>Which snapshots a proxy takes: newer versions of its controller session, and anything from a new session.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class SnapshotOrderTests
{
    /// <summary>One listener on 127.0.0.1:port whose only route forwards to the backend on backendPort.</summary>
    private static ProxySnapshot RouteTo(int port, string service, int backendPort)
    {
        var cluster = $"cluster/default/{service}/80";
        return new ProxySnapshot
        {
            Listeners = [new Listener
            {
                Id = "gateway/default/gw/listener/http",
                Gateway = "default/gw",
                Address = "127.0.0.1",
                Port = port,
                PublicPort = port,
                Protocol = ListenerProtocol.Http,
                VirtualHosts = [new VirtualHost
                {
                    Hostname = "*",
                    Routes = [new Route { Id = "r", Owner = "HTTPRoute/default/r", Match = new RouteMatch(), Action = new ForwardAction([new WeightedBackend(cluster, 1)]) }],
                }],
            }],
            Clusters = [new Cluster { Id = cluster, Endpoints = [new ClusterEndpoint("127.0.0.1", backendPort)] }],
        };
    }

    [Fact]
    public async Task Proxy_IgnoresAnOlderVersionOfItsSession_AndTakesAnyVersionOfANewSession()
    {
        await using var controller = new ScriptedController();
        await controller.StartAsync();
        await using var proxy = NewProxy(controller.Port);
        var a = await proxy.StartBackendAsync("a");
        var b = await proxy.StartBackendAsync("b");
        var port = TestPorts.Free();
        await proxy.StartAsync(waitUntilReady: false);

        controller.Send("first", 2, RouteTo(port, "a", a.Port));
        var afterNewer = await controller.NextAckAsync();
        controller.Send("first", 1, RouteTo(port, "b", b.Port));
        var afterOlder = await controller.NextAckAsync();
        var servedAfterOlder = await BackendAsync(proxy, $"http://127.0.0.1:{port}/x");
        controller.Send("restarted", 1, RouteTo(port, "b", b.Port));
        var afterNewSession = await controller.NextAckAsync();

        (afterNewer.Session, afterNewer.Version).Should().Be(("first", 2));
        (afterOlder.Session, afterOlder.Version).Should().Be(("first", 2), "the older snapshot is acknowledged with what the proxy still serves");
        servedAfterOlder.Should().Be("a");
        (afterNewSession.Session, afterNewSession.Version).Should().Be(("restarted", 1));
        (await BackendAsync(proxy, $"http://127.0.0.1:{port}/x")).Should().Be("b");
        (await MetricAsync(proxy, "gateway_channel_snapshots_received_total", "result=\"stale\"")).Should().Be(1);
    }

    [Fact]
    public async Task Proxy_KeepsServingAndReportsTheError_WhenASnapshotCannotBeRead_AndRefusesItAgainWithoutTrying()
    {
        await using var controller = new ScriptedController();
        await controller.StartAsync();
        await using var proxy = NewProxy(controller.Port);
        var a = await proxy.StartBackendAsync("a");
        var port = TestPorts.Free();
        await proxy.StartAsync(waitUntilReady: false);
        controller.Send("s", 1, RouteTo(port, "a", a.Port));
        await controller.NextAckAsync();

        var unreadable = "{\"listeners\": 42}"u8.ToArray();

        controller.Send("s", 2, unreadable);
        var ack = await controller.NextAckAsync();
        controller.Send("s", 2, unreadable); // As after a reconnect.
        var again = await controller.NextAckAsync();

        ack.Error.Should().NotBeEmpty();
        (ack.Version, ack.RejectedSession, ack.RejectedVersion).Should().Be((1, "s", 2));
        (await BackendAsync(proxy, $"http://127.0.0.1:{port}/x")).Should().Be("a");
        (again.RejectedSession, again.RejectedVersion, again.Error).Should().Be(("s", 2, ack.Error), "the refusal stands");
        (await MetricAsync(proxy, "gateway_channel_snapshots_received_total", "result=\"failed\"")).Should().Be(1, "the same snapshot is not tried twice");
    }
}
