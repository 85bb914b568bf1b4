// SPDX-License-Identifier: Apache-2.0
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class GRPCExactMethodMatchingFixture : ConformanceFixture
{
    protected override string[] Manifests => ["grpcroute-exact-method-matching.yaml"];
}

public sealed class GRPCRouteHeaderMatchingFixture : ConformanceFixture
{
    protected override string[] Manifests => ["grpcroute-header-matching.yaml"];
}

public sealed class GRPCRouteListenerHostnameMatchingFixture : ConformanceFixture
{
    protected override string[] Manifests => ["grpcroute-listener-hostname-matching.yaml"];
}

public sealed class GRPCRouteNamedRuleFixture : ConformanceFixture
{
    protected override string[] Manifests => ["grpcroute-named-rule.yaml"];
}

public sealed class GRPCRouteWeightFixture : ConformanceFixture
{
    protected override string[] Manifests => ["grpcroute-weight.yaml"];
}

/// <summary>Upstream GRPCExactMethodMatching: Echo and EchoTwo reach different backends; EchoThree matches no rule.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GRPCRoute")]
public sealed class GRPCExactMethodMatchingTests(GRPCExactMethodMatchingFixture fixture) : IClassFixture<GRPCExactMethodMatchingFixture>
{
    public static TheoryData<GrpcCase> Cases => new()
    {
        new("Echo", "grpc-infra-backend-v1"),
        new("EchoTwo", "grpc-infra-backend-v2"),
        new("EchoThree", null, StatusCode.Unimplemented),
    };

    [Fact]
    public Task RouteAndGateway_AreAccepted() => GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, "same-namespace", [null], "exact-matching");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Call_IsServedByTheRightRule(GrpcCase call) => call.AssertAsync(fixture.Gateway);
}

/// <summary>Upstream GRPCRouteHeaderMatching: metadata picks the rule; more header matches win; no match is UNIMPLEMENTED.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GRPCRoute")]
public sealed class GRPCRouteHeaderMatchingTests(GRPCRouteHeaderMatchingFixture fixture) : IClassFixture<GRPCRouteHeaderMatchingFixture>
{
    public static TheoryData<GrpcCase> Cases => new()
    {
        new("Echo", "grpc-infra-backend-v1") { Metadata = M(("Version", "one")) },
        new("Echo", "grpc-infra-backend-v2") { Metadata = M(("Version", "two")) },
        new("Echo", "grpc-infra-backend-v1") { Metadata = M(("Version", "two"), ("Color", "orange")) },
        new("Echo", "grpc-infra-backend-v2") { Metadata = M(("Version", "two"), ("Color", "blue")) },
        new("Echo", null, StatusCode.Unimplemented) { Metadata = M(("Color", "orange")) },
        new("Echo", null, StatusCode.Unimplemented) { Metadata = M(("Some-Other-Header", "one")) },
        new("Echo", "grpc-infra-backend-v1") { Metadata = M(("Color", "blue")) },
        new("Echo", "grpc-infra-backend-v1") { Metadata = M(("Color", "green")) },
        new("Echo", "grpc-infra-backend-v2") { Metadata = M(("Color", "red")) },
        new("Echo", "grpc-infra-backend-v2") { Metadata = M(("Color", "yellow")) },
        new("Echo", null, StatusCode.Unimplemented) { Metadata = M(("Color", "purple")) },
    };

    [Fact]
    public Task RouteAndGateway_AreAccepted() => GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, "same-namespace", [null], "grpc-header-matching");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Call_IsServedByTheRightRule(GrpcCase call) => call.AssertAsync(fixture.Gateway);

    private static Dictionary<string, string> M(params (string Name, string Value)[] metadata) => metadata.ToDictionary(m => m.Name, m => m.Value);
}

/// <summary>Upstream GRPCRouteListenerHostnameMatching: listeners on one port told apart by :authority.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GRPCRoute")]
public sealed class GRPCRouteListenerHostnameMatchingTests(GRPCRouteListenerHostnameMatchingFixture fixture) : IClassFixture<GRPCRouteListenerHostnameMatchingFixture>
{
    private const string GatewayName = "grpcroute-listener-hostname-matching";

    public static TheoryData<GrpcCase> Cases => new()
    {
        new("Echo", "grpc-infra-backend-v1") { Gateway = GatewayName, Authority = "bar.com" },
        new("Echo", "grpc-infra-backend-v2") { Gateway = GatewayName, Authority = "foo.bar.com" },
        new("Echo", "grpc-infra-backend-v3") { Gateway = GatewayName, Authority = "baz.bar.com" },
        new("Echo", "grpc-infra-backend-v3") { Gateway = GatewayName, Authority = "boo.bar.com" },
        new("Echo", "grpc-infra-backend-v3") { Gateway = GatewayName, Authority = "multiple.prefixes.bar.com" },
        new("Echo", "grpc-infra-backend-v3") { Gateway = GatewayName, Authority = "multiple.prefixes.foo.com" },
        new("Echo", null, StatusCode.Unimplemented) { Gateway = GatewayName, Authority = "foo.com" },
        new("Echo", null, StatusCode.Unimplemented) { Gateway = GatewayName, Authority = "no.matching.host" },
    };

    [Fact]
    public async Task RoutesAndListeners_AreAccepted()
    {
        await GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, GatewayName, ["listener-1"], "backend-v1");
        await GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, GatewayName, ["listener-2"], "backend-v2");
        await GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, GatewayName, ["listener-3", "listener-4"], "backend-v3");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Call_IsServedByTheListenerOfItsAuthority(GrpcCase call) => call.AssertAsync(fixture.Gateway);
}

/// <summary>Upstream GRPCRouteNamedRule: a rule with a name is accepted and served like any other.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GRPCRouteNamedRouteRule")]
public sealed class GRPCRouteNamedRuleTests(GRPCRouteNamedRuleFixture fixture) : IClassFixture<GRPCRouteNamedRuleFixture>
{
    public static TheoryData<GrpcCase> Cases => new()
    {
        new("Echo", "grpc-infra-backend-v1"),
        new("EchoTwo", "grpc-infra-backend-v2"),
    };

    [Fact]
    public Task RouteAndGateway_AreAccepted() => GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, "same-namespace", [null], "grpc-named-rules");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Call_IsServedByTheRightRule(GrpcCase call) => call.AssertAsync(fixture.Gateway);
}

/// <summary>Upstream GRPCRouteWeight: calls split 70/30; a weight of 0 gets none.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GRPCRoute")]
public sealed class GRPCRouteWeightTests(GRPCRouteWeightFixture fixture) : IClassFixture<GRPCRouteWeightFixture>
{
    [Fact]
    public async Task Calls_AreSplit70To30_AndWeightZeroGetsNone()
    {
        await GrpcStatus.RoutesAcceptedAsync(fixture.Gateway, "same-namespace", [null], "weighted-backends");
        var call = new GrpcCase("Echo", null);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var (code, response) = await call.CallAsync(fixture.Gateway);
            code.Should().Be(StatusCode.OK);
            var backend = response!.Assertions.Context.ServiceName;
            counts[backend] = counts.GetValueOrDefault(backend) + 1;
        }

        counts.GetValueOrDefault("grpc-infra-backend-v3").Should().Be(0);
        (counts.GetValueOrDefault("grpc-infra-backend-v1") + counts.GetValueOrDefault("grpc-infra-backend-v2")).Should().Be(400);
        counts.GetValueOrDefault("grpc-infra-backend-v1").Should().BeInRange(240, 320, "70% of 400 is 280; the range is about four standard deviations");
    }
}

/// <summary>Upstream's GatewayAndRoutesMustBeAccepted for GRPCRoutes: each parent Accepted, each listener Accepted, ResolvedRefs, Programmed.</summary>
internal static class GrpcStatus
{
    public static async Task RoutesAcceptedAsync(ConformanceGateway gateway, string gatewayName, string?[] listeners, string route)
    {
        var status = await gateway.StatusOfAsync("GRPCRoute", ConformanceGateway.InfraNamespace, route);
        foreach (var listener in listeners)
        {
            var parent = status["parents"]!.AsArray().SingleOrDefault(p =>
                p!["parentRef"]!["name"]!.GetValue<string>() == gatewayName && p["parentRef"]!["sectionName"]?.GetValue<string>() == listener);
            parent.Should().NotBeNull($"GRPCRoute {route} must have a parent {gatewayName}/{listener}: {status}");
            parent!["controllerName"]!.GetValue<string>().Should().Be("gateway.seed.dev/gateway-controller");
            var accepted = parent["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Accepted")!;
            accepted["status"]!.GetValue<string>().Should().Be("True", $"{accepted}");
            accepted["reason"]!.GetValue<string>().Should().Be("Accepted");
        }

        var gatewayStatus = await gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, gatewayName);
        foreach (var listener in gatewayStatus["listeners"]!.AsArray()
            .Where(l => listeners.Contains(null) || listeners.Contains(l!["name"]!.GetValue<string>())))
        {
            foreach (var type in new[] { "Accepted", "ResolvedRefs", "Programmed" })
            {
                await StatusAssertions.ListenerConditionAsync(gateway, gatewayName, listener!["name"]!.GetValue<string>(), type, "True", type);
            }
        }
    }
}
