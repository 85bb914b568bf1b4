// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// This test class exercises a Gateway API feature as the upstream conformance suite does. A feature is published in
/// supportedFeatures only while some test class proves it (<see cref="FeatureProofTests"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class ProvesFeatureAttribute(string feature) : Attribute
{
    public string Feature { get; } = feature;
}
