// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Meta;

namespace Gateway.Sources.Files;

/// <summary>One object read from a manifest, with where it came from and a fingerprint of its spec.</summary>
public sealed record LoadedObject(KubernetesObject Object, string Path, int Line, UInt128 SpecFingerprint, bool HasExplicitGeneration);
