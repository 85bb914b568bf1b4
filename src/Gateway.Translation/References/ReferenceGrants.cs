// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;

namespace Gateway.Translation.References;

/// <summary>Is a reference from one namespace into another allowed? Same-namespace references always are.</summary>
internal static class ReferenceGrants
{
    public static bool Permits(
        IEnumerable<V1ReferenceGrant> grants,
        string fromGroup, string fromKind, string fromNamespace,
        string toGroup, string toKind, string toNamespace, string toName)
    {
        if (fromNamespace == toNamespace)
        {
            return true;
        }

        return grants.Any(grant =>
            grant.Metadata.Namespace == toNamespace
            && grant.Spec.From.Any(f => f.Group == fromGroup && f.Kind == fromKind && f.Namespace == fromNamespace)
            && grant.Spec.To.Any(t => t.Group == toGroup && t.Kind == toKind && (string.IsNullOrEmpty(t.Name) || t.Name == toName)));
    }
}
