// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Model.Meta;

/// <summary>The part of Kubernetes object metadata the gateway reads.</summary>
public sealed record ObjectMeta
{
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
    public long? Generation { get; init; }
    public string? ResourceVersion { get; init; }
    public string? Uid { get; init; }
    public DateTimeOffset? CreationTimestamp { get; init; }
    public ImmutableDictionary<string, string>? Labels { get; init; }
    public ImmutableDictionary<string, string>? Annotations { get; init; }
}
