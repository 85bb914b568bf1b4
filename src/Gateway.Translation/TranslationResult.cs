// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Core;
using Gateway.Snapshot;
using Gateway.Translation.Status;

namespace Gateway.Translation;

/// <summary>
/// The translator's whole output: what the proxy serves, what every object's status should say, and (with
/// per-Gateway Services) the Services the cluster should have, sorted by name.
/// </summary>
public sealed record TranslationResult(ProxySnapshot Snapshot, ImmutableArray<ObjectStatus> Statuses, ImmutableArray<V1Service> Services);
