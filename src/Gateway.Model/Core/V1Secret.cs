// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.Core;

/// <summary>Data holds base64 text as in the API; StringData is merged in by the sources.</summary>
public sealed record V1Secret : KubernetesObject
{
    public string? Type { get; init; }
    public ImmutableDictionary<string, string>? Data { get; init; }
    public ImmutableDictionary<string, string>? StringData { get; init; }
}
