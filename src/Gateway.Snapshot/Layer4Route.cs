// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>Where the connections for one hostname of a TLS passthrough or TCP listener go: a weighted choice among clusters, made once per connection.</summary>
/// <param name="Id">The route's id ({kind}/{namespace}/{name}); connections it carries end when it is gone.</param>
/// <param name="Hostname">Exact, "*.suffix" or "*".</param>
/// <param name="Backends">A backend whose ClusterId is null did not resolve: its share of connections is refused.</param>
public sealed record Layer4Route(string Id, string Hostname, ImmutableArray<WeightedBackend> Backends);
