// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// Upstream v1.6.1 has no test for HTTPRouteRetryConnectionError or HTTPRouteRetryBackendTimeout (its main branch
/// added HTTPRouteRetryConnectionError and HTTPRouteRetryWithTimeouts later), so this route is ours: the same kinds of
/// rules as those tests, plus rules whose codes leave out 502 and 504, so that a reset or a timed-out try is retried
/// because the route has a retry stanza, not because a default code list happens to name it.
/// </summary>
public sealed class RetryNoAnswerFixture : ConformanceFixture
{
    public const string Route = "retry-without-answer";

    protected override string[] Manifests => [];

    protected override string[] ExtraDocuments =>
    [
        $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: {{Route}}
          namespace: {{ConformanceGateway.InfraNamespace}}
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path: {type: PathPrefix, value: /retry/reset-any-code}
            retry: {attempts: 3}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
          - matches:
            - path: {type: PathPrefix, value: /retry/reset-code-500}
            retry: {codes: [500], attempts: 3}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
          - matches:
            - path: {type: PathPrefix, value: /retry/backend-200ms-any-code}
            retry: {attempts: 2}
            timeouts: {backendRequest: 200ms}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
          - matches:
            - path: {type: PathPrefix, value: /retry/backend-200ms-code-500}
            retry: {codes: [500], attempts: 2}
            timeouts: {backendRequest: 200ms}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
          - matches:
            - path: {type: PathPrefix, value: /retry/request-400ms}
            retry: {codes: [500], attempts: 5}
            timeouts: {backendRequest: 200ms, request: 400ms}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        """,
    ];
}

/// <summary>
/// With a retry stanza, a try that gets no answer (the backend resets the connection, or backendRequest runs out) is
/// retried up to retry.attempts whatever retry.codes lists; timeouts.request bounds all tries together (504).
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("HTTPRouteRetryConnectionError")]
[ProvesFeature("HTTPRouteRetryBackendTimeout")]
public sealed class HTTPRouteRetryNoAnswerTests(RetryNoAnswerFixture fixture) : IClassFixture<RetryNoAnswerFixture>
{
    /// <remarks>
    /// A reset on every try ends in 502, as any backend failure without an answer does here. Upstream main's
    /// HTTPRouteRetryConnectionError (not in v1.6.1) accepts only 500 or 503 there; the API asks for "an error".
    /// </remarks>
    public static TheoryData<RetryCase> ConnectionErrors => new()
    {
        new("/retry/reset-any-code", "succeedAfter=2", 200),
        new("/retry/reset-any-code", "succeedAfter=4", 502),
        new("/retry/reset-code-500", "succeedAfter=3", 200),
        new("/retry/reset-code-500", "succeedAfter=4", 502),
    };

    public static TheoryData<RetryCase> Timeouts => new()
    {
        new("/retry/backend-200ms-any-code", "responseCode=500&succeedAfter=2&delayRetry=300ms", 200),
        new("/retry/backend-200ms-any-code", "responseCode=500&succeedAfter=3&delayRetry=300ms", 504),
        new("/retry/backend-200ms-code-500", "responseCode=503&succeedAfter=2&delayRetry=300ms", 200),
        new("/retry/backend-200ms-code-500", "responseCode=503&succeedAfter=3&delayRetry=300ms", 504),
        new("/retry/request-400ms", "responseCode=500&succeedAfter=1", 200),
        new("/retry/request-400ms", "responseCode=500&succeedAfter=4&delayRetry=100ms", 504),
    };

    [Fact]
    public async Task Route_IsAcceptedWithResolvedRefs()
    {
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, "same-namespace", RetryNoAnswerFixture.Route);
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, RetryNoAnswerFixture.Route, "same-namespace", "ResolvedRefs", "True", "ResolvedRefs");
    }

    [Theory]
    [MemberData(nameof(ConnectionErrors))]
    public Task ResetConnection_IsRetried_WhateverTheCodes(RetryCase request) => request.AssertAsync(fixture.Gateway);

    [Theory]
    [MemberData(nameof(Timeouts))]
    public Task TimedOutTry_IsRetried_WithinTheRequestTimeout(RetryCase request) => request.AssertAsync(fixture.Gateway);
}
