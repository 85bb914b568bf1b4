// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// Upstream GatewayStaticAddresses: an address of a type we do not support makes the Gateway not accepted, an address
/// we cannot use makes it not programmed, and once only the usable one is left it is served and is all status reports.
/// With --gateway-addresses the usable addresses are the range's; without it, the addresses of this machine.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayStaticAddresses")]
public sealed class GatewayStaticAddressesTests
{
    private const string Manifest = "gateway-static-addresses.yaml";
    private const string Name = "gateway-static-addresses";
    private const string Invalid = "  - type: \"test/fake-invalid-type\"\n    value: \"fake address teehee!\"\n";

    [Fact]
    public async Task WithAddressRange_OnlyAnAddressInTheRangeIsUsable()
    {
        await using var gateway = await StartAsync(addressPool: true, usable: null, unusable: "127.38.1.1");

        await RunAsync(gateway, gateway.PoolAddress(150), "127.38.1.1");
    }

    [Fact]
    public async Task WithoutAddressRange_OnlyAnAddressOfThisMachineIsUsable()
    {
        // 127.0.0.0/8 is this machine's on Linux; 192.0.2.0/24 (TEST-NET-1) is no machine's.
        await using var gateway = await StartAsync(addressPool: false, usable: "127.39.0.1", unusable: "192.0.2.1");

        await RunAsync(gateway, "127.39.0.1", "192.0.2.1");
    }

    private static Task<ConformanceGateway> StartAsync(bool addressPool, string? usable, string unusable) =>
        ConformanceGateway.StartAsync(new ConformanceSetup
        {
            Manifests = [Manifest],
            BaseManifests = false,
            AddressPool = addressPool,
            Rewrite = m => m
                .Replace("- value: \"PLACEHOLDER_UNUSABLE_ADDRS\"", $"- type: IPAddress\n    value: \"{unusable}\"", StringComparison.Ordinal)
                .Replace("\"PLACEHOLDER_USABLE_ADDRS\"", usable ?? "PLACEHOLDER_USABLE_ADDRS", StringComparison.Ordinal),
        });

    private static async Task RunAsync(ConformanceGateway gateway, string usable, string unusable)
    {
        var manifest = gateway.ManifestText(Manifest).Replace("PLACEHOLDER_USABLE_ADDRS", usable, StringComparison.Ordinal)
            .Replace($"- value: {usable}", $"- type: IPAddress\n    value: \"{usable}\"", StringComparison.Ordinal);
        gateway.ReplaceManifest(Manifest, manifest);
        manifest.Should().Contain(Invalid).And.Contain(unusable).And.Contain(usable);

        await GatewayStatusChecks.MustHaveConditionAsync(gateway, Name, "Accepted", "False", "UnsupportedAddress");

        manifest = manifest.Replace(Invalid, "", StringComparison.Ordinal);
        gateway.ReplaceManifest(Manifest, manifest);
        await GatewayStatusChecks.MustHaveConditionAsync(gateway, Name, "Accepted", "True", "Accepted");
        var status = await GatewayStatusChecks.MustHaveConditionAsync(gateway, Name, "Programmed", "False", "AddressNotUsable");
        Addresses(status).Should().Equal(usable);

        gateway.ReplaceManifest(Manifest, manifest.Replace($"  - type: IPAddress\n    value: \"{unusable}\"\n", "", StringComparison.Ordinal));
        await GatewayStatusChecks.MustHaveConditionAsync(gateway, Name, "Accepted", "True", "Accepted");
        await GatewayStatusChecks.MustHaveConditionAsync(gateway, Name, "Programmed", "True", "Programmed");
        status = await GatewayStatusChecks.MustHaveListenersAsync(gateway, Name,
            new ExpectedListener("http", ["HTTPRoute"], 0, ("Accepted", "True", ""), ("ResolvedRefs", "True", "")));
        Addresses(status).Should().Equal(usable);
        status["status"]!["addresses"]![0]!["type"]!.GetValue<string>().Should().Be("IPAddress");

        // Beyond upstream: the usable address is really served (no route, so our 404).
        var response = await gateway.Gateway.Client.GetAsync(new Uri($"http://{usable}:8080/"));
        ((int)response.StatusCode).Should().Be(404);
    }

    private static IEnumerable<string> Addresses(System.Text.Json.Nodes.JsonNode gateway) =>
        gateway["status"]!["addresses"]!.AsArray().Select(a => a!["value"]!.GetValue<string>());
}

/// <summary>Upstream GatewayOptionalAddressValue (feature GatewayAddressEmpty): an IPAddress with no value gets one assigned.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayAddressEmpty")]
public sealed class GatewayOptionalAddressValueTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gateway_WithAnIPAddressWithoutValue_GetsAnAddressAndIsServed(bool addressPool)
    {
        await using var gateway = await ConformanceGateway.StartAsync(new ConformanceSetup
        {
            Manifests = ["gateway-optional-address-value.yaml"],
            AddressPool = addressPool,
            BaseManifests = false,
        });
        const string name = "gateway-without-address-value";

        await GatewayStatusChecks.MustHaveConditionAsync(gateway, name, "Accepted", "True", "");
        var status = await GatewayStatusChecks.MustHaveConditionAsync(gateway, name, "Programmed", "True", "");
        var address = status["status"]!["addresses"]!.AsArray().Single()!;
        address["type"]!.GetValue<string>().Should().Be("IPAddress");

        var response = await gateway.Gateway.Client.GetAsync(new Uri($"http://{address["value"]!.GetValue<string>()}:8080/"));
        ((int)response.StatusCode).Should().Be(404);
    }
}
