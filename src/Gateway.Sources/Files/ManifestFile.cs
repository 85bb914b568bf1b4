// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Sources.Files;

/// <summary>What one manifest file holds: its objects, its warnings, or the error that stopped it parsing.</summary>
public sealed record ManifestFile(
    string Path,
    ImmutableArray<LoadedObject> Objects,
    ImmutableArray<SourceError> Warnings,
    SourceError? Error);
