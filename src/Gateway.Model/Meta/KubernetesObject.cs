// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Gateway.Model.Meta;

/// <summary>Every object the gateway reads: apiVersion, kind and metadata.</summary>
public abstract record KubernetesObject
{
    public string ApiVersion { get; init; } = "";
    public string Kind { get; init; } = "";
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>namespace/name, or name for cluster-scoped objects.</summary>
    [JsonIgnore]
    public NamespacedName Key => new(Metadata.Namespace ?? "", Metadata.Name);
}
