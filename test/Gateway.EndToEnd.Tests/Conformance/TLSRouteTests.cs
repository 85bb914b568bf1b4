// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.EndToEnd.Tests.Layer4;
using Gateway.Model.GatewayApi;
using Gateway.Sources.Files;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class TlsRouteFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "tlsroute-simple-same-namespace.yaml", "tlsroute-hostname-intersection.yaml", "tlsroute-invalid-backendref-nonexistent.yaml",
        "tlsroute-invalid-backendref-unknown-kind.yaml", "tlsroute-invalid-no-matching-listener-hostname.yaml",
        "tlsroute-invalid-no-matching-listener.yaml", "tlsroute-listener-passthrough-supported-kinds.yaml",
        "tlsroute-listener-terminate-not-supported.yaml",
    ];
}

/// <summary>Its route has the name of tlsroute-simple-same-namespace's, so it gets a gateway of its own.</summary>
public sealed class TlsRouteReferenceGrantFixture : ConformanceFixture
{
    protected override string[] Manifests => ["tlsroute-invalid-reference-grant.yaml"];
}

/// <summary>
/// Upstream's TLSRoute tests of v1.6.1 for TLS listeners in Passthrough mode: TLSRouteSimpleSameNamespace,
/// TLSRouteHostnameIntersection, TLSRouteInvalidBackendRefNonexistent, TLSRouteInvalidBackendRefUnknownKind,
/// TLSRouteInvalidNoMatchingListenerHostname, TLSRouteInvalidNoMatchingListener, TLSRouteListenerPassthroughSupportedKinds,
/// TLSRouteListenerTerminateNotSupported (we do not claim TLSRouteModeTerminate). Clients are real TLS clients; the
/// backends terminate TLS themselves and say which of them answered, so passing means the gateway relayed the
/// handshake untouched (the client checks the backend's certificate against the backend's CA).
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("TLSRoute")]
public sealed class TLSRouteTests(TlsRouteFixture fixture) : IClassFixture<TlsRouteFixture>
{
    private const string Infra = ConformanceGateway.InfraNamespace;

    private ConformanceGateway Gateway => fixture.Gateway;

    [Fact]
    public async Task SimpleSameNamespace_ReachesTheTlsPortOfTcpBackend_WithTheClientsServerName()
    {
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, "gateway-tlsroute", "TLSRoute", "gateway-conformance-infra-test");
        var address = await Gateway.AddressOfAsync("gateway-tlsroute");
        var (_, ca) = await ConformanceBackends.TlsBackendAsync();

        Layer4Probe.LineAnswer? answer = null;
        await Eventually.TrueAsync(async () =>
        {
            answer = await TryAsync(() => Layer4Probe.LineExchangeAsync(address, 443, "abc.example.com", ca));
            return answer is not null;
        }, "a TLS client reaches tcp-backend through the passthrough listener");

        answer!.BackendIsTls.Should().BeTrue("passthrough hands the TLS connection to a TLS backend");
        answer.Pod.Should().StartWith("tcp-backend-");
        answer.Namespace.Should().Be(Infra);
        answer.ServerName.Should().Be("abc.example.com", "the backend sees the client's own ClientHello");
    }

    [Theory]
    [InlineData("gw-tlsroute-exact-hostname-x-1", "non.matching.com", false, "tlsroute-more-specific-wc-hostname-x-1")]
    [InlineData("gw-tlsroute-more-specific-wc-hostname-x-2", "non.matching.com", true, "tlsroute-exact-hostname-x-2", "tlsroute-less-specific-wc-hostname-x-2")]
    [InlineData("gw-tlsroute-less-specific-wc-hostname-x-3", "non.matching.com", true, "tlsroute-exact-hostname-x-3", "tlsroute-more-specific-wc-hostname-x-3")]
    [InlineData("gw-tlsroute-empty-hostname-x-4", "non.matching.org", true, "tlsroute-exact-hostname-x-4", "tlsroute-less-specific-wc-hostname-x-4")]
    public async Task HostnameIntersection_ExactBeatsWildcard_AndOtherNamesAreRefused(string gatewayName, string refused, bool wildcardRoute, params string[] routes)
    {
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gatewayName, "TLSRoute", routes);
        foreach (var route in routes)
        {
            await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, route, gatewayName, "ResolvedRefs", "True", "ResolvedRefs", "TLSRoute");
        }

        var address = await Gateway.AddressOfAsync(gatewayName);
        await ExpectHttpsBackendAsync(address, "abc.example.com", "tls-backend");
        if (wildcardRoute)
        {
            await ExpectHttpsBackendAsync(address, "other.example.com", "tls-backend-2");
        }

        await Eventually.TrueAsync(() => Layer4Probe.TlsIsRejectedAsync(address, 443, refused), $"{refused} is refused on {gatewayName}");
    }

    [Theory]
    [InlineData("tlsroute-invalid-backendref-nonexistent.yaml", "invalid-backend-ref-nonexistent", "gateway-tlsroute-invalid-backend-ref-nonexistent", "BackendNotFound")]
    [InlineData("tlsroute-invalid-backendref-unknown-kind.yaml", "invalid-backend-ref-unknown-kind", "gateway-tlsroute-invalid-backend-ref-unknown-kind", "InvalidKind")]
    public async Task InvalidBackendRef_IsUnresolved_AndItsConnectionsAreRefused(string manifest, string route, string gatewayName, string reason)
    {
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(Gateway, gatewayName, "TLSRoute", route);
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, route, gatewayName, "ResolvedRefs", "False", reason, "TLSRoute");

        var hostname = ManifestLoader.Load(manifest, Gateway.ManifestText(manifest)).Objects.Select(o => o.Object).OfType<V1TLSRoute>()
            .Single(r => r.Metadata.Name == route).Spec.Hostnames[0];
        var address = await Gateway.AddressOfAsync(gatewayName);
        await Eventually.TrueAsync(() => Layer4Probe.TlsIsRejectedAsync(address, 443, hostname), $"{hostname} is refused");
    }

    [Fact]
    public async Task NoMatchingListenerHostname_RoutesAreNotAccepted_AndNothingAttaches()
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tlsroute-hostname-mismatch-1", "gateway-tls-exact-hostname",
            "Accepted", "False", "NoMatchingListenerHostname", "TLSRoute");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tlsroute-hostname-mismatch-2", "gateway-tls-wildcard-hostname",
            "Accepted", "False", "NoMatchingListenerHostname", "TLSRoute");
        await GatewayStatusChecks.RouteMustHaveNoAcceptedParentsAsync(Gateway, "TLSRoute", "tlsroute-hostname-mismatch-1");
        await GatewayStatusChecks.RouteMustHaveNoAcceptedParentsAsync(Gateway, "TLSRoute", "tlsroute-hostname-mismatch-2");
        await GatewayStatusChecks.MustHaveZeroRoutesAsync(Gateway, "gateway-tls-exact-hostname");
        await GatewayStatusChecks.MustHaveZeroRoutesAsync(Gateway, "gateway-tls-wildcard-hostname");
    }

    [Fact]
    public async Task NoMatchingListener_HttpAndHttpsListenersRefuseTLSRoutes_AndAnUnknownSectionIsNoParent()
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tlsroute-not-allowed-protocol-http", "gateway-tlsroute-http-only",
            "Accepted", "False", "NotAllowedByListeners", "TLSRoute");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tlsroute-not-allowed-protocol-https", "gateway-tlsroute-https-only",
            "Accepted", "False", "NotAllowedByListeners", "TLSRoute");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(Gateway, "tlsroute-no-matching-section-name", "gateway-tlsroute-tls-passthrough-only",
            "Accepted", "False", "NoMatchingParent", "TLSRoute");
        foreach (var route in new[] { "tlsroute-not-allowed-protocol-http", "tlsroute-not-allowed-protocol-https", "tlsroute-no-matching-section-name" })
        {
            await GatewayStatusChecks.RouteMustHaveNoAcceptedParentsAsync(Gateway, "TLSRoute", route);
        }

        await GatewayStatusChecks.MustHaveZeroRoutesAsync(Gateway, "gateway-tlsroute-http-only");
        await GatewayStatusChecks.MustHaveZeroRoutesAsync(Gateway, "gateway-tlsroute-https-only");
    }

    [Fact]
    public async Task PassthroughListener_SupportsOnlyTLSRoute_AndReportsTCPRouteAsAnInvalidKind()
    {
        var status = await GatewayStatusChecks.MustHaveListenersAsync(Gateway, "gateway-tlsroute-passthrough-supported-kind",
            new ExpectedListener("tls-passthrough", ["TLSRoute"], 0, ("ResolvedRefs", "False", "InvalidRouteKinds")));

        var kinds = status["status"]!["listeners"]![0]!["supportedKinds"]!.AsArray();
        kinds.Select(k => k!["kind"]!.GetValue<string>()).Should().Equal("TLSRoute");
    }

    [Fact]
    public Task TerminateListener_IsNotAccepted_WithUnsupportedValue() =>
        GatewayStatusChecks.MustHaveListenersAsync(Gateway, "gateway-tlsroute-terminate-unsupported",
            new ExpectedListener("tls-terminate", [], 0, ("Accepted", "False", "UnsupportedValue")));

    /// <summary>An HTTPS request through the passthrough listener: the named backend answers, with its own certificate.</summary>
    private static async Task ExpectHttpsBackendAsync(string address, string serverName, string backend)
    {
        TlsProbe.Result? result = null;
        await Eventually.TrueAsync(async () =>
        {
            result = await TryAsync(() => TlsProbe.GetAsync(address, 443, serverName, serverName, "/"));
            return result is { StatusCode: 200 } && EchoOf(result)["backend"]?.GetValue<string>() == $"{Infra}/{backend}";
        }, $"{serverName} reaches {backend} on {address}");

        var echo = EchoOf(result!);
        echo["sni"]!.GetValue<string>().Should().Be(serverName);
        echo["host"]!.GetValue<string>().Should().Be(serverName);
        result!.CertificateSubject.Should().Be("CN=abc.example.com", "the client sees the backend's certificate, not one of the gateway's");
    }

    /// <summary>The echo's JSON: the probe reads the raw body, which may come in one chunk.</summary>
    private static JsonNode EchoOf(TlsProbe.Result result) =>
        JsonNode.Parse(result.Body[result.Body.IndexOf('{', StringComparison.Ordinal)..(result.Body.LastIndexOf('}') + 1)])!;

    private static async Task<T?> TryAsync<T>(Func<Task<T>> attempt)
        where T : class
    {
        try
        {
            return await attempt();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
            or OperationCanceledException or FluentAssertions.Execution.AssertionFailedException)
        {
            return null;
        }
    }
}

/// <summary>Upstream TLSRouteInvalidReferenceGrant: a backend in another namespace without a ReferenceGrant that covers it.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("TLSRoute")]
[ProvesFeature("ReferenceGrant")]
public sealed class TLSRouteReferenceGrantTests(TlsRouteReferenceGrantFixture fixture) : IClassFixture<TlsRouteReferenceGrantFixture>
{
    [Fact]
    public async Task CrossNamespaceBackend_WithoutAMatchingGrant_IsRefNotPermitted()
    {
        await GatewayStatusChecks.GatewayAndRoutesOfKindMustBeAcceptedAsync(fixture.Gateway, "gateway-tlsroute-referencegrant", "TLSRoute",
            "gateway-conformance-infra-test");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "gateway-conformance-infra-test", "gateway-tlsroute-referencegrant",
            "ResolvedRefs", "False", "RefNotPermitted", "TLSRoute");
    }
}
