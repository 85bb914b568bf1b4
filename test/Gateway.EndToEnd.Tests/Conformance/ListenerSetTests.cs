// SPDX-License-Identifier: Apache-2.0
using static Gateway.EndToEnd.Tests.Conformance.ListenerSetStatusChecks;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class ListenerSetFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "listenerset-allowed-namespace-none.yaml", "listenerset-allowed-namespace-same.yaml", "listenerset-allowed-namespace-selector.yaml",
        "listenerset-allowed-routes-namespaces.yaml", "listenerset-allowed-routes-supported-kinds.yaml", "listenerset-default-not-allowed.yaml",
        "listenerset-dual-parentref-independence.yaml", "listenerset-gateway-parent-section-name-not-found.yaml",
        "listenerset-hostname-conflict.yaml", "listenerset-http-routing.yaml", "listenerset-protocol-conflict.yaml",
        "listenerset-reference-grant.yaml", "listenerset-route-status-scoped-to-parentref.yaml",
    ];
}

/// <summary>
/// Every upstream ListenerSet test of v1.6.1, one method each (named after it), with its status and traffic
/// assertions. The manifests carry no creationTimestamp, so ListenerSets of equal age are ordered by namespace/name.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("ListenerSet")]
public sealed class ListenerSetTests(ListenerSetFixture fixture) : IClassFixture<ListenerSetFixture>
{
    private const string Infra = ConformanceGateway.InfraNamespace;
    private static readonly string[] _httpRoute = ["HTTPRoute"];

    private ConformanceGateway Gateway => fixture.Gateway;

    private async Task GatewayAcceptedAsync(string gateway) =>
        await GatewayStatusChecks.MustHaveConditionAsync(Gateway, gateway, "Accepted", "True", "");

    private async Task NotAllowedAsync(string listenerSet, string ns)
    {
        await MustHaveConditionAsync(Gateway, listenerSet, "Accepted", "False", "NotAllowed", ns);
        await MustHaveConditionAsync(Gateway, listenerSet, "Programmed", "False", "NotAllowed", ns);
    }

    private async Task AcceptedAsync(string listenerSet, string ns, string acceptedReason = "Accepted")
    {
        await MustHaveConditionAsync(Gateway, listenerSet, "Accepted", "True", acceptedReason, ns);
        await MustHaveConditionAsync(Gateway, listenerSet, "Programmed", "True", "Programmed", ns);
    }

    private async Task ListenersNotValidAsync(string listenerSet, string ns = Infra)
    {
        await MustHaveConditionAsync(Gateway, listenerSet, "Accepted", "False", "ListenersNotValid", ns);
        await MustHaveConditionAsync(Gateway, listenerSet, "Programmed", "False", "ListenersNotValid", ns);
    }

    private static ExpectedListener Listener(string name, int attachedRoutes) => new(name, _httpRoute, attachedRoutes, AcceptedListener);

    private static (string, string, string)[] Conflicted(string reason) =>
        [("Accepted", "False", reason), ("Programmed", "False", reason), ("Conflicted", "True", reason)];

    [Fact]
    public async Task ListenerSetAllowedNamespaceNone()
    {
        const string gateway = "gateway-does-not-allow-listenerset";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 0);
        await NotAllowedAsync("listenerset-not-allowed", Infra);
    }

    [Fact]
    public async Task ListenerSetAllowedNamespaceSame()
    {
        const string gateway = "gateway-allows-listenerset-in-same-namespace";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 1);
        await AcceptedAsync("listenerset-in-same-namespace", Infra);
        await ListenersMustHaveConditionsAsync(Gateway, "listenerset-in-same-namespace", AcceptedListener, Infra, "listenerset-in-same-namespace-listener");
        await NotAllowedAsync("listenerset-in-different-namespace", "gateway-api-listenerset-not-allowed-ns");
    }

    [Fact]
    public async Task ListenerSetAllowedNamespaceSelector()
    {
        const string gateway = "gateway-allows-listenerset-in-selected-namespace";
        const string selected = "gateway-api-listenerset-selector-allowed-ns";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 1);
        await AcceptedAsync("listenerset-in-selected-namespace", selected);
        await ListenersMustHaveConditionsAsync(Gateway, "listenerset-in-selected-namespace", AcceptedListener, selected, "listenerset-in-selected-namespace-listener");
        await NotAllowedAsync("listenerset-not-in-selected-namespace", "gateway-api-listenerset-selector-not-allowed-ns");
    }

    [Fact]
    public async Task ListenerSetDefaultNotAllowed()
    {
        const string gateway = "gateway-default-does-not-allow-listenerset";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 0);
        await NotAllowedAsync("listenerset-default-not-allowed", Infra);
    }

    /// <summary>A TLS Passthrough listener asking for HTTPRoute: the kind is invalid for it.</summary>
    [Fact]
    public async Task ListenerSetAllowedRoutesSupportedKinds()
    {
        await GatewayAcceptedAsync("gateway-with-listener-sets-test-supported-route-kinds");
        await ListenersMustHaveConditionsAsync(Gateway, "listenerset-test-allowed-routes-supported-kinds",
            [("ResolvedRefs", "False", "InvalidRouteKinds")], Infra, "listener-set-listener-allowed-routes-tls-only");
    }

    public static TheoryData<RequestCase> AllowedRoutesNamespacesRequests => Requests("gateway-with-listener-sets-test-allowed-routes",
    [
        ("listener-set-listener-allowed-routes-all.com", "/route-in-same-namespace", "infra-backend-v1"),
        ("listener-set-listener-allowed-routes-all.com", "/route-in-selected-namespace", "infra-backend-v2"),
        ("listener-set-listener-allowed-routes-all.com", "/route-not-in-selected-namespace", "infra-backend-v3"),
        ("listener-set-listener-allowed-routes-same.com", "/route-in-same-namespace", "infra-backend-v1"),
        ("listener-set-listener-allowed-routes-same.com", "/route-in-selected-namespace", null),
        ("listener-set-listener-allowed-routes-same.com", "/route-not-in-selected-namespace", null),
        ("listener-set-listener-allowed-routes-selector.com", "/route-in-same-namespace", null),
        ("listener-set-listener-allowed-routes-selector.com", "/route-in-selected-namespace", "infra-backend-v2"),
        ("listener-set-listener-allowed-routes-selector.com", "/route-not-in-selected-namespace", null),
        // The cross-namespace ListenerSet: Same is its own namespace, not the Gateway's.
        ("listener-set-listener-allowed-routes-cross-ns-same.com", "/route-in-listenerset-namespace", "infra-backend-v1"),
        ("listener-set-listener-allowed-routes-cross-ns-same.com", "/route-in-gateway-namespace", null),
    ]);

    [Fact]
    public async Task ListenerSetAllowedRoutesNamespaces_Status()
    {
        const string gateway = "gateway-with-listener-sets-test-allowed-routes";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 2);

        // Same-namespace ListenerSet.
        const string same = "listenerset-test-allowed-routes-namespaces";
        await RoutesAndParentMustBeAcceptedAsync(Gateway, same, Infra,
            (Infra, "route-in-same-namespace"), ("gateway-api-routes-allowed-ns", "route-in-selected-namespace"),
            ("gateway-api-routes-not-allowed-ns", "route-not-in-selected-namespace"));
        await MustHaveListenersAsync(Gateway, same, Infra,
            Listener("listener-set-listener-allowed-routes-all", 3),
            Listener("listener-set-listener-allowed-routes-same", 1),
            Listener("listener-set-listener-allowed-routes-selector", 1));

        // Cross-namespace ListenerSet.
        const string crossNs = "gateway-api-ls-cross-ns";
        const string cross = "listenerset-test-allowed-routes-cross-ns";
        await RoutesAndParentMustBeAcceptedAsync(Gateway, cross, crossNs, (crossNs, "route-in-listenerset-namespace"));
        await RouteMustHaveParentConditionAsync(Gateway, "route-in-gateway-namespace", Infra, Kind, cross, crossNs,
            "Accepted", "False", "NotAllowedByListeners");
        await MustHaveListenersAsync(Gateway, cross, crossNs, Listener("listener-set-listener-allowed-routes-cross-ns-same", 1));
    }

    [Theory]
    [MemberData(nameof(AllowedRoutesNamespacesRequests))]
    public Task ListenerSetAllowedRoutesNamespaces_Traffic(RequestCase request) => request.AssertAsync(Gateway);

    public static TheoryData<RequestCase> DualParentRefRequests => Requests("gateway-dual-parentref",
    [
        ("gw-dual.com", "/dualboth", "infra-backend-v1"),
        ("ls-dual.com", "/dualboth", "infra-backend-v1"),
        ("ls-dual.com", "/dualone", "infra-backend-v2"),
        ("gw-dual.com", "/dualone", null),
    ]);

    [Fact]
    public async Task ListenerSetDualParentRefIndependence_Status()
    {
        const string gateway = "gateway-dual-parentref";
        const string listenerSet = "ls-dual-parentref";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 1);
        await MustHaveListenersAsync(Gateway, listenerSet, Infra, Listener("ls-dual-parentref-listener", 2));

        // Both parentRefs are Accepted.
        await RouteMustHaveParentConditionAsync(Gateway, "route-dual-parentref-both", Infra, "Gateway", gateway, Infra, "Accepted", "True", "");
        await RouteMustHaveParentConditionAsync(Gateway, "route-dual-parentref-both", Infra, Kind, listenerSet, Infra, "Accepted", "True", "");

        // One of two: the Gateway has no listener of that sectionName (it is the ListenerSet's).
        await RouteMustHaveParentConditionAsync(Gateway, "route-dual-parentref-one", Infra, "Gateway", gateway, Infra, "Accepted", "False", "NoMatchingParent");
        await RouteMustHaveParentConditionAsync(Gateway, "route-dual-parentref-one", Infra, Kind, listenerSet, Infra, "Accepted", "True", "");
        await RoutesAndParentMustBeAcceptedAsync(Gateway, listenerSet, Infra, (Infra, "route-dual-parentref-one"));
    }

    [Theory]
    [MemberData(nameof(DualParentRefRequests))]
    public Task ListenerSetDualParentRefIndependence_Traffic(RequestCase request) => request.AssertAsync(Gateway);

    [Fact]
    public async Task ListenerSetGatewayParentSectionNameNotFound()
    {
        const string gateway = "gateway-section-name";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 1);
        await RoutesAndParentMustBeAcceptedAsync(Gateway, "listenerset-section-name", Infra, (Infra, "route-via-listenerset"));
        await RouteMustHaveParentConditionAsync(Gateway, "route-via-gateway", Infra, "Gateway", gateway, Infra, "Accepted", "False", "NoMatchingParent");

        await new RequestCase("/goodsection", "infra-backend-v1") { Gateway = gateway, Host = "ls-section-name.com" }.AssertAsync(Gateway);
        await new RequestCase("/badsection", null, 404) { Gateway = gateway, Host = "gw-section.com" }.AssertAsync(Gateway);
    }

    [Theory]
    [InlineData("hostname", "HostnameConflict")]
    [InlineData("protocol", "ProtocolConflict")]
    public async Task ListenerSetHostnameConflict_And_ListenerSetProtocolConflict(string what, string reason)
    {
        var gateway = $"gateway-with-listenerset-{what}-conflict";
        var withGateway = $"{what}-conflict-with-gateway-listener";
        var withListenerSet = $"{what}-conflict-with-listener-set-listener";
        await GatewayAcceptedAsync(gateway);
        await GatewayStatusChecks.ListenerMustHaveConditionsAsync(Gateway, gateway, "gateway-listener", AcceptedListener);
        // The Gateway's own listener comes first, so it keeps the hostname and port.
        await GatewayStatusChecks.ListenerMustHaveConditionsAsync(Gateway, gateway, withGateway, AcceptedListener);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 2);

        // ...-with-gateway-1 keeps its other listeners, and is first (by name) to claim the ListenerSet-only one.
        var first = $"listenerset-with-{what}-conflict-with-gateway-1";
        await AcceptedAsync(first, Infra, "");
        await ListenersMustHaveConditionsAsync(Gateway, first, AcceptedListener, Infra, "listener-set-1-listener");
        await ListenersMustHaveConditionsAsync(Gateway, first, Conflicted(reason), Infra, withGateway);
        await ListenersMustHaveConditionsAsync(Gateway, first, AcceptedListener, Infra, withListenerSet);

        var onlyConflicted = $"listenerset-with-{what}-conflict-with-gateway-2";
        await ListenersNotValidAsync(onlyConflicted);
        await ListenersMustHaveConditionsAsync(Gateway, onlyConflicted, Conflicted(reason), Infra, withGateway);

        var second = $"listenerset-with-{what}-conflict-with-listener-set-1";
        await AcceptedAsync(second, Infra, "");
        await ListenersMustHaveConditionsAsync(Gateway, second, AcceptedListener, Infra, "listener-set-2-listener");
        await ListenersMustHaveConditionsAsync(Gateway, second, Conflicted(reason), Infra, withListenerSet);

        var secondOnlyConflicted = $"listenerset-with-{what}-conflict-with-listener-set-2";
        await ListenersNotValidAsync(secondOnlyConflicted);
        await ListenersMustHaveConditionsAsync(Gateway, secondOnlyConflicted, Conflicted(reason), Infra, withListenerSet);
    }

    private const string RoutingGateway = "gateway-with-listener-sets-http-routing";

    public static TheoryData<RequestCase> HttpRoutingRequests
    {
        get
        {
            string[] hosts =
            [
                "gateway-listener-1.com", "gateway-listener-2.com", "listener-set-http-routing-1-listener-1.com",
                "listener-set-http-routing-1-listener-2.com", "listener-set-http-routing-2-listener-1.com", "listener-set-http-routing-2-listener-2.com",
            ];

            // Which hosts (indices into hosts) serve each path, and from which backend.
            (string Path, string Backend, int[] Hosts)[] routes =
            [
                ("/route", "infra-backend-v1", [0, 1, 2, 3, 4, 5]),
                ("/gateway-route", "infra-backend-v2", [0, 1]),
                ("/gateway-section-route", "infra-backend-v3", [0]),
                ("/listener-set-http-routing-1-route", "infra-backend-v2", [2, 3]),
                ("/listener-set-http-routing-1-section-route", "infra-backend-v3", [2]),
                ("/listener-set-http-routing-2-route", "infra-backend-v2", [4, 5]),
            ];
            return Requests(RoutingGateway,
                [.. routes.SelectMany(r => hosts.Select((host, i) => (host, r.Path, r.Hosts.Contains(i) ? r.Backend : null)))]);
        }
    }

    [Fact]
    public async Task ListenerSetHTTPRouting_Status()
    {
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(Gateway, RoutingGateway, "attaches-to-all-listeners", "gateway-route", "gateway-section-route");
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, RoutingGateway, 2);

        await RoutesAndParentMustBeAcceptedAsync(Gateway, "listener-set-http-routing-1", Infra,
            (Infra, "attaches-to-all-listeners"), (Infra, "listener-set-http-routing-1-route"), (Infra, "listener-set-http-routing-1-section-route"));
        await MustHaveListenersAsync(Gateway, "listener-set-http-routing-1", Infra,
            Listener("listener-set-http-routing-1-listener-1", 3), Listener("listener-set-http-routing-1-listener-2", 2));

        await RoutesAndParentMustBeAcceptedAsync(Gateway, "listener-set-http-routing-2", Infra,
            (Infra, "attaches-to-all-listeners"), (Infra, "listener-set-http-routing-2-route"));
        await MustHaveListenersAsync(Gateway, "listener-set-http-routing-2", Infra,
            Listener("listener-set-http-routing-2-listener-1", 2), Listener("listener-set-http-routing-2-listener-2", 2));
    }

    [Theory]
    [MemberData(nameof(HttpRoutingRequests))]
    public Task ListenerSetHTTPRouting_Traffic(RequestCase request) => request.AssertAsync(Gateway);

    [Fact]
    public async Task ListenerSetReferenceGrant()
    {
        await GatewayAcceptedAsync("gateway-with-listener-sets-test-reference-grant");

        const string granted = "listenerset-with-reference-grant";
        await MustHaveConditionAsync(Gateway, granted, "Accepted", "True", "");
        await MustHaveConditionAsync(Gateway, granted, "Programmed", "True", "");
        await ListenersMustHaveConditionsAsync(Gateway, granted, [("ResolvedRefs", "True", "")], Infra, "listenerset-with-reference-grant-listener");

        // The grant for Gateways from gateway-conformance-infra does not extend to this ListenerSet.
        const string ungrantedNs = "gateway-api-listener-sets-test-reference-grant-ns";
        await ListenersNotValidAsync("listenerset-without-reference-grant", ungrantedNs);
        await ListenersMustHaveConditionsAsync(Gateway, "listenerset-without-reference-grant", [("ResolvedRefs", "False", "RefNotPermitted")],
            ungrantedNs, "listenerset-without-reference-grant-listener");
    }

    /// <summary>Beyond upstream: the granted certificate is served on the ListenerSet's hostname.</summary>
    [Fact]
    public async Task ListenerSetReferenceGrant_GrantedListenerServesTls()
    {
        await ListenersMustHaveConditionsAsync(Gateway, "listenerset-with-reference-grant", AcceptedListener, Infra);
        const string host = "listenerset-with-reference-grant-listener.com";

        var response = await Gateway.SendTlsAsync("gateway-with-listener-sets-test-reference-grant", host, host, "/");

        response.StatusCode.Should().Be(404, "the handshake succeeds and no route is attached: " + response.Body);
    }

    [Fact]
    public async Task ListenerSetRouteStatusScopedToParentRef()
    {
        const string gateway = "gateway-parentref";
        const string listenerSet = "listenerset-parentref";
        await GatewayAcceptedAsync(gateway);
        await GatewayMustHaveAttachedListenerSetsAsync(Gateway, gateway, 1);
        await MustHaveListenersAsync(Gateway, listenerSet, Infra, Listener("listenerset-parentref-listener", 1));

        // Gateway-only parentRef.
        await RouteMustHaveParentConditionAsync(Gateway, "route-parentref-gwonly", Infra, "Gateway", gateway, Infra, "Accepted", "True", "");
        await RouteMustHaveOnlyParentAsync(Gateway, "route-parentref-gwonly", "Gateway", gateway);

        // ListenerSet-only parentRef.
        await RoutesAndParentMustBeAcceptedAsync(Gateway, listenerSet, Infra, (Infra, "route-parentref-lsonly"));
        await RouteMustHaveOnlyParentAsync(Gateway, "route-parentref-lsonly", Kind, listenerSet);
    }

    private static TheoryData<RequestCase> Requests(string gateway, (string Host, string Path, string? Backend)[] cases)
    {
        var data = new TheoryData<RequestCase>();
        foreach (var (host, path, backend) in cases)
        {
            data.Add(new RequestCase(path, backend, backend is null ? 404 : 200) { Gateway = gateway, Host = host });
        }

        return data;
    }
}
