// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>
/// A Gateway's spec.infrastructure labels and annotations. In a cluster they also go on its Service; in file mode its
/// listeners are all a Gateway makes, so the listeners carry them and /config shows them. The proxy does not act on them.
/// </summary>
public sealed record InfrastructureMetadata
{
    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}
