// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class RequestHeaderFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-request-header-modifier.yaml"];
}

public sealed class ResponseHeaderFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-response-header-modifier.yaml"];
}

public sealed class RedirectFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "httproute-redirect-path.yaml", "httproute-redirect-port-and-scheme.yaml",
        "httproute-303-redirect.yaml", "httproute-307-redirect.yaml", "httproute-308-redirect.yaml", "httproute-named-rule.yaml",
    ];
}

public sealed class RewriteFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-rewrite-path.yaml", "httproute-rewrite-host.yaml"];
}

/// <summary>RequestHeaderModifier: set replaces, add appends, remove deletes; names are case-insensitive.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class HTTPRouteRequestHeaderModifierTests(RequestHeaderFixture fixture) : IClassFixture<RequestHeaderFixture>
{
    public static TheoryData<RequestCase> RequestCases => new()
    {
        new("/set", "infra-backend-v1") { Headers = H("Some-Other-Header", "val"), BackendHeaders = E("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values") },
        new("/set", "infra-backend-v1") { Headers = H("X-Header-Set", "some-other-value"), BackendHeaders = E("X-Header-Set", "set-overwrites-values") },
        new("/add", "infra-backend-v1") { Headers = H("Some-Other-Header", "val"), BackendHeaders = E("X-Header-Add", "add-appends-values") },
        new("/add", "infra-backend-v1") { Headers = H("X-Header-Add", "some-other-value"), BackendHeaders = E("X-Header-Add", "some-other-value,add-appends-values") },
        new("/remove", "infra-backend-v1") { Headers = H("X-Header-Remove", "val"), BackendHeaders = E("X-Header-Remove", null) },
        new("/multiple", "infra-backend-v1")
        {
            Headers = H("X-Header-Set-2", "set-val-2", "X-Header-Add-2", "add-val-2", "X-Header-Remove-2", "remove-val-2", "Another-Header", "another-header-val"),
            BackendHeaders = E("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1",
                "X-Header-Add-2", "add-val-2,header-add-2", "X-Header-Add-3", "header-add-3", "Another-Header", "another-header-val",
                "X-Header-Remove-1", null, "X-Header-Remove-2", null),
        },
        new("/case-insensitivity", "infra-backend-v1")
        {
            Headers = H("x-header-set", "original-val-set", "x-header-add", "original-val-add", "x-header-remove", "original-val-remove"),
            BackendHeaders = E("X-Header-Set", "header-set", "X-Header-Add", "original-val-add,header-add", "X-Header-Remove", null),
        },
    };

    [Theory]
    [MemberData(nameof(RequestCases))]
    public Task RequestHeaderModifier_ChangesWhatTheBackendSees(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

/// <summary>ResponseHeaderModifier, on what the backend answered.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteResponseHeaderModification")]
public sealed class HTTPRouteResponseHeaderModifierTests(ResponseHeaderFixture fixture) : IClassFixture<ResponseHeaderFixture>
{
    public static TheoryData<RequestCase> ResponseCases => new()
    {
        new("/set", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Set:some-other-value,Some-Other-Header:val"), ResponseHeaders = E("X-Header-Set", "set-overwrites-values", "Some-Other-Header", "val") },
        new("/add", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Add:some-other-value"), ResponseHeaders = E("X-Header-Add", "some-other-value,add-appends-values") },
        new("/add", "infra-backend-v1") { ResponseHeaders = E("X-Header-Add", "add-appends-values") },
        new("/remove", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Remove:val"), ResponseHeaders = E("X-Header-Remove", null) },
        new("/multiple", "infra-backend-v1")
        {
            Headers = H("X-Echo-Set-Header", "X-Header-Set-2:set-val-2,X-Header-Add-2:add-val-2,X-Header-Remove-2:remove-val-2,Another-Header:another-header-val"),
            ResponseHeaders = E("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1",
                "X-Header-Add-2", "add-val-2,header-add-2", "X-Header-Add-3", "header-add-3", "Another-Header", "another-header-val",
                "X-Header-Remove-1", null, "X-Header-Remove-2", null),
        },
        new("/case-insensitivity", "infra-backend-v1")
        {
            Headers = H("X-Echo-Set-Header", "x-header-set:original-val-set,x-header-add:original-val-add,x-header-remove:original-val-remove"),
            ResponseHeaders = E("X-Header-Set", "header-set", "X-Header-Add", "original-val-add,header-add", "X-Lowercase-Add", "lowercase-add",
                "X-Mixedcase-Add-1", "mixedcase-add-1", "X-Uppercase-Add", "uppercase-add", "X-Header-Remove", null),
        },
        new("/response-and-request-header-modifiers", "infra-backend-v1")
        {
            Headers = H("X-Header-Remove", "remove-me", "X-Echo-Set-Header", "X-Header-Remove-1:x,X-Header-Set-2:old"),
            BackendHeaders = E("X-Header-Set", "set-overwrites-values", "X-Header-Add", "header-val-1", "X-Header-Add-Append", "header-val-2", "X-Header-Remove", null),
            ResponseHeaders = E("X-Header-Set-1", "header-set-1", "X-Header-Set-2", "header-set-2", "X-Header-Add-1", "header-add-1", "X-Header-Remove-1", null),
        },
    };

    [Theory]
    [MemberData(nameof(ResponseCases))]
    public Task ResponseHeaderModifier_ChangesWhatTheClientGets(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

/// <summary>RequestRedirect: path rewrites, status codes, and the spec's port-defaulting rules.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoutePathRedirect")]
[ProvesFeature("HTTPRoutePortRedirect")]
[ProvesFeature("HTTPRouteSchemeRedirect")]
[ProvesFeature("HTTPRoute303RedirectStatusCode")]
[ProvesFeature("HTTPRoute307RedirectStatusCode")]
[ProvesFeature("HTTPRoute308RedirectStatusCode")]
[ProvesFeature("HTTPRouteNamedRouteRule")]
[ProvesFeature("GatewayPort8080")]
public sealed class HTTPRouteRedirectTests(RedirectFixture fixture) : IClassFixture<RedirectFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/original-prefix/lemon", null, 302) { Location = "http://example.com/replacement-prefix/lemon" },
        new("/full/path/original", null, 302) { Location = "http://example.com/full-path-replacement" },
        new("/path-and-host", null, 302) { Location = "http://example.org/replacement-prefix" },
        new("/path-and-status", null, 301) { Location = "http://example.com/replacement-prefix" },
        new("/full-path-and-host", null, 302) { Location = "http://example.org/replacement-full" },
        new("/full-path-and-status", null, 301) { Location = "http://example.com/replacement-full" },
        new("/original-prefix/lemon?fruit=yes", null, 302) { Location = "http://example.com/replacement-prefix/lemon?fruit=yes" },
        new("/see-other", null, 303),
        new("/temporary", null, 307),
        new("/permanent", null, 308),

        // Named rules (httproute-named-rule): the name changes nothing about routing.
        new("/named", "infra-backend-v1"),
        new("/unnamed", "infra-backend-v2"),

        // A listener on 80: no port and no scheme keeps the listener's (well-known, so omitted) port.
        new("/scheme-nil-and-port-nil", null, 302) { Location = "http://example.org/scheme-nil-and-port-nil" },
        new("/scheme-nil-and-port-80", null, 302) { Location = "http://example.org/scheme-nil-and-port-80" },
        new("/scheme-nil-and-port-8080", null, 302) { Location = "http://example.org:8080/scheme-nil-and-port-8080" },
        new("/scheme-https-and-port-nil", null, 302) { Location = "https://example.org/scheme-https-and-port-nil" },
        new("/scheme-https-and-port-443", null, 302) { Location = "https://example.org/scheme-https-and-port-443" },
        new("/scheme-https-and-port-8443", null, 302) { Location = "https://example.org:8443/scheme-https-and-port-8443" },

        // A listener on 8080.
        new("/scheme-nil-and-port-nil", null, 302) { Gateway = "same-namespace-with-http-listener-on-8080", Port = 8080, Location = "http://example.org:8080/scheme-nil-and-port-nil" },
        new("/scheme-nil-and-port-80", null, 302) { Gateway = "same-namespace-with-http-listener-on-8080", Port = 8080, Location = "http://example.org/scheme-nil-and-port-80" },
        new("/scheme-https-and-port-nil", null, 302) { Gateway = "same-namespace-with-http-listener-on-8080", Port = 8080, Location = "https://example.org/scheme-https-and-port-nil" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task RequestRedirect_AnswersWithTheRightLocation(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

/// <summary>URLRewrite: ReplacePrefixMatch (with the slash rules), ReplaceFullPath, hostname.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoutePathRewrite")]
[ProvesFeature("HTTPRouteHostRewrite")]
public sealed class HTTPRouteRewriteTests(RewriteFixture fixture) : IClassFixture<RewriteFixture>
{
    private static readonly Dictionary<string, string> _modifiable = H("X-Header-Remove", "remove-val", "X-Header-Add-Append", "append-val-1");
    private static readonly Dictionary<string, string?> _modified = E("X-Header-Set", "set-overwrites-values", "X-Header-Add", "header-val-1",
        "X-Header-Add-Append", "append-val-1,header-val-2", "X-Header-Remove", null);

    public static TheoryData<RequestCase> Cases => new()
    {
        new("/prefix/one/two", "infra-backend-v1") { BackendPath = "/one/two" },
        new("/strip-prefix/three", "infra-backend-v1") { BackendPath = "/three" },
        new("/strip-prefix", "infra-backend-v1") { BackendPath = "/" },
        new("/strip-prefix/", "infra-backend-v1") { BackendPath = "/" },
        new("/full/one/two", "infra-backend-v1") { BackendPath = "/one" },
        new("/full/one/two?q=1", "infra-backend-v1") { BackendPath = "/one?q=1" },
        new("/full/rewrite-path-and-modify-headers/test", "infra-backend-v1") { BackendPath = "/test", Headers = _modifiable, BackendHeaders = _modified },
        new("/prefix/rewrite-path-and-modify-headers/one", "infra-backend-v1") { BackendPath = "/prefix/one", Headers = _modifiable, BackendHeaders = _modified },
        new("/one", "infra-backend-v1") { Host = "rewrite.example", BackendHost = "one.example.org" },
        new("/", "infra-backend-v2") { Host = "rewrite.example", BackendHost = "example.org" },
        new("/rewrite-host-and-modify-headers", "infra-backend-v2") { Host = "rewrite.example", BackendHost = "test.example.org", Headers = _modifiable, BackendHeaders = _modified },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task URLRewrite_ChangesPathAndHostForTheBackend(RequestCase request) => request.AssertAsync(fixture.Gateway);
}
