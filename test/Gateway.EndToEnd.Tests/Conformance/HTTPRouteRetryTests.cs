// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class RetryFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-retry.yaml"];
}

/// <summary>
/// One request to a /retry/ path of the flaky backend (<see cref="RetrySimulation"/>) and the status it must end with.
/// As upstream's convergence check, it must hold for several requests in a row, each with its own uuid (so the backend
/// counts its failures afresh).
/// </summary>
public sealed record RetryCase(string Path, string Query, int Status)
{
    private const int InARow = 3;

    public override string ToString() => $"{Path}?{Query} -> {Status}";

    internal async Task AssertAsync(ConformanceGateway gateway, string backend = "infra-backend-v3")
    {
        for (var i = 0; i < InARow; i++)
        {
            var response = await gateway.SendAsync("same-namespace", "example.com", $"{Path}?{Query}&uuid={Guid.NewGuid():N}");

            response.StatusCode.Should().Be(Status, $"{this} answered {response}");
            if (Status == 200)
            {
                response.Backend.Should().Be($"{ConformanceGateway.InfraNamespace}/{backend}");
            }
        }
    }
}

/// <summary>
/// Upstream HTTPRouteRetry: retry.codes and retry.attempts (retries after the first try) decide which answers are
/// tried again and how often; once the attempts are spent the last answer reaches the client.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteRetry")]
public sealed class HTTPRouteRetryTests(RetryFixture fixture) : IClassFixture<RetryFixture>
{
    private const string Only500 = "/retry/code-500-attempts-3";
    private const string All5xx = "/retry/code-all-attempts-2";

    public static TheoryData<RetryCase> Cases => new()
    {
        new(Only500, "responseCode=500&succeedAfter=2", 200),
        new(Only500, "responseCode=500&succeedAfter=4", 500),
        new(Only500, "responseCode=503&succeedAfter=2", 503),
        new(All5xx, "responseCode=500&succeedAfter=1", 200),
        new(All5xx, "responseCode=500&succeedAfter=3", 500),
        new(All5xx, "responseCode=502&succeedAfter=1", 200),
        new(All5xx, "responseCode=502&succeedAfter=3", 502),
        new(All5xx, "responseCode=503&succeedAfter=1", 200),
        new(All5xx, "responseCode=503&succeedAfter=3", 503),
        new(All5xx, "responseCode=504&succeedAfter=1", 200),
        new(All5xx, "responseCode=504&succeedAfter=3", 504),
    };

    [Fact]
    public async Task Route_IsAcceptedWithResolvedRefs()
    {
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, "same-namespace", "retries");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "retries", "same-namespace", "ResolvedRefs", "True", "ResolvedRefs");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task FailingBackend_IsRetriedOnlyForItsCodes_AndOnlyAttemptsTimes(RetryCase request) => request.AssertAsync(fixture.Gateway);
}
