// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class InfrastructureFixture : ConformanceFixture
{
    protected override string[] Manifests => ["gateway-infrastructure.yaml"];
}

/// <summary>
/// The upstream GatewayInfrastructure manifest in file mode: the Gateway is accepted, and the listeners it makes carry
/// its spec.infrastructure labels and annotations in /config. GatewayInfrastructurePropagation is not claimed: the
/// upstream test looks for a labelled ServiceAccount, Pod or Service in the Gateway's own namespace, and in a cluster
/// ours is in the controller's namespace (see README, Supported features).
/// </summary>
[Trait("Category", "Conformance")]
public sealed class GatewayInfrastructureTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private const string Gateway = "gateway-with-infrastructure-metadata";

    [Fact]
    public Task Gateway_IsAccepted() =>
        GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, Gateway, "Accepted", "True", "");

    [Fact]
    public async Task Listeners_CarryTheInfrastructureMetadata_InConfig()
    {
        await GatewayStatusChecks.MustHaveLatestConditionsAsync(fixture.Gateway, Gateway);
        var config = JsonNode.Parse(await fixture.Gateway.Gateway.GetStringAsync($"{fixture.Gateway.Gateway.Admin}config"))!;

        var listeners = config["listeners"]!.AsArray().Where(l => l!["gateway"]!.GetValue<string>() == $"{ConformanceGateway.InfraNamespace}/{Gateway}").ToList();

        listeners.Should().NotBeEmpty();
        listeners.Should().AllSatisfy(l =>
        {
            l!["infrastructure"]!["labels"]!["key2"]!.GetValue<string>().Should().Be("value2");
            l["infrastructure"]!["annotations"]!["key1"]!.GetValue<string>().Should().Be("value1");
        });
    }
}
