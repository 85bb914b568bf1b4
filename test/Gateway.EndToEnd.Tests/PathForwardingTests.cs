// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests;

/// <summary>The path and query a backend receives are the client's, as sent, except for what a route rewrites.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PathForwardingTests
{
    [Theory]
    [InlineData("/public/a%2Fb", "/public/a%2Fb")] // An encoded slash is not a separator, and stays encoded.
    [InlineData("/public/a%252Fb", "/public/a%252Fb")]
    [InlineData("/public/a%20b", "/public/a%20b")]
    [InlineData("/public/a+b?q=a+b%2B", "/public/a+b?q=a+b%2B")]
    [InlineData("/public/caf%C3%A9?n=%C3%A9", "/public/caf%C3%A9?n=%C3%A9")]
    [InlineData("/public/a;v=1/b;x", "/public/a;v=1/b;x")]
    [InlineData("/public/%7Euser?a=%26&b", "/public/%7Euser?a=%26&b")]
    // Dot-segments are removed before matching (Kestrel, "%2e" read as "."), and the backend gets the path that matched.
    [InlineData("/other/../public/a%2Fb", "/public/a%2Fb")]
    [InlineData("/public/x/%2e%2E/a%2Fb", "/public/a%2Fb")]
    [InlineData("/public/./a/.", "/public/a/")]
    public async Task Path_ReachesTheBackendAsSent(string sent, string received)
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway);

        (await RawTargetAsync(port, sent)).Should().Be(received);
    }

    [Fact]
    public async Task DotSegments_LeavingTheMatchedPrefix_MatchAnotherRoute()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway);
        using var connection = await RawHttp1Connection.OpenAsync(port);

        (await connection.GetAsync("/public/%2e%2e/secret"))!.StatusCode.Should().Be(404, "/secret is what matched, and no route serves it");
    }

    [Theory]
    [InlineData("/prefix/a%2Fb/c%20d?x=%2F", "/new/a%2Fb/c%20d?x=%2F")]
    [InlineData("/prefix", "/new")]
    [InlineData("/prefix/", "/new/")]
    [InlineData("/prefix/caf%C3%A9;p", "/new/caf%C3%A9;p")]
    [InlineData("/x/../prefix/%2e/a%2Fb", "/new/a%2Fb")]
    public async Task ReplacePrefixMatch_KeepsTheRawRemainder(string sent, string received)
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeRewriteAsync(gateway, "{type: ReplacePrefixMatch, replacePrefixMatch: /new}");

        (await RawTargetAsync(port, sent)).Should().Be(received);
    }

    [Fact]
    public async Task ReplaceFullPath_ReplacesThePath_AndKeepsTheQueryAsSent()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeRewriteAsync(gateway, "{type: ReplaceFullPath, replaceFullPath: /full}");

        (await RawTargetAsync(port, "/prefix/a%2Fb?q=a%2Fb+c")).Should().Be("/full?q=a%2Fb+c");
    }

    private static async Task<string?> RawTargetAsync(int port, string target)
    {
        using var connection = await RawHttp1Connection.OpenAsync(port);
        var response = await connection.GetAsync(target);
        response!.StatusCode.Should().Be(200, $"{target} is routed");
        return JsonNode.Parse(response.Body)!["rawTarget"]!.GetValue<string>();
    }

    private static Task<int> ServeAsync(GatewayUnderTest gateway) => ServeAsync(gateway, Manifests.Route("r", "gw", "/public", "echo"));

    /// <summary>Routes /prefix with a URLRewrite path filter (YAML flow style).</summary>
    private static Task<int> ServeRewriteAsync(GatewayUnderTest gateway, string rewrite) => ServeAsync(gateway, $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: rewrite
        spec:
          parentRefs:
          - name: gw
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /prefix
            filters:
            - type: URLRewrite
              urlRewrite:
                path: {rewrite}
            backendRefs:
            - name: echo
              port: 80
        """);

    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string route)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClassWithProxyConfig("{}"),
            Manifests.Gateway("gw", port),
            Manifests.Backend("echo", backend.Port),
            route));
        await gateway.StartAsync();
        return port;
    }
}
