// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Translation.GatewayClasses;

/// <summary>Accepts the GatewayClasses that name our controller and checks their parametersRef.</summary>
internal static class GatewayClassTranslator
{
    /// <summary>The Gateway API bundle version this build implements.</summary>
    public const string SupportedBundleVersion = "v1.6";

    public static GatewayClassStatus Translate(V1GatewayClass gatewayClass, TranslationIndex index, ImmutableArray<SupportedFeature> features)
    {
        var generation = gatewayClass.Metadata.Generation;
        var problem = ParametersProblem(gatewayClass.Spec.ParametersRef, index);
        var accepted = problem is null
            ? Conditions.True(ConditionType.Accepted, Reason.Accepted, "Accepted by the gateway controller.", generation)
            : Conditions.False(ConditionType.Accepted, Reason.InvalidParameters, problem, generation);
        var version = Conditions.True(ConditionType.SupportedVersion, Reason.SupportedVersion,
            $"Gateway API {SupportedBundleVersion} is supported.", generation);
        return new GatewayClassStatus { Conditions = [accepted, version], SupportedFeatures = features };
    }

    private static string? ParametersProblem(ParametersReference? reference, TranslationIndex index)
    {
        if (reference is null)
        {
            return null;
        }

        if (reference.Group != V1Alpha1ProxyConfig.Group || reference.Kind != V1Alpha1ProxyConfig.KindName)
        {
            return $"parametersRef must be a {V1Alpha1ProxyConfig.Group}/{V1Alpha1ProxyConfig.KindName}, not {reference.Group}/{reference.Kind}.";
        }

        if (string.IsNullOrEmpty(reference.Namespace))
        {
            return "parametersRef to a ProxyConfig must set a namespace.";
        }

        var key = new NamespacedName(reference.Namespace, reference.Name);
        return index.Resources.ProxyConfigs.Any(p => p.Key == key) ? null : $"ProxyConfig {key} does not exist.";
    }
}
