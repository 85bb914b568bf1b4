// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class CorsFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-cors.yaml"];
}

/// <summary>The CORS filter: preflights answered by the gateway, allow headers on responses to allowed origins.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteCORS")]
public sealed class HTTPRouteCorsTests(CorsFixture fixture) : IClassFixture<CorsFixture>
{
    private static Dictionary<string, string> Preflight(string origin, string method, string? headers = null) => headers is null
        ? H("Origin", origin, "Access-Control-Request-Method", method)
        : H("Origin", origin, "Access-Control-Request-Method", method, "Access-Control-Request-Headers", headers);

    private static readonly Dictionary<string, string?> _cors1 = E(
        "Access-Control-Allow-Methods", "GET, OPTIONS", "Access-Control-Allow-Headers", "x-header-1, x-header-2",
        "Access-Control-Expose-Headers", "x-header-3, x-header-4", "Access-Control-Max-Age", "3600", "Access-Control-Allow-Credentials", "true");

    public static TheoryData<RequestCase> Cases => new()
    {
        new("/cors-1", null, 204) { Method = "OPTIONS", Headers = Preflight("https://www.foo.com", "GET", "x-header-1, x-header-2"), ResponseHeaders = With(_cors1, "https://www.foo.com") },
        new("/cors-1", null, 204) { Method = "OPTIONS", Headers = Preflight("https://www.bar.com", "GET", "x-header-1, x-header-2"), ResponseHeaders = With(_cors1, "https://www.bar.com") },
        new("/cors-1", null, 204) { Method = "OPTIONS", Headers = Preflight("https://xpto.www.bar.com", "GET", "x-header-1, x-header-2"), ResponseHeaders = With(_cors1, "https://xpto.www.bar.com") },
        new("/cors-1", null, 204) { Method = "OPTIONS", Headers = Preflight("https://foobar.com", "GET"), ResponseHeaders = E("Access-Control-Allow-Origin", null) },
        new("/cors-1", "infra-backend-v1") { Headers = H("Origin", "https://www.foo.com"), ResponseHeaders = E("Access-Control-Allow-Origin", "https://www.foo.com") },
        new("/cors-1", "infra-backend-v1") { Headers = H("Origin", "https://www.bar.com"), ResponseHeaders = E("Access-Control-Allow-Origin", "https://www.bar.com") },
        new("/cors-1", "infra-backend-v1") { Headers = H("Origin", "https://foobar.com"), ResponseHeaders = E("Access-Control-Allow-Origin", null) },
        new("/cors-2", null, 204) { Method = "OPTIONS", Headers = Preflight("https://www.foo.com", "POST"), ResponseHeaders = E("Access-Control-Allow-Methods", "POST", "Access-Control-Allow-Origin", "https://www.foo.com", "Access-Control-Allow-Credentials", null) },
        new("/cors-wildcard-origin", null, 204) { Method = "OPTIONS", Headers = Preflight("https://foobar.com:12345", "PUT"), ResponseHeaders = E("Access-Control-Allow-Origin", "https://foobar.com:12345", "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Credentials", null) },
        new("/cors-wildcard-origin", "infra-backend-v1") { Method = "PUT", Headers = H("Origin", "https://foobar.com"), ResponseHeaders = E("Access-Control-Allow-Origin", "https://foobar.com", "Access-Control-Allow-Credentials", null) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Cors_AnswersPreflightsAndDecoratesResponses(RequestCase request) => request.AssertAsync(fixture.Gateway);

    [Fact]
    public async Task Preflight_NeverReachesTheBackend()
    {
        var backend = await ConformanceBackends.GetAsync(ConformanceGateway.InfraNamespace, "infra-backend-v1");
        var path = $"/cors-1?id={Guid.NewGuid():N}";

        (await fixture.Gateway.SendAsync("same-namespace", "example.com", path, "OPTIONS", Preflight("https://www.foo.com", "GET"))).StatusCode.Should().Be(204);

        backend.Received.Should().NotContain($"OPTIONS {path}");
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> headers, string origin) =>
        new(headers) { ["Access-Control-Allow-Origin"] = origin };
}
