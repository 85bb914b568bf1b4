// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class AcrossRoutesFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-matching-across-routes.yaml", "httproute-listener-port-matching.yaml"];
}

public sealed class MultipleGatewaysFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-multiple-gateways.yaml"];
}

public sealed class PathOrderFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-path-match-order.yaml"];
}

public sealed class AttachedRoutesFixture : ConformanceFixture
{
    protected override string[] Manifests => ["gateway-with-attached-routes.yaml", "gateway-with-attached-routes-with-port-8080.yaml"];
}

/// <summary>Precedence across routes, listener ports, one route on several Gateways, path order.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
[ProvesFeature("HTTPRouteParentRefPort")]
public sealed class RouteSelectionTests(AcrossRoutesFixture fixture) : IClassFixture<AcrossRoutesFixture>
{
    private const string PortMatching = "httproute-listener-port-matching";

    public static TheoryData<RequestCase> Cases => new()
    {
        new("/", "infra-backend-v1") { Host = "example.com" },
        new("/example", "infra-backend-v1") { Host = "example.net" },
        new("/", "infra-backend-v1") { Host = "example.com", Headers = H("Version", "one") },
        new("/v2", "infra-backend-v2") { Host = "example.com" },
        new("/v2/example", "infra-backend-v2") { Host = "example.com" },
        new("/", "infra-backend-v2") { Host = "example.com", Headers = H("Version", "two") },
        new("/v2", "infra-backend-v1") { Host = "example.net" },
        new("/", "infra-backend-v1") { Host = "example.net", Headers = H("Version", "two") },

        new("/", "infra-backend-v1") { Gateway = PortMatching, Host = "foo.com" },
        new("/", "infra-backend-v2") { Gateway = PortMatching, Host = "foo.com:8080", Port = 8080 },
        new("/", "infra-backend-v2") { Gateway = PortMatching, Host = "bar.com:8080", Port = 8080 },
        new("/", "infra-backend-v3") { Gateway = PortMatching, Host = "foo.com:8090", Port = 8090 },
        new("/", null, 404) { Gateway = PortMatching, Host = "bar.com:8090", Port = 8090 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsServedByTheRightRoute(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class MultipleGatewaysTests(MultipleGatewaysFixture fixture) : IClassFixture<MultipleGatewaysFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/shared", "infra-backend-v1"),
        new("/", "infra-backend-v2"),
        new("/shared", "infra-backend-v1") { Gateway = "all-namespaces" },
        new("/", "infra-backend-v3") { Gateway = "all-namespaces" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task SharedRoute_ServesOnEveryParent_DedicatedRoutesOnTheirOwn(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class PathMatchOrderTests(PathOrderFixture fixture) : IClassFixture<PathOrderFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/match/exact/one", "infra-backend-v3"),
        new("/match/exact", "infra-backend-v2"),
        new("/match", "infra-backend-v1"),
        new("/match/prefix/one/any", "infra-backend-v2"),
        new("/match/prefix/any", "infra-backend-v1"),
        new("/match/any", "infra-backend-v3"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task LongerAndExactPaths_WinOverShorterPrefixes(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("GatewayPort8080")]
public sealed class AttachedRoutesTests(AttachedRoutesFixture fixture) : IClassFixture<AttachedRoutesFixture>
{
    [Theory]
    [InlineData("gateway-with-one-attached-route", "http", 1)]
    [InlineData("gateway-with-two-attached-routes", "http", 2)]
    [InlineData("gateway-with-two-listeners-and-one-attached-route", "http", 1)]
    [InlineData("gateway-with-two-listeners-and-one-attached-route", "http-unattached", 0)]
    [InlineData("unresolved-gateway-with-one-attached-unresolved-route", "tls", 1)]
    public async Task Listener_CountsTheRoutesAttachedToIt(string gateway, string listener, int attached)
    {
        var status = await fixture.Gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, gateway);

        status["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == listener)!["attachedRoutes"]!.GetValue<int>().Should().Be(attached);
    }

    [Fact]
    public Task RouteWithForeignHostname_IsNotAccepted() =>
        StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "http-route-not-accepted", "Accepted", "False", "NoMatchingListenerHostname");
}
