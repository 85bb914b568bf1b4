// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

/// <summary>
/// Everything the data plane needs, as one immutable value. The translator builds it with Version 0;
/// the publisher stamps a monotonically increasing version when the content changes.
/// </summary>
public sealed record ProxySnapshot
{
    public static readonly ProxySnapshot Empty = new();

    public long Version { get; init; }

    /// <summary>Gateway listeners, sorted by id.</summary>
    public ImmutableArray<Listener> Listeners { get; init; } = [];

    /// <summary>
    /// TLS passthrough and TCP listeners, sorted by id: relayed byte for byte by the data plane's own sockets, not
    /// Kestrel's. Default (left out of the JSON) when there are none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<Listener> Layer4Listeners { get; init; }

    /// <summary>Backend clusters (one per Service port), sorted by id.</summary>
    public ImmutableArray<Cluster> Clusters { get; init; } = [];

    /// <summary>Serving certificates the HTTPS listeners refer to, sorted by id.</summary>
    public ImmutableArray<TlsCertificate> Certificates { get; init; } = [];
}
