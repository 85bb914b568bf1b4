// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>One Service port: the ready endpoints from all of the Service's EndpointSlices.</summary>
public sealed record Cluster
{
    /// <summary>Stable id: cluster/{namespace}/{service}/{port}.</summary>
    public required string Id { get; init; }

    public ImmutableArray<ClusterEndpoint> Endpoints { get; init; } = [];

    public BackendProtocol Protocol { get; init; } = BackendProtocol.Http1;

    /// <summary>Null: plain HTTP to the endpoints.</summary>
    public BackendTls? Tls { get; init; }
}

public sealed record ClusterEndpoint(string Address, int Port);

public enum BackendProtocol
{
    Http1,
    /// <summary>HTTP/2 with prior knowledge (appProtocol kubernetes.io/h2c, gRPC backends); by ALPN h2 when <see cref="Cluster.Tls"/> is set.</summary>
    H2c,
}
