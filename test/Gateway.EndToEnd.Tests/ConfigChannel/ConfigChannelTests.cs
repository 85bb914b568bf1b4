// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Channel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>--role controller and --role proxy in one test process, over a loopback config channel.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ConfigChannelTests
{
    [Fact]
    public async Task Proxy_ServesTheControllersConfig_AndProxyConfigStatusSaysConnected()
    {
        await using var split = await SplitPair.PrepareAsync();
        await split.Controller.StartAsync();
        var statusWithoutProxies = await ProxyConfigStatusAsync(split.Controller);

        await split.Proxy.StartAsync();

        (await split.BackendAsync("/x")).Should().Be("a");
        await Eventually.TrueAsync(async () => (await ProxyConfigStatusAsync(split.Controller))?["conditions"]?[0]?["status"]?.GetValue<string>() == "True",
            "the controller reports its proxy connected");
        var status = (await ProxyConfigStatusAsync(split.Controller))!;
        status["conditions"]![0]!["reason"]!.GetValue<string>().Should().Be("InSync");
        status["conditions"]![0]!["message"]!.GetValue<string>().Should().Contain("1 of 1 connected proxies");
        status["lastSyncTime"].Should().NotBeNull();
        statusWithoutProxies!["conditions"]![0]!["reason"]!.GetValue<string>().Should().Be("NoProxiesConnected");
        (await MetricAsync(split.Proxy, "gateway_channel_connected")).Should().Be(1);
        (await MetricAsync(split.Proxy, "gateway_channel_snapshots_received_total", "result=\"applied\"")).Should().Be(1);
        (await MetricAsync(split.Controller, "gateway_channel_proxies")).Should().Be(1);
        (await split.Proxy.Client.GetAsync(new Uri(split.Proxy.Admin, "/status"))).StatusCode.Should().Be(HttpStatusCode.NotFound, "status is the controller's");
    }

    [Fact]
    public async Task Controller_BindsNoGatewayListener()
    {
        await using var split = await SplitPair.PrepareAsync();

        await split.Controller.StartAsync();

        (await AcceptsConnectionsAsync(split.Port)).Should().BeFalse();
        (await AcceptsConnectionsAsync(split.Controller.Options.Channel.Listen.Port)).Should().BeTrue();
    }

    [Fact]
    public async Task ControllerStopped_ProxyKeepsServing_ThenConvergesOnTheRestartedControllersConfig()
    {
        await using var split = await SplitPair.PrepareAsync();
        var b = await split.Controller.StartBackendAsync("b");
        await split.Controller.StartAsync();
        await split.Proxy.StartAsync();
        (await split.BackendAsync("/x")).Should().Be("a");

        await split.Controller.StopAsync();
        await Eventually.TrueAsync(async () => await MetricAsync(split.Proxy, "gateway_channel_connected") == 0, "the proxy notices the controller is gone");
        for (var i = 0; i < 5; i++)
        {
            (await split.BackendAsync("/while-down")).Should().Be("a");
        }

        (await split.Proxy.Client.GetAsync(new Uri(split.Proxy.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.OK, "the last good config is still live");

        split.Controller.WriteFile("all.yaml", SplitPair.Objects(split.Port, b.Port, "b"));
        await split.Controller.StartAsync();

        await Eventually.TrueAsync(async () => await split.BackendAsync("/x") == "b", "the proxy serves the restarted controller's config");
    }

    [Fact]
    public async Task ProxyStartedBeforeTheController_ConnectsOnceItIsUp()
    {
        await using var split = await SplitPair.PrepareAsync();

        await split.Proxy.StartAsync(waitUntilReady: false);
        var notReady = await split.Proxy.Client.GetAsync(new Uri(split.Proxy.Admin, "/readyz"));
        await split.Controller.StartAsync();

        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await notReady.Content.ReadAsStringAsync()).Should().Contain("no config");
        await split.Proxy.WaitUntilReadyAsync();
        (await split.BackendAsync("/x")).Should().Be("a");
    }

    [Fact]
    public async Task TlsChannel_ProxyTrustingTheCa_Connects_AndOneTrustingOnlySystemRootsDoesNot()
    {
        var (caPem, certificatePem, keyPem) = TestCertificates.CreateCaAndServer("controller.test");
        var files = Directory.CreateTempSubdirectory("gateway-channel-tls-").FullName;
        File.WriteAllText(Path.Combine(files, "ca.crt"), caPem);
        File.WriteAllText(Path.Combine(files, "tls.crt"), certificatePem);
        File.WriteAllText(Path.Combine(files, "tls.key"), keyPem);
        await using var split = await SplitPair.PrepareAsync();
        var channel = split.Controller.Options.Channel;
        channel.CertificateFile = Path.Combine(files, "tls.crt");
        channel.KeyFile = Path.Combine(files, "tls.key");
        var address = new Uri($"https://127.0.0.1:{channel.Listen.Port}");
        await using var untrusting = NewProxy(address, "untrusting");
        untrusting.Options.Channel.ServerName = "controller.test";
        split.Proxy.Options.Channel.ControllerAddress = address;
        split.Proxy.Options.Channel.ServerName = "controller.test";
        split.Proxy.Options.Channel.CaFile = Path.Combine(files, "ca.crt");
        await split.Controller.StartAsync();

        await untrusting.StartAsync(waitUntilReady: false);
        await split.Proxy.StartAsync();

        (await split.BackendAsync("/x")).Should().Be("a");
        (await untrusting.Client.GetAsync(new Uri(untrusting.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await MetricAsync(split.Controller, "gateway_channel_proxies")).Should().Be(1, "only the proxy that trusts the controller's CA got in");
        Directory.Delete(files, recursive: true);
    }

    [Fact]
    public async Task MutualTls_OnlyAProxyWithACertificateFromTheClientCa_GetsConfig()
    {
        var (caPem, certificatePem, keyPem) = TestCertificates.CreateCaAndServer("controller.test");
        var (clientCaPem, client) = TestCertificates.CreateCaAndClient("proxy-a");
        var (_, stranger) = TestCertificates.CreateCaAndClient("stranger");
        var files = Directory.CreateTempSubdirectory("gateway-channel-mtls-").FullName;
        string Write(string name, string pem)
        {
            var path = Path.Combine(files, name);
            File.WriteAllText(path, pem);
            return path;
        }

        await using var split = await SplitPair.PrepareAsync();
        var channel = split.Controller.Options.Channel;
        channel.CertificateFile = Write("tls.crt", certificatePem);
        channel.KeyFile = Write("tls.key", keyPem);
        channel.ClientCaFile = Write("client-ca.crt", clientCaPem);
        var address = new Uri($"https://127.0.0.1:{channel.Listen.Port}");
        var ca = Write("ca.crt", caPem);
        var proxy = split.Proxy.Options.Channel;
        (proxy.ControllerAddress, proxy.ServerName, proxy.CaFile) = (address, "controller.test", ca);
        (proxy.ClientCertificateFile, proxy.ClientKeyFile) = (Write("proxy.crt", client.ExportCertificatePem()), Write("proxy.key", client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()));
        await using var anonymous = NewProxy(address, "anonymous");
        (anonymous.Options.Channel.ServerName, anonymous.Options.Channel.CaFile) = ("controller.test", ca);
        await using var untrusted = NewProxy(address, "untrusted");
        (untrusted.Options.Channel.ServerName, untrusted.Options.Channel.CaFile) = ("controller.test", ca);
        (untrusted.Options.Channel.ClientCertificateFile, untrusted.Options.Channel.ClientKeyFile) =
            (Write("stranger.crt", stranger.ExportCertificatePem()), Write("stranger.key", stranger.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()));
        await split.Controller.StartAsync();

        await anonymous.StartAsync(waitUntilReady: false);
        await untrusted.StartAsync(waitUntilReady: false);
        await split.Proxy.StartAsync();

        (await split.BackendAsync("/x")).Should().Be("a");
        (await anonymous.Client.GetAsync(new Uri(anonymous.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await untrusted.Client.GetAsync(new Uri(untrusted.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await MetricAsync(split.Controller, "gateway_channel_proxies")).Should().Be(1, "only the proxy with a certificate from the client CA got in");
        client.Dispose();
        stranger.Dispose();
        Directory.Delete(files, recursive: true);
    }

    [Fact]
    public async Task ProxyWithMaxRetries_GivesUpAndStops_WhenTheControllerNeverAnswers()
    {
        await using var proxy = NewProxy(TestPorts.Free());
        proxy.Options.Channel.MaxRetries = 2;
        var stopped = new TaskCompletionSource();

        await proxy.StartAsync(waitUntilReady: false);
        proxy.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopped.TrySetResult());

        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(15));
        proxy.Services.GetRequiredService<ConfigChannelClient>().GaveUp.Should().BeTrue();
    }
}
