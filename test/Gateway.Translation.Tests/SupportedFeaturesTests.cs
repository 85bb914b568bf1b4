// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Gateway.Model;
using Gateway.Model.GatewayApi;

namespace Gateway.Translation.Tests;

public sealed partial class SupportedFeaturesTests
{
    [Fact]
    public void Readme_ListsExactlyTheSupportedFeatures()
    {
        var readme = File.ReadAllText(ReadmePath());
        var block = readme[readme.IndexOf("<!-- features:start -->", StringComparison.Ordinal)..readme.IndexOf("<!-- features:end -->", StringComparison.Ordinal)];
        var listed = Bullet().Matches(block).Select(m => m.Groups[1].Value);

        listed.Should().Equal(SupportedFeatures.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GatewayClassStatus_PublishesTheSupportedFeatures()
    {
        var resources = new ResourceSnapshot
        {
            GatewayClasses = [new V1GatewayClass { Kind = "GatewayClass", Metadata = new() { Name = "c", Generation = 1 }, Spec = new() { ControllerName = TranslatorOptions.DefaultControllerName } }],
        };

        var status = (GatewayClassStatus)Translator.Translate(resources, new TranslatorOptions()).Statuses.Single().Status;

        status.SupportedFeatures.Select(f => f.Name).Should().Equal(SupportedFeatures.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GatewayClassStatus_WithGatewayServices_LeavesOutStaticAddresses()
    {
        var resources = new ResourceSnapshot
        {
            GatewayClasses = [new V1GatewayClass { Kind = "GatewayClass", Metadata = new() { Name = "c", Generation = 1 }, Spec = new() { ControllerName = TranslatorOptions.DefaultControllerName } }],
        };

        var status = (GatewayClassStatus)Translator.Translate(resources, new TranslatorOptions { Services = new GatewayServiceOptions() }).Statuses.Single().Status;

        status.SupportedFeatures.Select(f => f.Name).Should().NotContain("GatewayStaticAddresses").And.Contain("GatewayAddressEmpty")
            .And.HaveCount(SupportedFeatures.Names.Length - 1);
    }

    private static string ReadmePath() => RepoPaths.Of("README.md");

    [GeneratedRegex(@"^- (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Bullet();
}
