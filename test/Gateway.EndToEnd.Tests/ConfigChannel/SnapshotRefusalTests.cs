// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.Channel;
using Gateway.Snapshot;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>
/// A snapshot the data plane cannot apply is refused: the last good one keeps serving and ProxyConfig status says
/// who refused what, until a good one applies. The translator never lets a bad certificate through, so the tests
/// publish straight to the controller's feed, as a translator bug would.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class SnapshotRefusalTests
{
    private static readonly TlsCertificate _unloadable = new()
    {
        Id = "secret/default/garbage",
        Fingerprint = "00",
        CertificatePem = "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n",
        PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n",
    };

    /// <summary>The feed's current snapshot, one version on, with every cluster sent to backendPort, with or without a certificate that does not load.</summary>
    private static ProxySnapshot Next(SnapshotFeed feed, int backendPort, bool unloadable)
    {
        var current = feed.Current!.Snapshot;
        return current with
        {
            Version = current.Version + 1,
            Clusters = [.. current.Clusters.Select(c => c with { Endpoints = [new ClusterEndpoint("127.0.0.1", backendPort)] })],
            Certificates = [.. current.Certificates.Where(c => c.Id != _unloadable.Id), .. unloadable ? [_unloadable] : Array.Empty<TlsCertificate>()],
        };
    }

    private static async Task<JsonNode?> ConnectedAsync(GatewayUnderTest controller) => (await ProxyConfigStatusAsync(controller))?["conditions"]?[0];

    [Fact]
    public async Task Proxy_RefusesASnapshotItCannotApply_KeepsServing_AndTheControllerReportsIt()
    {
        await using var split = await SplitPair.PrepareAsync();
        var b = await split.Controller.StartBackendAsync("b");
        await split.Controller.StartAsync();
        await split.Proxy.StartAsync();
        (await split.BackendAsync("/x")).Should().Be("a");
        var feed = split.Controller.Services.GetRequiredService<SnapshotFeed>();

        feed.Publish(Next(feed, b.Port, unloadable: true));

        await Eventually.TrueAsync(async () => (await ConnectedAsync(split.Controller))?["reason"]?.GetValue<string>() == "SnapshotRejected",
            "the controller reports the refusal");
        var refused = (await ConnectedAsync(split.Controller))!;
        refused["status"]!.GetValue<string>().Should().Be("False");
        refused["message"]!.GetValue<string>().Should().Contain("proxy-1").And.Contain($"version {feed.Current!.Snapshot.Version}").And.Contain("Cryptographic");
        (await split.BackendAsync("/x")).Should().Be("a", "the last good config keeps serving");
        (await MetricAsync(split.Proxy, "gateway_channel_snapshots_received_total", "result=\"failed\"")).Should().Be(1);

        feed.Publish(Next(feed, b.Port, unloadable: false));

        await Eventually.TrueAsync(async () => await split.BackendAsync("/x") == "b", "the next good config applies");
        await Eventually.TrueAsync(async () => (await ConnectedAsync(split.Controller))?["reason"]?.GetValue<string>() == "InSync", "the refusal clears");
    }

    [Fact]
    public async Task AllInOne_RefusesASnapshotItCannotApply_KeepsServing_AndStatusSaysWhy()
    {
        await using var gateway = new GatewayUnderTest();
        var a = await gateway.StartBackendAsync("a");
        var b = await gateway.StartBackendAsync("b");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", SplitPair.Objects(port, a.Port, "a"));
        await gateway.StartAsync();
        var feed = gateway.Services.GetRequiredService<SnapshotFeed>();

        feed.Publish(Next(feed, b.Port, unloadable: true));

        var refused = (await ConnectedAsync(gateway))!;
        (refused["status"]!.GetValue<string>(), refused["reason"]!.GetValue<string>()).Should().Be(("False", "SnapshotRejected"));
        refused["message"]!.GetValue<string>().Should().Contain($"version {feed.Current!.Snapshot.Version}");
        (await BackendAsync(gateway, $"http://127.0.0.1:{port}/x")).Should().Be("a", "the last good config keeps serving");

        feed.Publish(Next(feed, b.Port, unloadable: false));

        (await BackendAsync(gateway, $"http://127.0.0.1:{port}/x")).Should().Be("b");
        (await ConnectedAsync(gateway))!["reason"]!.GetValue<string>().Should().Be("InProcess");
    }
}
