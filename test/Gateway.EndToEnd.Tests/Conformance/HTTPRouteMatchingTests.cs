// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.RequestCase;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class MatchingFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "httproute-simple-same-namespace.yaml", "httproute-exact-path-matching.yaml", "httproute-matching.yaml",
    ];
}

/// <summary>Path matching (Exact, PathPrefix on whole segments) and OR'ed matches, as upstream HTTPRouteMatching.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRoute")]
public sealed class HTTPRouteMatchingTests(MatchingFixture fixture) : IClassFixture<MatchingFixture>
{
    public static TheoryData<RequestCase> Cases => new()
    {
        // httproute-exact-path-matching: only the exact path.
        new("/one", "infra-backend-v1"),
        new("/two", "infra-backend-v2"),
        // httproute-matching: PathPrefix "/" OR header version:one → v1; PathPrefix /v2 OR version:two → v2.
        new("/", "infra-backend-v1"),
        new("/example", "infra-backend-v1"),
        new("/", "infra-backend-v1") { Headers = H("version", "one") },
        new("/v2", "infra-backend-v2"),
        new("/v2/example", "infra-backend-v2"),
        new("/", "infra-backend-v2") { Headers = H("version", "two") },
        new("/v2example", "infra-backend-v1"),
        new("/foo/v2/example", "infra-backend-v1"),
        new("/one/example", "infra-backend-v1"),
        new("/two/", "infra-backend-v1"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_IsRoutedByPathAndHeaders(RequestCase request) => request.AssertAsync(fixture.Gateway);

    [Fact]
    public async Task Routes_AreAcceptedWithResolvedRefs()
    {
        foreach (var route in new[] { "gateway-conformance-infra-test", "exact-matching", "matching" })
        {
            var status = await fixture.Gateway.StatusOfAsync("HTTPRoute", ConformanceGateway.InfraNamespace, route);
            var conditions = status["parents"]![0]!["conditions"]!.AsArray();
            conditions.Should().Contain(c => c!["type"]!.GetValue<string>() == "Accepted" && c["status"]!.GetValue<string>() == "True");
            conditions.Should().Contain(c => c!["type"]!.GetValue<string>() == "ResolvedRefs" && c["status"]!.GetValue<string>() == "True");
        }
    }
}
