// SPDX-License-Identifier: Apache-2.0
using Gateway.Cli;
using Gateway.Cli.Status;
using Gateway.EndToEnd.Tests.Lifecycle;

namespace Gateway.EndToEnd.Tests;

/// <summary>`gateway status`: the table a user reads for the standalone example, and what it says about ignored objects.</summary>
public sealed class StatusCommandTests : IDisposable
{
    // Objects the gateway must pass over: a class of another controller, its Gateway, and a route whose parentRef is misspelt.
    private const string NotOurs = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: other
        spec:
          controllerName: example.com/other
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: theirs
          namespace: default
        spec:
          gatewayClassName: other
          listeners:
          - name: http
            protocol: HTTP
            port: 8081
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: typo
          namespace: default
        spec:
          parentRefs:
          - name: dmeo
          - name: theirs
          rules:
          - backendRefs:
            - name: echo
              port: 80
        """;

    private static readonly string[] _exampleTable =
    [
        "KIND          NAME           PART                 ACCEPTED  PROGRAMMED  RESOLVEDREFS  PROBLEM",
        "GatewayClass  gateway                             True      -           -",
        "Gateway       default/demo                        True      True        -",
        "Gateway       default/demo   listener http        True      True        True",
        "HTTPRoute     default/hello  parent default/demo  True      -           True",
    ];

    private readonly StandaloneExampleCopy _example = new("gateway-status-");

    public void Dispose() => _example.Dispose();

    [Fact]
    public async Task StandaloneExample_IsATableOfEveryObjectAndPartWithItsConditions()
    {
        var (exit, lines) = await StatusAsync(new ConfigSource(_example.Dir, new Uri("http://127.0.0.1:1/"), Translation.TranslatorOptions.DefaultControllerName));

        exit.Should().Be(0);
        lines.Should().Equal(_exampleTable);
    }

    [Fact]
    public async Task IgnoredObjects_AreListedWithWhy()
    {
        File.WriteAllText(Path.Combine(_example.Dir, "not-ours.yaml"), NotOurs);

        var (exit, lines) = await StatusAsync(new ConfigSource(_example.Dir, new Uri("http://127.0.0.1:1/"), Translation.TranslatorOptions.DefaultControllerName));

        exit.Should().Be(0);
        lines.Should().Equal([
            .. _exampleTable,
            "IGNORED       NAME            WHY",
            "GatewayClass  other           controllerName example.com/other is not gateway.seed.dev/gateway-controller",
            "Gateway       default/theirs  gatewayClassName other: that class belongs to example.com/other",
            "HTTPRoute     default/typo    parentRef default/dmeo: no such Gateway",
            "HTTPRoute     default/typo    parentRef default/theirs: that Gateway is not ours (see above)"]);
    }

    [Fact]
    public async Task AFailedCondition_ShowsItsReasonAndMessage()
    {
        var routes = Path.Combine(_example.Dir, "routes.yaml");
        File.WriteAllText(routes, File.ReadAllText(routes).Replace("    - name: echo\n", "    - name: ekho\n", StringComparison.Ordinal));

        var (_, lines) = await StatusAsync(new ConfigSource(_example.Dir, new Uri("http://127.0.0.1:1/"), Translation.TranslatorOptions.DefaultControllerName));

        lines.Should().ContainSingle(l => l.StartsWith("HTTPRoute     default/hello  parent default/demo  True      -           False         BackendNotFound: ", StringComparison.Ordinal))
            .Which.Should().Contain("ekho");
    }

    [Fact]
    public async Task AgainstARunningGateway_ReadsItsAdminServer()
    {
        var (gateway, _) = await _example.StartGatewayAsync();
        await using var running = gateway;

        var (exit, lines) = await StatusAsync(new ConfigSource(null, gateway.Admin, "unused"));

        exit.Should().Be(0, string.Join('\n', lines));
        lines.Should().StartWith(_exampleTable);
        lines[^1].Should().StartWith("(ignored objects are listed only with --config-dir");
    }

    [Fact]
    public async Task NoGatewayOnTheAdminPort_IsOneLineAndExitTwo()
    {
        var (exit, lines) = await StatusAsync(new ConfigSource(null, new Uri($"http://127.0.0.1:{TestPorts.Free()}/"), "unused"));

        exit.Should().Be(2);
        lines.Should().ContainSingle().Which.Should().StartWith("gateway status: ");
    }

    private static async Task<(int Exit, string[] Lines)> StatusAsync(ConfigSource source)
    {
        using var output = new StringWriter();
        var exit = await StatusCommand.RunAsync(source, output, CancellationToken.None);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
