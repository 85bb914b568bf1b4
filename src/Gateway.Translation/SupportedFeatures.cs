// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;

namespace Gateway.Translation;

/// <summary>
/// The Gateway API features this build passes our tests for. It is published in GatewayClass
/// status.supportedFeatures and the README lists the same names. Each one needs a test class marked
/// [ProvesFeature] for it (test/Gateway.EndToEnd.Tests/Conformance/FeatureProofTests.cs checks).
/// </summary>
public static class SupportedFeatures
{
    public static readonly ImmutableArray<string> Names =
    [
        "BackendTLSPolicy",
        "BackendTLSPolicySANValidation",
        "GRPCRoute",
        "GRPCRouteNamedRouteRule",
        "Gateway",
        "GatewayAddressEmpty",
        "GatewayBackendClientCertificate",
        "GatewayFrontendClientCertificateValidation",
        "GatewayFrontendClientCertificateValidationInsecureFallback",
        "GatewayHTTPListenerIsolation",
        "GatewayHTTPSListenerDetectMisdirectedRequests",
        "GatewayPort8080",
        "GatewayStaticAddresses",
        "HTTPRoute",
        "HTTPRoute303RedirectStatusCode",
        "HTTPRoute307RedirectStatusCode",
        "HTTPRoute308RedirectStatusCode",
        "HTTPRouteBackendProtocolH2C",
        "HTTPRouteBackendProtocolWebSocket",
        "HTTPRouteBackendRequestHeaderModification",
        "HTTPRouteBackendTimeout",
        "HTTPRouteCORS",
        "HTTPRouteDestinationPortMatching",
        "HTTPRouteHostRewrite",
        "HTTPRouteMethodMatching",
        "HTTPRouteNamedRouteRule",
        "HTTPRouteParentRefPort",
        "HTTPRoutePathRedirect",
        "HTTPRoutePathRewrite",
        "HTTPRoutePortRedirect",
        "HTTPRouteQueryParamMatching",
        "HTTPRouteRequestMirror",
        "HTTPRouteRequestMultipleMirrors",
        "HTTPRouteRequestPercentageMirror",
        "HTTPRouteRequestTimeout",
        "HTTPRouteResponseHeaderModification",
        "HTTPRouteRetry",
        "HTTPRouteRetryBackendTimeout",
        "HTTPRouteRetryConnectionError",
        "HTTPRouteSchemeRedirect",
        "ListenerSet",
        "ReferenceGrant",
        "TCPRoute",
        "TLSRoute",
    ];

    /// <summary>
    /// Claimed only where listeners bind spec.addresses themselves: with per-Gateway Services a requested address goes to
    /// the load balancer, and an address it cannot use looks the same as one not yet assigned.
    /// </summary>
    private static readonly ImmutableArray<string> _notWithGatewayServices = ["GatewayStaticAddresses"];

    /// <summary>What GatewayClass status publishes under these options.</summary>
    public static ImmutableArray<string> For(TranslatorOptions options) =>
        [.. Names.Where(n => options.Services is null || !_notWithGatewayServices.Contains(n)).Order(StringComparer.Ordinal)];

    internal static ImmutableArray<SupportedFeature> AsStatus(TranslatorOptions options) => [.. For(options).Select(n => new SupportedFeature { Name = n })];
}
