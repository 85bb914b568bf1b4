// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class GatewayValidationFixture : ConformanceFixture
{
    protected override string[] Manifests => ["gateway-invalid-listeners-unsupported-protocol.yaml", "gateway-invalid-parameters-ref.yaml"];
}

/// <summary>
/// Upstream GatewayListenerUnsupportedProtocol (a listener with an unknown protocol supports no route kind) and
/// GatewayInvalidParametersRef (spec.infrastructure.parametersRef naming nothing we know is not accepted).
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
public sealed class GatewayValidationTests(GatewayValidationFixture fixture) : IClassFixture<GatewayValidationFixture>
{
    [Theory]
    [InlineData("gateway-only-unsupported-protocols", "False", false)]
    [InlineData("gateway-supported-and-unsupported-protocols", "True", true)]
    public async Task Gateway_IsAcceptedOnlyWithAValidListener_AndAnUnsupportedProtocolSupportsNoKinds(string name, string accepted, bool withHttpListener)
    {
        var invalid = new ExpectedListener("invalid", [], 0, ("Accepted", "False", "UnsupportedProtocol"));
        var http = new ExpectedListener("http", ["HTTPRoute"], 0, ("Accepted", "True", "Accepted"));

        await GatewayStatusChecks.MustHaveLatestConditionsAsync(fixture.Gateway, name);
        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, name, "Accepted", accepted, "ListenersNotValid");
        await GatewayStatusChecks.MustHaveListenersAsync(fixture.Gateway, name, withHttpListener ? [http, invalid] : [invalid]);
    }

    [Fact]
    public async Task Gateway_WithUnknownParametersRef_IsNotAccepted_WithInvalidParameters()
    {
        const string name = "gateway-invalid-parameters-ref";
        await GatewayStatusChecks.MustHaveLatestConditionsAsync(fixture.Gateway, name);
        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, name, "Accepted", "False", "InvalidParameters");
    }
}
