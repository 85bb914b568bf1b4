// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class BackendTlsPolicyFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "backendtlspolicy.yaml", "backendtlspolicy-invalid-kind.yaml", "backendtlspolicy-invalid-ca-certificate-ref.yaml",
        "backendtlspolicy-conflict-resolution.yaml", "backendtlspolicy-san.yaml",
    ];
}

/// <summary>
/// Upstream BackendTLSPolicy, BackendTLSPolicyInvalidKind, BackendTLSPolicyInvalidCACertificateRef and
/// BackendTLSPolicyConflictResolution, against an HTTPS echo server whose certificate (abc.example.com,
/// other.example.com, a SPIFFE URI) the harness CA in tls-checks-ca-certificate signed.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("BackendTLSPolicy")]
[ProvesFeature("BackendTLSPolicySANValidation")]
public sealed class BackendTLSPolicyConformanceTests(BackendTlsPolicyFixture fixture) : IClassFixture<BackendTlsPolicyFixture>
{
    private const string Gateway = "same-namespace";

    private Task PolicyAsync(string policy, string status, string acceptedReason, string resolvedReason, string gateway = Gateway) =>
        Task.WhenAll(
            GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, policy, gateway, "Accepted", status == "True" ? "True" : "False", acceptedReason),
            GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, policy, gateway, "ResolvedRefs", resolvedReason == "ResolvedRefs" ? "True" : "False", resolvedReason));

    [Fact]
    public async Task ValidPolicy_ReachesTheBackendOverTls_WithItsHostnameAsSni()
    {
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, Gateway, "backendtlspolicy");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "backendtlspolicy", Gateway, "ResolvedRefs", "True", "ResolvedRefs");
        await PolicyAsync("normative-test", "True", "Accepted", "ResolvedRefs");

        var response = await fixture.Gateway.SendAsync(Gateway, "abc.example.com", "/backendtlspolicy");

        response.StatusCode.Should().Be(200, response.Body);
        response.Echo!["sni"]!.GetValue<string>().Should().Be("abc.example.com");
        response.BackendPath.Should().Be("/backendtlspolicy");
    }

    [Fact]
    public async Task ValidPolicy_ReEncryptsFromAnHttpsListener()
    {
        const string https = "same-namespace-with-https-listener";
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, https, "backendtlspolicy-reencrypt");
        await PolicyAsync("normative-test", "True", "Accepted", "ResolvedRefs", https);

        var response = await fixture.Gateway.SendTlsAsync(https, "https-listener.org", "https-listener.org", "/backendtlspolicy");

        response.StatusCode.Should().Be(200, response.Body);
        var body = response.Body[response.Body.IndexOf('{', StringComparison.Ordinal)..(response.Body.LastIndexOf('}') + 1)]; // Chunked framing around it.
        JsonNode.Parse(body)!["sni"]!.GetValue<string>().Should().Be("abc.example.com");
    }

    [Theory]
    [InlineData("host-mismatch", "abc.example.org", "/backendtlspolicy-host-mismatch")]
    [InlineData("cert-mismatch", "abc.example.com", "/backendtlspolicy-cert-mismatch")]
    public async Task PolicyTheCertificateDoesNotSatisfy_IsAccepted_ButRequestsFail(string policy, string host, string path)
    {
        await PolicyAsync(policy, "True", "Accepted", "ResolvedRefs");

        var response = await fixture.Gateway.SendAsync(Gateway, host, path);

        response.StatusCode.Should().BeGreaterThanOrEqualTo(400, response.Body);
        response.Echo?["sni"].Should().BeNull("no request may reach the backend");
    }

    [Theory]
    [InlineData("invalid-kind", "InvalidKind", "/backendtlspolicy-invalid-kind")]
    [InlineData("nonexistent-ca-certificate-ref", "InvalidCACertificateRef", "/backendtlspolicy-nonexistent-ca-certificate-ref")]
    [InlineData("malformed-ca-certificate-ref", "InvalidCACertificateRef", "/backendtlspolicy-malformed-ca-certificate-ref")]
    public async Task PolicyWithoutAUsableCa_IsNotAccepted_AndRequestsGet5xx(string policy, string reason, string path)
    {
        await PolicyAsync(policy, "False", "NoValidCACertificate", reason);

        var response = await fixture.Gateway.SendAsync(Gateway, "abc.example.com", path);

        response.StatusCode.Should().BeOneOf([500, 502, 503], response.Body);
    }

    [Theory]
    [InlineData("conflicted-without-section-name-1", "conflicted-without-section-name-2", "/backendtlspolicy-conflicted-without-section-name", "other.example.com")]
    [InlineData("conflicted-with-section-name-1", "conflicted-with-section-name-2", "/backendtlspolicy-conflicted-with-section-name", "other.example.com")]
    public async Task ConflictingPolicies_TheFirstIsUsed_TheSecondIsConflicted(string first, string second, string path, string sni)
    {
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "backendtlspolicy-conflict-resolution", Gateway, "ResolvedRefs", "True", "ResolvedRefs");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, first, Gateway, "Accepted", "True", "Accepted");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, second, Gateway, "Accepted", "False", "Conflicted");

        var response = await fixture.Gateway.SendAsync(Gateway, "abc.example.com", path);

        response.StatusCode.Should().Be(200, response.Body);
        response.Echo!["sni"]!.GetValue<string>().Should().Be(sni);
    }

    [Theory]
    [InlineData("/backendtlspolicy-not-conflicted-with-section-name", "other.example.com")]
    [InlineData("/backendtlspolicy-not-conflicted-without-section-name", "abc.example.com")]
    public async Task PoliciesForAPortAndForTheWholeService_BothApply(string path, string sni)
    {
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, "not-conflicted-with-section-name", Gateway, "Accepted", "True", "Accepted");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, "not-conflicted-without-section-name", Gateway, "Accepted", "True", "Accepted");

        var response = await fixture.Gateway.SendAsync(Gateway, "abc.example.com", path);

        response.StatusCode.Should().Be(200, response.Body);
        response.Echo!["sni"]!.GetValue<string>().Should().Be(sni);
    }

    [Theory]
    [InlineData("san-dns", "/backendtlspolicy-san-dns", true)]
    [InlineData("san-dns-mismatch", "/backendtlspolicy-san-dns-mismatch", false)]
    [InlineData("san-uri", "/backendtlspolicy-san-uri", true)]
    [InlineData("san-uri-mismatch", "/backendtlspolicy-san-uri-mismatch", false)]
    [InlineData("multiple-sans", "/backendtlspolicy-multiple-sans", true)]
    [InlineData("multiple-mismatch-sans", "/backendtlspolicy-multiple-mismatch-sans", false)]
    public async Task SubjectAltNames_DecideWhichCertificatesAreTrusted(string policy, string path, bool served)
    {
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, Gateway, "backendtlspolicy-san-test");
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, "backendtlspolicy-san-test", Gateway, "ResolvedRefs", "True", "ResolvedRefs");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, policy, Gateway, "Accepted", "True", "Accepted");

        var response = await fixture.Gateway.SendAsync(Gateway, "abc.example.com", path);

        if (served)
        {
            response.StatusCode.Should().Be(200, response.Body);
            response.Echo!["sni"]!.GetValue<string>().Should().Be("abc.example.com");
        }
        else
        {
            response.StatusCode.Should().BeGreaterThanOrEqualTo(400, response.Body);
            response.Echo?["sni"].Should().BeNull("no request may reach the backend");
        }
    }
}

/// <summary>
/// Upstream BackendTLSPolicy (its CA ConfigMap reconciliation part) and BackendTLSPolicyObservedGenerationBump: edits to
/// a policy and to the ConfigMaps it names show in its status under the new generation.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("BackendTLSPolicy")]
public sealed class BackendTLSPolicyEditTests
{
    private const string Gateway = "same-namespace";
    private const string Manifest = "backendtlspolicy.yaml";

    [Fact]
    public async Task CaConfigMapChanges_AreReconciled()
    {
        await using var gateway = await ConformanceGateway.StartAsync(Manifest);
        const string policy = "reconcile-test";
        await ExpectAsync(gateway, policy, valid: true);
        var (_, caPem) = await ConformanceBackends.TlsBackendAsync();
        var original = gateway.ManifestText(Manifest);
        const string sharedRef = "      # This will point to a test-specific ConfigMap\n      name: \"tls-checks-ca-certificate\"";
        original.Should().Contain(sharedRef);
        var pointed = original.Replace(sharedRef, "      name: tls-checks-ca-certificate-reconcile-test", StringComparison.Ordinal);

        gateway.ReplaceManifest(Manifest, pointed);
        await ExpectAsync(gateway, policy, valid: false);

        gateway.ReplaceManifest(Manifest, Manifests.Join(pointed, TestCertificates.CaConfigMapYaml("tls-checks-ca-certificate-reconcile-test", caPem, ConformanceGateway.InfraNamespace)));
        await ExpectAsync(gateway, policy, valid: true);

        gateway.ReplaceManifest(Manifest, Manifests.Join(pointed,
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tls-checks-ca-certificate-reconcile-test\n  namespace: {ConformanceGateway.InfraNamespace}\ndata:\n  ca.crt: \"\"\n"));
        await ExpectAsync(gateway, policy, valid: false);

        gateway.ReplaceManifest(Manifest, Manifests.Join(pointed, TestCertificates.CaConfigMapYaml("tls-checks-ca-certificate-reconcile-test", caPem, ConformanceGateway.InfraNamespace)));
        await ExpectAsync(gateway, policy, valid: true);
        var response = await gateway.SendAsync(Gateway, "abc.example.com", "/backendtlspolicy-reconcile-test");
        response.StatusCode.Should().Be(200, response.Body);
    }

    [Fact]
    public async Task PolicyEdit_BumpsTheObservedGeneration()
    {
        const string bump = "backendtlspolicy-observed-generation-bump.yaml";
        await using var gateway = await ConformanceGateway.StartAsync(bump);
        await GatewayStatusChecks.NamespaceMustBeReadyAsync(gateway);
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(gateway, "observed-generation-bump", Gateway, "Accepted", "", "");
        var before = await GenerationAsync(gateway);

        var text = gateway.ManifestText(bump);
        var hostname = System.Text.RegularExpressions.Regex.Match(text, "hostname: \"?[a-z.]+\"?").Value;
        gateway.ReplaceManifest(bump, text.Replace(hostname, "hostname: foo.example.com", StringComparison.Ordinal));

        await Eventually.TrueAsync(async () => await GenerationAsync(gateway) != before, "the policy's generation changes");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(gateway, "observed-generation-bump", Gateway, "Accepted", "True", "");
    }

    private static async Task<long> GenerationAsync(ConformanceGateway gateway) =>
        (await GatewayStatusChecks.ObjectAsync(gateway, "BackendTLSPolicy", ConformanceGateway.InfraNamespace, "observed-generation-bump"))!["metadata"]!["generation"]!.GetValue<long>();

    private static Task ExpectAsync(ConformanceGateway gateway, string policy, bool valid) => Task.WhenAll(
        GatewayStatusChecks.PolicyMustHaveConditionAsync(gateway, policy, Gateway, "Accepted", valid ? "True" : "False", valid ? "Accepted" : "NoValidCACertificate"),
        GatewayStatusChecks.PolicyMustHaveConditionAsync(gateway, policy, Gateway, "ResolvedRefs", valid ? "True" : "False", valid ? "ResolvedRefs" : "InvalidCACertificateRef"));
}
