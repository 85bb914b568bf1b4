// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>Only this route, so the Gateway's attached-route count is this route's alone.</summary>
public sealed class ParentRefPortMismatchFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-invalid-parentref-not-matching-listener-port.yaml"];
}

/// <summary>
/// Upstream HTTPRouteInvalidParentRefNotMatchingListenerPort (feature HTTPRouteDestinationPortMatching): a parentRef
/// port no listener has leaves the route unattached: Accepted=False/NoMatchingParent, no accepted parent, and the
/// Gateway counts no route. Its backends still resolve.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteDestinationPortMatching")]
public sealed class HTTPRouteDestinationPortMatchingTests(ParentRefPortMismatchFixture fixture) : IClassFixture<ParentRefPortMismatchFixture>
{
    private const string Route = "httproute-listener-not-matching-route-port";
    private const string Gateway = "same-namespace";

    [Fact]
    public Task Route_ResolvesItsBackends() =>
        GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, Route, Gateway, "ResolvedRefs", "True", "ResolvedRefs");

    [Fact]
    public Task Route_IsNotAccepted_NoMatchingParent() =>
        GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, Route, Gateway, "Accepted", "False", "NoMatchingParent");

    [Fact]
    public async Task Route_HasNoAcceptedParent()
    {
        JsonNode? last = null;
        await Eventually.TrueAsync(async () =>
        {
            last = await GatewayStatusChecks.ObjectAsync(fixture.Gateway, "HTTPRoute", ConformanceGateway.InfraNamespace, Route);
            var parents = last?["status"]?["parents"]?.AsArray();
            var generation = last?["metadata"]!["generation"]?.GetValue<long>();
            // Upstream takes no parents at all as well as one parent that is not accepted.
            return last is not null && (parents is null or { Count: 0 } || (parents is { Count: 1 }
                && parents[0]!["conditions"]!.AsArray().All(c => c!["observedGeneration"]?.GetValue<long>() == generation)
                && GatewayStatusChecks.HasCondition(parents[0]!["conditions"]!.AsArray(), "Accepted", "False", "")));
        }, "the route has no parent, or a single one that is not accepted");
    }

    [Fact]
    public async Task Gateway_HasNoRouteAttached()
    {
        var gateway = await GatewayStatusChecks.MustHaveLatestConditionsAsync(fixture.Gateway, Gateway);
        var listeners = gateway["status"]!["listeners"]?.AsArray() ?? [];

        (listeners.Count == 0 || (listeners.Count == 1 && listeners[0]!["attachedRoutes"]!.GetValue<int>() == 0))
            .Should().BeTrue($"no listeners, or one with no attached route, is what upstream accepts: {listeners.ToJsonString()}");
    }
}
