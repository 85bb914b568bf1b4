// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.Core;

/// <summary>Read for CA bundles (key ca.crt) that frontend client-certificate validation trusts.</summary>
public sealed record V1ConfigMap : KubernetesObject
{
    public ImmutableDictionary<string, string>? Data { get; init; }
}
