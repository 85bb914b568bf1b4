// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator;

/// <summary>One served group/version/resource. Several versions of one resource share a <see cref="StorageKey"/>.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    bool HasStatus,
    IReadOnlyList<string> ShortNames,
    bool IsCustom = false,
    JsonObject? Schema = null,
    IReadOnlyList<string>? Categories = null)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string StorageKey => $"{Group}/{Plural}";

    /// <summary>The resource name as messages spell it: <c>services</c> or <c>httproutes.gateway.networking.k8s.io</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string ListKind => Kind + "List";

    internal static IEnumerable<ResourceType> BuiltIns()
    {
        yield return new("", "v1", "namespaces", "namespace", "Namespace", false, true, ["ns"]);
        yield return new("", "v1", "services", "service", "Service", true, true, ["svc"]);
        yield return new("", "v1", "endpoints", "endpoints", "Endpoints", true, false, ["ep"]);
        yield return new("", "v1", "secrets", "secret", "Secret", true, false, []);
        yield return new("", "v1", "configmaps", "configmap", "ConfigMap", true, false, ["cm"]);
        yield return new("", "v1", "events", "event", "Event", true, false, ["ev"]);
        yield return new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, ["sa"]);
        yield return new("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, false, []);
        yield return new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false, []);
        yield return new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "validatingadmissionpolicy",
            "ValidatingAdmissionPolicy", false, true, []);
        yield return new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding",
            "ValidatingAdmissionPolicyBinding", false, false, []);
        yield return new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
            "CustomResourceDefinition", false, true, ["crd", "crds"]);
    }
}
