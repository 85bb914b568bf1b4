// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class InvalidReferencesFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "httproute-invalid-nonexistent-backendref.yaml", "httproute-invalid-backendref-unknown-kind.yaml",
        "httproute-invalid-cross-namespace-backend-ref.yaml", "httproute-invalid-cross-namespace-parent-ref.yaml",
        "httproute-invalid-parentref-not-matching-listener-port.yaml", "httproute-invalid-parentref-not-matching-section-name.yaml",
        "httproute-invalid-parentref-section-name-not-matching-port.yaml", "httproute-disallowed-kind.yaml",
        "gateway-invalid-route-kind.yaml", "gateway-invalid-listeners-unsupported-protocol.yaml",
    ];
}

public sealed class InvalidReferenceGrantFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-invalid-reference-grant.yaml"];
}

public sealed class ReferenceGrantFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-reference-grant.yaml", "httproute-cross-namespace.yaml"];
}

public sealed class OmittedBackendsFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-omitted-backendrefs.yaml"];
}

public sealed class PartiallyInvalidFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-partially-invalid-via-invalid-reference-grant.yaml"];
}

public sealed class ListenerHostnameFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-listener-hostname-matching.yaml", "gateway-http-listener-isolation.yaml"];
}

/// <summary>Every way a route or listener reference can fail, reported with the upstream reason.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("HTTPRoute")]
public sealed class InvalidReferenceTests(InvalidReferencesFixture fixture) : IClassFixture<InvalidReferencesFixture>
{
    [Theory]
    [InlineData("invalid-nonexistent-backend-ref", "ResolvedRefs", "False", "BackendNotFound", ConformanceGateway.InfraNamespace)]
    [InlineData("invalid-backend-ref-unknown-kind", "ResolvedRefs", "False", "InvalidKind", ConformanceGateway.InfraNamespace)]
    [InlineData("invalid-cross-namespace-backend-ref", "ResolvedRefs", "False", "RefNotPermitted", ConformanceGateway.InfraNamespace)]
    [InlineData("invalid-cross-namespace-parent-ref", "Accepted", "False", "NotAllowedByListeners", "gateway-conformance-web-backend")]
    [InlineData("httproute-listener-not-matching-route-port", "Accepted", "False", "NoMatchingParent", ConformanceGateway.InfraNamespace)]
    [InlineData("httproute-listener-not-matching-section-name", "Accepted", "False", "NoMatchingParent", ConformanceGateway.InfraNamespace)]
    [InlineData("httproute-listener-section-name-not-matching-port", "Accepted", "False", "NoMatchingParent", ConformanceGateway.InfraNamespace)]
    [InlineData("disallowed-kind", "Accepted", "False", "NotAllowedByListeners", ConformanceGateway.InfraNamespace)]
    public Task Route_WithBadReference_ReportsTheUpstreamReason(string route, string type, string status, string reason, string ns) =>
        StatusAssertions.RouteParentConditionAsync(fixture.Gateway, route, type, status, reason, ns);

    [Fact]
    public async Task Route_WithUnresolvedBackend_Answers500()
    {
        var response = await fixture.Gateway.SendAsync("same-namespace", "example.com", "/");

        response.StatusCode.Should().Be(500, response.Body);
    }

    [Theory]
    [InlineData("gateway-only-invalid-route-kind", "http", "ResolvedRefs", "False", "InvalidRouteKinds")]
    [InlineData("gateway-supported-and-invalid-route-kind", "http", "ResolvedRefs", "False", "InvalidRouteKinds")]
    [InlineData("gateway-only-unsupported-protocols", "invalid", "Accepted", "False", "UnsupportedProtocol")]
    [InlineData("gateway-supported-and-unsupported-protocols", "invalid", "Accepted", "False", "UnsupportedProtocol")]
    [InlineData("gateway-supported-and-unsupported-protocols", "http", "Programmed", "True", "Programmed")]
    [InlineData("tlsroutes-only", "tls", "Accepted", "True", "Accepted")]
    public Task Listener_ReportsTheUpstreamReason(string gateway, string listener, string type, string status, string reason) =>
        StatusAssertions.ListenerConditionAsync(fixture.Gateway, gateway, listener, type, status, reason);

    [Theory]
    [InlineData("gateway-only-unsupported-protocols", "Accepted", "False", "ListenersNotValid")]
    [InlineData("gateway-supported-and-unsupported-protocols", "Accepted", "True", "ListenersNotValid")]
    [InlineData("gateway-supported-and-unsupported-protocols", "Programmed", "True", "Programmed")]
    public Task Gateway_ReportsTheUpstreamReason(string gateway, string type, string status, string reason) =>
        StatusAssertions.GatewayConditionAsync(fixture.Gateway, gateway, type, status, reason);
}

/// <summary>ReferenceGrant: only a grant that matches from-group, from-kind, from-namespace, to-kind and to-name counts.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("ReferenceGrant")]
public sealed class InvalidReferenceGrantTests(InvalidReferenceGrantFixture fixture) : IClassFixture<InvalidReferenceGrantFixture>
{
    [Fact]
    public async Task Route_WithOnlyNonMatchingGrants_IsRefNotPermittedAndAnswers500()
    {
        await StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "reference-grant", "ResolvedRefs", "False", "RefNotPermitted");
        (await fixture.Gateway.SendAsync("same-namespace", "example.com", "/")).StatusCode.Should().Be(500);
    }
}

[Trait("Category", "Conformance")]
[ProvesFeature("ReferenceGrant")]
[ProvesFeature("HTTPRoute")]
public sealed class ReferenceGrantTests(ReferenceGrantFixture fixture) : IClassFixture<ReferenceGrantFixture>
{
    [Fact]
    public async Task Route_WithMatchingGrant_ReachesTheOtherNamespacesService()
    {
        await StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "reference-grant", "ResolvedRefs", "True", "ResolvedRefs");
        await new RequestCase("/", "web-backend") { Namespace = "gateway-conformance-web-backend" }.AssertAsync(fixture.Gateway);
    }

    [Fact]
    public async Task Route_FromSelectedNamespace_AttachesToTheGateway()
    {
        await StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "cross-namespace", "Accepted", "True", "Accepted", "gateway-conformance-web-backend");
        await new RequestCase("/", "web-backend") { Gateway = "backend-namespaces", Namespace = "gateway-conformance-web-backend" }.AssertAsync(fixture.Gateway);
    }
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class OmittedBackendRefsTests(OmittedBackendsFixture fixture) : IClassFixture<OmittedBackendsFixture>
{
    [Theory]
    [InlineData("/omitted-no-forward", 500)]
    [InlineData("/empty-no-forward", 500)]
    [InlineData("/anything-else", 200)]
    public Task Rule_WithoutBackends_Answers500(string path, int status) =>
        new RequestCase(path, status == 200 ? "infra-backend-v1" : null, status).AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("ReferenceGrant")]
public sealed class PartiallyInvalidRouteTests(PartiallyInvalidFixture fixture) : IClassFixture<PartiallyInvalidFixture>
{
    [Fact]
    public async Task Rule_WithUngrantedBackend_Answers500_WhileTheGrantedRuleServes()
    {
        await StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "invalid-reference-grant", "Accepted", "True", "Accepted");
        await StatusAssertions.RouteParentConditionAsync(fixture.Gateway, "invalid-reference-grant", "ResolvedRefs", "False", "RefNotPermitted");
        await new RequestCase("/v2", null, 500).AssertAsync(fixture.Gateway);
        await new RequestCase("/", "app-backend-v1") { Namespace = "gateway-conformance-app-backend" }.AssertAsync(fixture.Gateway);
    }
}

/// <summary>Listener hostnames (exact, wildcard) and HTTP listener isolation.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayHTTPListenerIsolation")]
[ProvesFeature("HTTPRoute")]
public sealed class ListenerHostnameTests(ListenerHostnameFixture fixture) : IClassFixture<ListenerHostnameFixture>
{
    private const string Matching = "httproute-listener-hostname-matching";
    private const string Isolation = "http-listener-isolation";

    public static TheoryData<RequestCase> Cases => new()
    {
        new("/", "infra-backend-v1") { Gateway = Matching, Host = "bar.com" },
        new("/", "infra-backend-v2") { Gateway = Matching, Host = "foo.bar.com" },
        new("/", "infra-backend-v3") { Gateway = Matching, Host = "baz.bar.com" },
        new("/", "infra-backend-v3") { Gateway = Matching, Host = "boo.bar.com" },
        new("/", "infra-backend-v3") { Gateway = Matching, Host = "multiple.prefixes.bar.com" },
        new("/", "infra-backend-v3") { Gateway = Matching, Host = "multiple.prefixes.foo.com" },
        new("/", null, 404) { Gateway = Matching, Host = "foo.com" },
        new("/", null, 404) { Gateway = Matching, Host = "no.matching.host" },

        new("/empty-hostname", "infra-backend-v1") { Gateway = Isolation, Host = "bar.com" },
        new("/wildcard-example-com", null, 404) { Gateway = Isolation, Host = "bar.com" },
        new("/wildcard-example-com", "infra-backend-v1") { Gateway = Isolation, Host = "bar.example.com" },
        new("/empty-hostname", null, 404) { Gateway = Isolation, Host = "bar.example.com" },
        new("/wildcard-foo-example-com", "infra-backend-v1") { Gateway = Isolation, Host = "bar.foo.example.com" },
        new("/wildcard-example-com", null, 404) { Gateway = Isolation, Host = "bar.foo.example.com" },
        new("/abc-foo-example-com", "infra-backend-v1") { Gateway = Isolation, Host = "abc.foo.example.com" },
        new("/wildcard-foo-example-com", null, 404) { Gateway = Isolation, Host = "abc.foo.example.com" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsServedOnlyByTheMostSpecificListener(RequestCase request) => request.AssertAsync(fixture.Gateway);
}
