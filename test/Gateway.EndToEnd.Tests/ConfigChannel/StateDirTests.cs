// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using Gateway.Channel;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>A proxy with --state-dir restarted while its controller is away serves what it served before.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class StateDirTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Directory.CreateTempSubdirectory("gateway-state-").FullName, "state");

    private string StateFile => Path.Combine(_stateDir, SnapshotStateFile.FileName);

    /// <summary>Runs the pair until the proxy has saved the controller's config, then stops both.</summary>
    private async Task RunOnceAndStopBothAsync(SplitPair split, Func<Task> whileRunning)
    {
        split.Proxy.Options.Channel.StateDir = _stateDir;
        await split.Controller.StartAsync();
        await split.Proxy.StartAsync();
        await whileRunning();
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(StateFile)), "the proxy saved its config");
        await split.Controller.StopAsync();
        await split.Proxy.StopAsync();
    }

    private async Task<HttpStatusCode> ReadyzAsync(GatewayUnderTest gateway) =>
        (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode;

    [Fact]
    public async Task ProxyRestartedWithoutController_ServesTheSavedConfig_ThenTheControllersNewOne()
    {
        await using var split = await SplitPair.PrepareAsync();
        var b = await split.Controller.StartBackendAsync("b");
        await RunOnceAndStopBothAsync(split, async () => (await split.BackendAsync("/x")).Should().Be("a"));

        await split.Proxy.StartAsync();

        (await split.BackendAsync("/x")).Should().Be("a", "the saved config serves before any controller answers");
        (await ReadyzAsync(split.Proxy)).Should().Be(HttpStatusCode.OK);
        (await MetricAsync(split.Proxy, "gateway_channel_connected")).Should().Be(0);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(StateFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "the file holds config only the proxy may read");
        }

        split.Controller.WriteFile("all.yaml", SplitPair.Objects(split.Port, b.Port, "b"));
        await split.Controller.StartAsync();

        await Eventually.TrueAsync(async () => await split.BackendAsync("/x") == "b", "the proxy serves the controller's changed config");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HttpsListener_IsServedFromSavedConfig_OnlyWhenPrivateKeysMayBeSaved(bool includeSecrets)
    {
        await using var split = await SplitPair.PrepareAsync();
        var httpsPort = TestPorts.Free();
        split.Controller.WriteFile("tls.yaml", Manifests.Join(
            Manifests.HttpsGateway("gws", httpsPort, "serving"), Manifests.Route("rs", "gws", "/", "a"),
            TestCertificates.SecretYaml("default", "serving", "saved.example.com")));
        split.Proxy.Options.Channel.StateIncludesPrivateKeys = includeSecrets;
        await RunOnceAndStopBothAsync(split, () => Eventually.TrueAsync(async () => await HttpsStatusAsync(httpsPort) == 200, "HTTPS serves"));

        await split.Proxy.StartAsync();

        (await split.BackendAsync("/x")).Should().Be("a", "plain HTTP serves from the saved config either way");
        (await File.ReadAllTextAsync(StateFile)).Contains("PRIVATE KEY", StringComparison.Ordinal).Should().Be(includeSecrets);
        (await HttpsStatusAsync(httpsPort)).Should().Be(includeSecrets ? 200 : null, "without saved keys the HTTPS listener waits for the controller");
    }

    /// <summary>The status of GET / over TLS, or null when nothing listens.</summary>
    private static async Task<int?> HttpsStatusAsync(int port)
    {
        try
        {
            return (await TlsProbe.GetAsync("127.0.0.1", port, "saved.example.com", "saved.example.com", "/")).StatusCode;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    [Theory]
    [InlineData("{\"format\": 1, \"session\": \"s\", \"version\": 3, \"snapshot\": {\"listeners\": [{\"id\": 42")]
    [InlineData("{\"format\": 99, \"session\": \"s\", \"version\": 3, \"privateKeys\": false, \"snapshot\": {}}")]
    [InlineData("\u0000\u0001 not json")]
    public async Task UnusableStateFile_ProxyStartsEmpty_ThenSyncsWithTheController(string content)
    {
        await using var split = await SplitPair.PrepareAsync();
        split.Proxy.Options.Channel.StateDir = _stateDir;
        Directory.CreateDirectory(_stateDir);
        await File.WriteAllTextAsync(StateFile, content);

        await split.Proxy.StartAsync(waitUntilReady: false);
        var readyz = await split.Proxy.Client.GetAsync(new Uri(split.Proxy.Admin, "/readyz"));
        await split.Controller.StartAsync();

        readyz.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await readyz.Content.ReadAsStringAsync()).Should().Contain("no config");
        await split.Proxy.WaitUntilReadyAsync();
        (await split.BackendAsync("/x")).Should().Be("a");
        await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(StateFile)).Contains("\"format\":1", StringComparison.Ordinal),
            "the controller's config replaces the unusable file");
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_stateDir)!, recursive: true);
}
