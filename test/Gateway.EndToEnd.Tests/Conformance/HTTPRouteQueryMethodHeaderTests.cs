// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class QueryParamFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-query-param-matching.yaml"];
}

public sealed class MethodFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-method-matching.yaml"];
}

public sealed class HeaderFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-header-matching.yaml"];
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteQueryParamMatching")]
public sealed class HTTPRouteQueryParamMatchingTests(QueryParamFixture fixture) : IClassFixture<QueryParamFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/?animal=whale", "infra-backend-v1"),
        new("/?animal=dolphin", "infra-backend-v2"),
        new("/?animal=dolphin&color=blue", "infra-backend-v3"),
        new("/?ANIMAL=Whale", "infra-backend-v3"), // Query parameter names are case-sensitive.
        new("/?animal=whale&otherparam=irrelevant", "infra-backend-v1"),
        new("/?animal=dolphin&color=yellow", "infra-backend-v2"),
        new("/?color=blue", null, 404),
        new("/?animal=dog", null, 404),
        new("/?animal=whaledolphin", null, 404),
        new("/", null, 404),
        new("/path1?animal=whale", "infra-backend-v1"),
        new("/?animal=whale", "infra-backend-v2") { Headers = H("version", "one") },
        new("/path2?animal=whale", "infra-backend-v3") { Headers = H("version", "two") },
        new("/path3?animal=shark", "infra-backend-v1"),
        new("/path4?animal=kraken", "infra-backend-v1") { Headers = H("version", "three") },
        new("/?animal=shark", null, 404),
        new("/path4?animal=kraken", null, 404),
        new("/path5?animal=hydra", "infra-backend-v1"), // The longer path wins over a query match.
        new("/?animal=hydra", "infra-backend-v3") { Headers = H("version", "four") }, // More headers wins over more query params.
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsRoutedByQueryParams(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteMethodMatching")]
public sealed class HTTPRouteMethodMatchingTests(MethodFixture fixture) : IClassFixture<MethodFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/", "infra-backend-v1") { Method = "POST" },
        new("/", "infra-backend-v2") { Method = "GET" },
        new("/", null, 404) { Method = "HEAD" },
        new("/path1", "infra-backend-v1") { Method = "GET" },
        new("/", "infra-backend-v2") { Method = "PUT", Headers = H("version", "one") },
        new("/path2", "infra-backend-v3") { Method = "POST", Headers = H("version", "two") },
        new("/path3", "infra-backend-v1") { Method = "PATCH" },
        new("/path4", "infra-backend-v1") { Method = "DELETE", Headers = H("version", "three") },
        new("/path4", null, 404) { Method = "DELETE" },
        new("/", null, 404) { Method = "PUT" },
        new("/path5", "infra-backend-v1") { Method = "PATCH" }, // The longer path wins over a method match.
        new("/", "infra-backend-v2") { Method = "PATCH", Headers = H("version", "four") }, // A method match wins over headers.
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsRoutedByMethod(RequestCase request) => request.AssertAsync(fixture.Gateway);
}

[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class HTTPRouteHeaderMatchingTests(HeaderFixture fixture) : IClassFixture<HeaderFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        new("/", "infra-backend-v1") { Headers = H("Version", "one") },
        new("/", "infra-backend-v2") { Headers = H("Version", "two") },
        new("/", "infra-backend-v1") { Headers = H("Version", "two", "Color", "orange") },
        new("/", "infra-backend-v1") { Headers = H("Color", "blue") },
        new("/", "infra-backend-v1") { Headers = H("Color", "green") },
        new("/", "infra-backend-v2") { Headers = H("Color", "red") },
        new("/", "infra-backend-v2") { Headers = H("Color", "yellow") },
        new("/", null, 404) { Headers = H("Color", "purple") },
        new("/", null, 404) { Headers = H("Version", "three") },
        new("/", null, 404),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsRoutedByHeaders(RequestCase request) => request.AssertAsync(fixture.Gateway);
}
