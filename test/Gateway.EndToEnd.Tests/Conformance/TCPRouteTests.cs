// SPDX-License-Identifier: Apache-2.0
using Gateway.EndToEnd.Tests.Layer4;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class TcpRouteFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "tcproute-invalid-backendref-nonexistent.yaml", "tcproute-invalid-cross-namespace-backend-ref.yaml",
        "tcproute-invalid-non-tcp-listener.yaml", "tcproute-multiple-routes-attachment.yaml", "tcproute-parentref-attach-all.yaml",
        "tcproute-parentref-port-and-section-name.yaml", "tcproute-reference-grant.yaml", "tcproute-weighted-routing.yaml",
    ];
}

/// <summary>
/// Upstream's TCPRoute tests of v1.6.1: TCPRouteInvalidBackendRefNonexistent, TCPRouteInvalidCrossNamespaceBackendRef,
/// TCPRouteInvalidNonTCPListener, TCPRouteMultipleRoutesAttachment, TCPRouteParentRefAttachAll,
/// TCPRouteParentRefPortAndSectionName, TCPRouteReferenceGrant and TCPRouteWeightedRouting. The backends speak first
/// and name themselves, so each answer says which Service's endpoint the gateway chose.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("TCPRoute")]
public sealed class TCPRouteTests(TcpRouteFixture fixture) : IClassFixture<TcpRouteFixture>
{
    private const string Infra = ConformanceGateway.InfraNamespace;
    private const string Web = "gateway-conformance-web-backend";

    private ConformanceGateway Gateway => fixture.Gateway;

    [Fact]
    public Task NonexistentBackend_IsBackendNotFound() =>
        GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcp-route-invalid-backend-ref-nonexistent", "tcp-gateway-invalid-backend",
            "ResolvedRefs", "False", "BackendNotFound", "TCPRoute");

    [Fact]
    public async Task CrossNamespaceBackend_WithoutAGrant_IsRefNotPermitted()
    {
        const string gateway = "tcp-invalid-cross-namespace-backend-ref-gateway";
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gateway, "TCPRoute", "tcp-invalid-cross-namespace-backend-ref");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcp-invalid-cross-namespace-backend-ref", gateway,
            "ResolvedRefs", "False", "RefNotPermitted", "TCPRoute");
    }

    [Fact]
    public async Task HttpListener_IsNotAllowed_AndHasNoRoutes()
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcp-route", "tcp-mixed-protocol-gateway",
            "Accepted", "False", "NotAllowedByListeners", "TCPRoute");
        await GatewayStatusChecks.MustHaveZeroRoutesAsync(Gateway, "tcp-mixed-protocol-gateway");
    }

    [Fact]
    public async Task MultipleRoutes_BothAreAcceptedAndCounted_OnlyTheOldestCarriesTraffic()
    {
        const string gateway = "tcp-multi-route-attach-gateway";
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gateway, "TCPRoute", "tcproute-attach-older");

        // Created later, as upstream creates it once the first is accepted; the API server would stamp its creation time.
        Gateway.Gateway.WriteFile("tcproute-attach-newer.yaml", $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: TCPRoute
            metadata:
              name: tcproute-attach-newer
              namespace: {Infra}
              creationTimestamp: "{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}"
            spec:
              parentRefs:
              - name: {gateway}
                sectionName: tcp
              rules:
              - backendRefs:
                - name: tcp-attach-backend-2
                  port: 3000
            """);

        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcproute-attach-older", gateway, "Accepted", "True", "Accepted", "TCPRoute");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcproute-attach-newer", gateway, "Accepted", "True", "Accepted", "TCPRoute");
        await GatewayStatusChecks.MustHaveListenersAsync(Gateway, gateway, new ExpectedListener("tcp", ["TCPRoute"], 2, ("Accepted", "True", "Accepted")));

        var address = await Gateway.AddressOfAsync(gateway);
        await ExpectBackendAsync(address, 9310, "tcp-attach-backend-1", Infra);
        for (var i = 0; i < 100; i++)
        {
            var answer = await Layer4Probe.LineExchangeAsync(address, 9310);
            answer.Pod.Should().StartWith("tcp-attach-backend-1-", $"connection {i + 1} must reach the older route's backend");
        }
    }

    [Theory]
    [InlineData(9310)]
    [InlineData(9311)]
    [InlineData(9312)]
    [InlineData(9313)]
    public async Task AttachAll_EveryListenerCarriesTheRoute(int port)
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcp-route-attach-all", "tcp-attach-all-gateway", "Accepted", "True", "Accepted", "TCPRoute");
        await ExpectBackendAsync(await Gateway.AddressOfAsync("tcp-attach-all-gateway"), port, "tcp-echo-attach-all", Infra);
    }

    [Theory]
    [InlineData("tcp-route-by-port", 9300, "tcp-echo-one")]
    [InlineData("tcp-route-by-section", 9301, "tcp-echo-two")]
    [InlineData("tcp-route-by-section-and-port", 9302, "tcp-echo-three")]
    public async Task ParentRefPortAndSectionName_SelectTheListener(string route, int port, string backend)
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, route, "tcp-multi-listener-gateway", "Accepted", "True", "Accepted", "TCPRoute");
        await ExpectBackendAsync(await Gateway.AddressOfAsync("tcp-multi-listener-gateway"), port, backend, Infra);
    }

    [Fact]
    public async Task ReferenceGrant_AllowsTheCrossNamespaceBackend_UntilItIsDeleted()
    {
        const string gateway = "tcp-reference-grant-gateway";
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gateway, "TCPRoute", "tcp-reference-grant");
        await ExpectBackendAsync(await Gateway.AddressOfAsync(gateway), 9320, "tcp-reference-grant-backend", Web);

        const string manifest = "tcproute-reference-grant.yaml";
        var withoutGrant = string.Join("\n---\n", Gateway.ManifestText(manifest).Split("\n---\n").Where(d => !d.Contains("kind: ReferenceGrant", StringComparison.Ordinal)));
        Gateway.ReplaceManifest(manifest, withoutGrant);
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tcp-reference-grant", gateway, "ResolvedRefs", "False", "RefNotPermitted", "TCPRoute");
    }

    [Fact]
    public async Task WeightedBackends_SplitConnectionsByWeight_AndSkipWeightZero()
    {
        const string gateway = "tcp-weighted-gateway";
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gateway, "TCPRoute", "tcp-weighted-route");
        var address = await Gateway.AddressOfAsync(gateway);
        await ExpectBackendAsync(address, 9300, "tcp-backend-v", Infra);

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var pod = (await Layer4Probe.LineExchangeAsync(address, 9300)).Pod;
            counts[pod] = counts.GetValueOrDefault(pod) + 1;
        }

        counts.GetValueOrDefault("tcp-backend-v3-0").Should().Be(0, "weight 0 gets no connection");
        (counts.GetValueOrDefault("tcp-backend-v1-0") + counts.GetValueOrDefault("tcp-backend-v2-0")).Should().Be(400);
        counts.GetValueOrDefault("tcp-backend-v1-0").Should().BeInRange(240, 320, "70% of 400 is 280; the range is about four standard deviations");
    }

    /// <summary>Upstream MakeTCPRequestAndExpectEventuallyValidResponse over plain TCP: the named backend answers, not over TLS.</summary>
    private static async Task ExpectBackendAsync(string address, int port, string backend, string ns)
    {
        Layer4Probe.LineAnswer? answer = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                answer = await Layer4Probe.LineExchangeAsync(address, port);
                return answer.Pod.StartsWith(backend, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException
                or FluentAssertions.Execution.AssertionFailedException)
            {
                return false;
            }
        }, $"{address}:{port} reaches {backend}");

        answer!.Namespace.Should().Be(ns);
        answer.BackendIsTls.Should().BeFalse();
    }
}
