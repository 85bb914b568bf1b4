// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Snapshot;
using Gateway.Translation.Status;

namespace Gateway.Translation;

/// <summary>The translator's whole output: what the proxy serves and what every object's status should say.</summary>
public sealed record TranslationResult(ProxySnapshot Snapshot, ImmutableArray<ObjectStatus> Statuses);
