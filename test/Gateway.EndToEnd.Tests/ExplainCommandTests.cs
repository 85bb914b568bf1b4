// SPDX-License-Identifier: Apache-2.0
using Gateway.Cli.Explain;
using Gateway.EndToEnd.Tests.Lifecycle;

namespace Gateway.EndToEnd.Tests;

/// <summary>`gateway explain URL` against the quick start's standalone example: what a user reads and the exit code.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private const string Listener = "listener: Gateway default/demo, listener http (HTTP on 0.0.0.0:8080, any hostname)";
    private const string HelloBackend = "backend:  Service default/echo port 80, weight 1 -> endpoints 127.0.0.1:9080";

    // A second route for /hello that only takes requests carrying x-canary: true (more header matches: tried first).
    private const string Canary = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: hello-canary
          namespace: default
        spec:
          parentRefs:
          - name: demo
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /hello
              headers:
              - name: x-canary
                value: "true"
            backendRefs:
            - name: echo
              port: 80
        """;

    private readonly StandaloneExampleCopy _example = new("gateway-explain-");

    public void Dispose() => _example.Dispose();

    [Fact]
    public async Task MatchingUrl_NamesListenerHostRouteAndBackend()
    {
        var (exit, lines) = await ExplainAsync("http://127.0.0.1:8080/hello/world?x=1");

        exit.Should().Be(0);
        lines.Should().Equal(
            "request:  GET http://127.0.0.1:8080/hello/world?x=1",
            Listener,
            "host:     *",
            "route:    HTTPRoute default/hello, rule 0, match 0 (path prefix /hello)",
            HelloBackend);
    }

    [Fact]
    public async Task NonMatchingPath_SaysNoRouteAnd404_AndWhichConditionFailed()
    {
        var (exit, lines) = await ExplainAsync("http://127.0.0.1:8080/helloworld");

        exit.Should().Be(1);
        lines.Should().Equal(
            "request:  GET http://127.0.0.1:8080/helloworld",
            Listener,
            "route:    none matches: the proxy answers 404",
            "not matched:",
            "  HTTPRoute default/hello, rule 0, match 0 (host *): path /helloworld is not under prefix /hello");
    }

    [Fact]
    public async Task HeaderMatchMiss_IsTheRouteTriedFirst_WithTheHeaderItWanted()
    {
        File.WriteAllText(Path.Combine(_example.Dir, "canary.yaml"), Canary);

        var (missing, withoutHeader) = await ExplainAsync("http://127.0.0.1:8080/hello");
        var (wrong, wrongValue) = await ExplainAsync("http://127.0.0.1:8080/hello", "x-canary: false");
        var (hit, withHeader) = await ExplainAsync("http://127.0.0.1:8080/hello", "X-Canary:true");

        missing.Should().Be(0);
        withoutHeader.Should().Equal(
            "request:  GET http://127.0.0.1:8080/hello",
            Listener,
            "host:     *",
            "route:    HTTPRoute default/hello, rule 0, match 0 (path prefix /hello)",
            HelloBackend,
            "tried first:",
            "  HTTPRoute default/hello-canary, rule 0, match 0 (host *): header x-canary is missing, wants \"true\"");
        wrong.Should().Be(0);
        wrongValue[^1].Should().Be("  HTTPRoute default/hello-canary, rule 0, match 0 (host *): header x-canary is \"false\", wants \"true\"");
        hit.Should().Be(0);
        withHeader.Should().Contain("route:    HTTPRoute default/hello-canary, rule 0, match 0 (path prefix /hello, header x-canary = \"true\")")
            .And.NotContain("tried first:");
    }

    [Fact]
    public async Task NoListenerOnThePort_SaysTheConnectionIsRefused()
    {
        var (exit, lines) = await ExplainAsync("http://localhost:9999/hello");

        exit.Should().Be(1);
        lines.Should().Equal("request:  GET http://localhost:9999/hello", "listener: none: no listener binds port 9999: the connection is refused");
    }

    [Fact]
    public async Task AgainstARunningGateway_ReadsItsAdminServer()
    {
        var (gateway, port) = await _example.StartGatewayAsync();
        await using var running = gateway;

        using var output = new StringWriter();
        var exit = await ExplainCommand.RunAsync(new Cli.ConfigSource(null, gateway.Admin, "unused"), $"http://127.0.0.1:{port}/hello", "GET", [], null, output, CancellationToken.None);

        exit.Should().Be(0, output.ToString());
        output.ToString().Split('\n').Should().Contain([
            $"listener: Gateway default/demo, listener http (HTTP on 127.0.0.1:{port}, any hostname)",
            "route:    HTTPRoute default/hello, rule 0, match 0 (path prefix /hello)"]);
    }

    [Fact]
    public async Task TheExecutable_ExitsOneWhenNoRouteMatches()
    {
        using var explain = GatewayProcess.Start("explain", "--config-dir", _example.Dir, "http://127.0.0.1:8080/nothing-here");

        (await explain.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(1, explain.Output);
        explain.Output.Should().Contain("route:    none matches: the proxy answers 404");
    }

    private async Task<(int Exit, string[] Lines)> ExplainAsync(string url, params string[] headers)
    {
        using var output = new StringWriter();
        var exit = await ExplainCommand.RunAsync(
            new Cli.ConfigSource(_example.Dir, new Uri("http://127.0.0.1:1/"), Translation.TranslatorOptions.DefaultControllerName), url, "GET", headers, null, output, CancellationToken.None);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
