// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class ListenerStatusFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "gateway-invalid-route-kind.yaml", "gateway-invalid-tls-configuration.yaml", "gateway-with-attached-routes.yaml",
        "gateway-with-attached-routes-with-port-8080.yaml", "gateway-secret-reference-grant-all-in-namespace.yaml",
    ];
}

/// <summary>
/// Upstream GatewayInvalidRouteKind, GatewayInvalidTLSConfiguration, GatewayWithAttachedRoutes(WithPort8080) and
/// GatewaySecretReferenceGrantAllInNamespace: listener status (supportedKinds, conditions, attachedRoutes) as they assert it.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("GatewayPort8080")]
[ProvesFeature("ReferenceGrant")]
public sealed class GatewayListenerStatusTests(ListenerStatusFixture fixture) : IClassFixture<ListenerStatusFixture>
{
    private static readonly (string, string, string) _accepted = ("Accepted", "True", "");
    private static readonly (string, string, string) _resolved = ("ResolvedRefs", "True", "");

    [Theory]
    [InlineData("gateway-only-invalid-route-kind", false)]
    [InlineData("gateway-supported-and-invalid-route-kind", true)]
    public Task InvalidRouteKinds_AreUnresolved_AndOnlyHTTPRouteIsSupported(string gateway, bool supportsHttpRoute) =>
        GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, gateway,
            new ExpectedListener("http", supportsHttpRoute ? ["HTTPRoute"] : [], 0, ("ResolvedRefs", "False", "InvalidRouteKinds")));

    [Theory]
    [InlineData("gateway-certificate-nonexistent-secret")]
    [InlineData("gateway-certificate-unsupported-group")]
    [InlineData("gateway-certificate-unsupported-kind")]
    [InlineData("gateway-certificate-malformed-secret")]
    public Task UnusableCertificate_IsAnInvalidCertificateRef(string gateway) =>
        GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, gateway,
            new ExpectedListener("https", ["HTTPRoute"], 0, ("ResolvedRefs", "False", "InvalidCertificateRef")));

    [Fact]
    public async Task AttachedRoutes_AreCounted_AndAForeignHostnameIsNotAccepted()
    {
        await GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, "gateway-with-one-attached-route",
            new ExpectedListener("http", ["HTTPRoute"], 1, _accepted, _resolved));
        await GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, "gateway-with-two-attached-routes",
            new ExpectedListener("http", ["HTTPRoute"], 2, _accepted, _resolved));
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "http-route-not-accepted", "gateway-with-two-attached-routes",
            "Accepted", "False", "NoMatchingListenerHostname");
    }

    [Fact]
    public async Task AttachedRoutes_AreCounted_EvenWhenTheListenerHasUnresolvedRefs()
    {
        const string gateway = "unresolved-gateway-with-one-attached-unresolved-route";
        await GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, gateway,
            new ExpectedListener("tls", ["HTTPRoute"], 1, ("Programmed", "False", ""), ("ResolvedRefs", "False", "")));
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "http-route-4", gateway, "ResolvedRefs", "False", "");
    }

    [Fact]
    public Task AttachedRoutes_AreCountedPerSectionName_OnPort8080() =>
        GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, "gateway-with-two-listeners-and-one-attached-route",
            new ExpectedListener("http-unattached", ["HTTPRoute"], 0, _accepted, _resolved),
            new ExpectedListener("http", ["HTTPRoute"], 1, _accepted, _resolved));

    [Fact]
    public Task SecretGrantedToAllGatewaysInANamespace_IsResolvedAndProgrammed() =>
        GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, "gateway-secret-reference-grant-all-in-namespace",
            new ExpectedListener("https", ["HTTPRoute"], 0, ("Programmed", "True", "Programmed"), _resolved));
}

/// <summary>
/// Upstream GatewayModifyListeners, GatewayObservedGenerationBump and GatewayClassObservedGenerationBump: edits to a
/// Gateway's listeners or a GatewayClass show in status under the new generation.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
public sealed class GatewayModificationTests
{
    private const string Listeners = "gateway-modify-listeners.yaml";
    private static readonly (string, string, string) _accepted = ("Accepted", "True", "");
    private static readonly (string, string, string) _resolved = ("ResolvedRefs", "True", "");

    [Fact]
    public async Task AddedListener_GetsItsRoute_AndRemovedListenerIsGone()
    {
        await using var gateway = await ConformanceGateway.StartAsync(Listeners);
        await GatewayStatusChecks.NamespaceMustBeReadyAsync(gateway);
        var addBefore = Generation(await GatewayStatusChecks.MustHaveLatestConditionsAsync(gateway, "gateway-add-listener"));
        var removeBefore = Generation(await GatewayStatusChecks.MustHaveLatestConditionsAsync(gateway, "gateway-remove-listener"));

        // gateway-add-listener gains an HTTP listener; gateway-remove-listener loses its HTTPS one.
        const string addAfter = "        namespace: gateway-conformance-infra\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: http-route-1\n";
        var manifest = gateway.ManifestText(Listeners);
        manifest.Should().Contain(addAfter);
        manifest = manifest.Replace(addAfter, addAfter.Replace("---\n",
            "  - name: http\n    port: 80\n    protocol: HTTP\n    hostname: data.test.com\n    allowedRoutes:\n      namespaces:\n        from: All\n---\n",
            StringComparison.Ordinal), StringComparison.Ordinal);
        var https = manifest.IndexOf("  - name: https\n", manifest.IndexOf("name: gateway-remove-listener", StringComparison.Ordinal), StringComparison.Ordinal);
        var http = manifest.IndexOf("  - name: http\n", https, StringComparison.Ordinal);
        gateway.ReplaceManifest(Listeners, manifest[..https] + manifest[http..]);

        await GatewayStatusChecks.NamespaceMustBeReadyAsync(gateway);
        var added = await GatewayStatusChecks.MustHaveListenersAsync(gateway, "gateway-add-listener",
            new ExpectedListener("https", ["HTTPRoute"], 1, _accepted, _resolved),
            new ExpectedListener("http", ["HTTPRoute"], 1, _accepted, _resolved));
        Generation(added).Should().NotBe(addBefore);
        var removed = await GatewayStatusChecks.MustHaveListenersAsync(gateway, "gateway-remove-listener",
            new ExpectedListener("http", ["HTTPRoute"], 1, _accepted, _resolved));
        Generation(removed).Should().NotBe(removeBefore);
    }

    [Fact]
    public async Task GatewayAndGatewayClassEdits_BumpTheObservedGeneration()
    {
        const string gatewayManifest = "gateway-observed-generation-bump.yaml";
        const string classManifest = "gatewayclass-observed-generation-bump.yaml";
        const string gatewayName = "gateway-observed-generation-bump";
        const string className = "gatewayclass-observed-generation-bump";
        await using var gateway = await ConformanceGateway.StartAsync(new ConformanceSetup
        {
            Manifests = [gatewayManifest, classManifest],
            Rewrite = m => m.Replace("{GATEWAY_CONTROLLER_NAME}", Translation.TranslatorOptions.DefaultControllerName, StringComparison.Ordinal),
        });
        await GatewayStatusChecks.NamespaceMustBeReadyAsync(gateway);
        var gatewayBefore = Generation(await GatewayStatusChecks.MustHaveLatestConditionsAsync(gateway, gatewayName));
        var classBefore = Generation(await GatewayStatusChecks.ClassMustHaveLatestConditionsAsync(gateway, className));

        gateway.ReplaceManifest(gatewayManifest, gateway.ManifestText(gatewayManifest).TrimEnd()
            + "\n    - name: alternate\n      hostname: foo.com\n      port: 80\n      protocol: HTTP\n      allowedRoutes:\n        namespaces:\n          from: All\n");
        gateway.ReplaceManifest(classManifest, gateway.ManifestText(classManifest).Replace("description: \"old\"", "description: \"new\"", StringComparison.Ordinal));

        await Eventually.TrueAsync(async () => Generation(await GatewayStatusChecks.MustHaveLatestConditionsAsync(gateway, gatewayName)) != gatewayBefore,
            "the Gateway's conditions carry its new generation");
        await GatewayStatusChecks.NamespaceMustBeReadyAsync(gateway);
        await Eventually.TrueAsync(async () => Generation(await GatewayStatusChecks.ClassMustHaveLatestConditionsAsync(gateway, className)) != classBefore,
            "the GatewayClass's conditions carry its new generation");
    }

    private static long Generation(System.Text.Json.Nodes.JsonNode item) => item["metadata"]!["generation"]!.GetValue<long>();
}
