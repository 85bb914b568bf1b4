// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// A listener whose port is taken by another socket: the gateway starts and its other listeners serve, the listener
/// and its Gateway are reported Programmed=False and /readyz names the socket, and once the port is free it binds.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ListenerBindTests
{
    [Fact]
    public async Task TakenPort_IsReportedNotProgrammed_OtherListenerServes_BindsOnceFreed()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var free = TestPorts.Free();
        var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        try
        {
            gateway.WriteFile("all.yaml", Manifests.Join(
                Manifests.GatewayClass, Manifests.Gateway("gw", free) + $"  - name: second\n    protocol: HTTP\n    port: {taken}\n", Manifests.Backend("echo", backend.Port),
                Manifests.Route("r", "gw", "/", "echo")));
            await gateway.StartAsync(waitUntilReady: false);

            await Eventually.TrueAsync(
                async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{free}/a"))).StatusCode == HttpStatusCode.OK,
                "the free listener serves");

            var readyz = await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"));
            readyz.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await readyz.Content.ReadAsStringAsync()).Should().Contain($"127.0.0.1:{taken} (AddressAlreadyInUse)");

            var gatewayStatus = await GatewayStatusAsync(gateway);
            var second = Programmed(ListenerConditions(gatewayStatus, "second"));
            second["status"]!.GetValue<string>().Should().Be("False");
            second["reason"]!.GetValue<string>().Should().Be("Pending");
            second["message"]!.GetValue<string>().Should().Contain($"127.0.0.1:{taken}").And.Contain("AddressAlreadyInUse");
            Programmed(ListenerConditions(gatewayStatus, "http"))["status"]!.GetValue<string>().Should().Be("True");
            var programmed = Programmed(gatewayStatus["conditions"]!.AsArray());
            programmed["status"]!.GetValue<string>().Should().Be("False");
            programmed["reason"]!.GetValue<string>().Should().Be("Pending");
            programmed["message"]!.GetValue<string>().Should().Contain($"127.0.0.1:{taken}");

            var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");
            metrics.Split('\n').Should().Contain(l => l.StartsWith("gateway_listener_bind_failures_total{", StringComparison.Ordinal)
                && l.Contains($"address=\"127.0.0.1:{taken}\"", StringComparison.Ordinal));
        }
        finally
        {
            squatter.Stop();
        }

        // The first retry is 1 s after the failure, the next 2 s later: well within the timeout.
        await Eventually.TrueAsync(
            async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{taken}/b"))).StatusCode == HttpStatusCode.OK,
            "the freed port's listener serves", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(
            async () => Programmed((await GatewayStatusAsync(gateway))["conditions"]!.AsArray())["status"]!.GetValue<string>() == "True",
            "/status says the Gateway is programmed again", TimeSpan.FromSeconds(5));
        Programmed(ListenerConditions(await GatewayStatusAsync(gateway), "second"))["status"]!.GetValue<string>().Should().Be("True");
        (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>A ListenerSet's listener named like one of the Gateway's: the failed bind is the ListenerSet's, not the Gateway's.</summary>
    [Fact]
    public async Task TakenPort_OfAListenerSetListener_IsReportedOnTheListenerSet_NotOnTheGatewaysListenerOfTheSameName()
    {
        await using var gateway = new GatewayUnderTest();
        var free = TestPorts.Free();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var taken = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.AllowingListenerSets(Manifests.Gateway("gw", free)), Manifests.ListenerSet("extra", "gw", "http", taken)));
        await gateway.StartAsync(waitUntilReady: false);

        JsonNode? listenerSet = null;
        await Eventually.TrueAsync(async () =>
        {
            listenerSet = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!["items"]!.AsArray()
                .SingleOrDefault(i => i!["kind"]!.GetValue<string>() == "ListenerSet")?["status"];
            return listenerSet is not null && Programmed(listenerSet["conditions"]!.AsArray())["status"]!.GetValue<string>() == "False";
        }, "the ListenerSet is not programmed while its listener cannot bind");
        Programmed(listenerSet!["conditions"]!.AsArray())["reason"]!.GetValue<string>().Should().Be("Pending");
        var listener = Programmed(ListenerConditions(listenerSet, "http"));
        listener["reason"]!.GetValue<string>().Should().Be("Pending");
        listener["message"]!.GetValue<string>().Should().Contain($"127.0.0.1:{taken}");
        var gatewayStatus = await GatewayStatusAsync(gateway);
        Programmed(ListenerConditions(gatewayStatus, "http"))["status"]!.GetValue<string>().Should().Be("True", "the Gateway's own http listener is bound");
        Programmed(gatewayStatus["conditions"]!.AsArray())["status"]!.GetValue<string>().Should().Be("True");
    }

    private static async Task<JsonNode> StatusAsync(GatewayUnderTest gateway, string kind) =>
        JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!["items"]!.AsArray()
            .Single(i => i!["kind"]!.GetValue<string>() == kind)!["status"]!;

    private static Task<JsonNode> GatewayStatusAsync(GatewayUnderTest gateway) => StatusAsync(gateway, "Gateway");

    private static JsonArray ListenerConditions(JsonNode gatewayStatus, string listener) =>
        gatewayStatus["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == listener)!["conditions"]!.AsArray();

    private static JsonNode Programmed(JsonArray conditions) =>
        conditions.Single(c => c!["type"]!.GetValue<string>() == "Programmed")!;
}
