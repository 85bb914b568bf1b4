// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.References;
using Gateway.Translation.Status;

namespace Gateway.Translation.Listeners;

/// <summary>
/// Frontend client-certificate validation (spec.tls.frontend): the per-port settings, else the default, resolved to
/// CA bundles from ConfigMaps (key ca.crt) for every HTTPS listener on that port.
/// </summary>
internal sealed class ClientValidationResolver(TranslationIndex index)
{
    public void Resolve(ListenerPlan listener, long? generation)
    {
        var frontend = listener.Gateway.Gateway.Spec.Tls?.Frontend;
        var settings = frontend?.PerPort.FirstOrDefault(p => p.Port == listener.Spec.Port)?.Tls ?? frontend?.Default;
        if (settings?.Validation is not { } validation || validation.CaCertificateRefs.IsDefaultOrEmpty)
        {
            return;
        }

        var gatewayNamespace = listener.Gateway.Key.Namespace;
        var bundles = new StringBuilder();
        foreach (var reference in validation.CaCertificateRefs)
        {
            var ns = reference.Namespace ?? gatewayNamespace;
            if ((reference.Group ?? "") != "" || (reference.Kind ?? "ConfigMap") != "ConfigMap")
            {
                listener.UnresolvedRefs ??= Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidCACertificateKind,
                    $"CA certificate reference {reference.Group}/{reference.Kind} {reference.Name}: only ConfigMaps are supported.", generation);
                continue;
            }

            if (!ReferenceGrants.Permits(index.Resources.ReferenceGrants, GatewayPlanner.GatewayGroup, "Gateway", gatewayNamespace, "", "ConfigMap", ns, reference.Name))
            {
                listener.UnresolvedRefs ??= Conditions.False(ConditionType.ResolvedRefs, Reason.RefNotPermitted,
                    $"No ReferenceGrant in {ns} allows Gateways from {gatewayNamespace} to use ConfigMap {reference.Name}.", generation);
                continue;
            }

            var key = new NamespacedName(ns, reference.Name);
            var configMap = index.Resources.ConfigMaps.FirstOrDefault(c => c.Key == key);
            var pem = CaBundles.Read(configMap);
            if (pem is null)
            {
                listener.UnresolvedRefs ??= Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidCACertificateRef,
                    configMap is null ? $"ConfigMap {key} does not exist." : $"ConfigMap {key} has no PEM certificates under {CaBundles.Key}.", generation);
                continue;
            }

            bundles.Append(pem.Trim()).Append('\n');
        }

        if (bundles.Length == 0)
        {
            listener.NotAccepted ??= Conditions.False(ConditionType.Accepted, Reason.NoValidCACertificate,
                "None of the CA certificate references is usable.", generation);
            return;
        }

        listener.ClientValidation = new ClientValidation(bundles.ToString(), validation.Mode == "AllowInsecureFallback");
    }
}
