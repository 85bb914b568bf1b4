// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using Gateway.Translation;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>The claims in supportedFeatures and the test classes marked [ProvesFeature] name the same features.</summary>
[Trait("Category", "Conformance")]
public sealed class FeatureProofTests
{
    private static readonly ILookup<string, string> _proofs = typeof(FeatureProofTests).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<ProvesFeatureAttribute>().Select(a => (a.Feature, Class: t.Name)))
        .ToLookup(p => p.Feature, p => p.Class, StringComparer.Ordinal);

    [Fact]
    public void EveryClaimedFeature_HasATestClassThatProvesIt()
    {
        var unproven = SupportedFeatures.Names.Where(f => !_proofs.Contains(f));

        unproven.Should().BeEmpty("a feature in supportedFeatures needs a test class marked [ProvesFeature] for it; withdraw the claim or port its upstream tests");
    }

    [Fact]
    public void EveryProvenFeature_IsClaimed()
    {
        var unclaimed = _proofs.Select(g => g.Key).Where(f => !SupportedFeatures.Names.Contains(f));

        unclaimed.Should().BeEmpty("a [ProvesFeature] name that is not in SupportedFeatures is misspelt, or its feature should be claimed");
    }
}
