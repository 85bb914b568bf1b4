// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>`gateway demo` as a user runs it: the real executable, its output, its exit and what it leaves behind.</summary>
public sealed partial class DemoTests
{
    // Its own loopback address, so the example's fixed listener port (8080) meets nothing else on the machine.
    private const string GatewayAddress = "127.77.0.1";

    [Fact]
    public async Task BackendPort_RewritesTheExample_ServesThroughIt_AndTheCopyIsRemovedOnExit()
    {
        var backendPort = TestPorts.Free();
        var adminPort = TestPorts.Free();
        using var demo = Start("--backend-port", Text(backendPort), "--admin-port", Text(adminPort));
        string? configDir = null;
        await Eventually.TrueAsync(() => Task.FromResult((configDir = ConfigDir(demo.Output)) is not null), "the demo prints its config directory", TimeSpan.FromSeconds(30));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

        HttpResponseMessage? response = null;
        await Eventually.TrueAsync(async () => (response = await TryGetAsync(client, new Uri($"http://{GatewayAddress}:8080/hello"))) is { IsSuccessStatusCode: true },
            "the example route answers");

        var echo = JsonNode.Parse(await response!.Content.ReadAsStringAsync())!;
        echo["backend"]!.ToString().Should().Be("demo-backend");
        response.Headers.GetValues("X-Served-By").Should().Equal("gateway");
        var backendYaml = await File.ReadAllTextAsync(Path.Combine(configDir!, "backend.yaml"));
        backendYaml.Should().Contain($"targetPort: {backendPort}").And.Contain($"port: {backendPort}").And.NotContain("9080");

        demo.Terminate();
        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, demo.Output);
        Directory.Exists(configDir).Should().BeFalse("the demo removes its copy of the example when it ends");
    }

    [Fact]
    public async Task BackendPortInUse_SaysSoInOneLine_AndLeavesNoCopyBehind()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var copiesBefore = Copies();

        using var demo = Start("--backend-port", Text(port), "--admin-port", Text(TestPorts.Free()));

        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(1, demo.Output);
        demo.Output.Trim().Should().Be($"gateway demo: Failed to bind to address http://127.0.0.1:{port}: address already in use; "
            + "the demo backend needs it: choose another with --backend-port N");
        Copies().Should().BeSubsetOf(copiesBefore);
    }

    [Fact]
    public async Task AdminPortInUse_SaysSoInOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var demo = Start("--backend-port", Text(TestPorts.Free()), "--admin-port", Text(port));

        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(1, demo.Output);
        demo.Output.Trim().Should().Be($"gateway demo: the admin server's address 127.0.0.1:{port} is in use; choose another with --admin-port N");
    }

    private static GatewayProcess Start(params string[] args) =>
        GatewayProcess.Start(["demo", "--gateway-addresses", $"{GatewayAddress}-{GatewayAddress}", .. args]);

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string? ConfigDir(string output) => BannerConfig().Match(output) is { Success: true } m ? m.Groups[1].Value : null;

    private static string[] Copies() => Directory.GetDirectories(Path.GetTempPath(), "gateway-demo-*");

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient client, Uri uri)
    {
        try
        {
            return await client.GetAsync(uri);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"Config: (\S+) \(edit it")]
    private static partial Regex BannerConfig();
}
