// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>All conditions must hold (AND).</summary>
public sealed record RouteMatch
{
    public PathMatch Path { get; init; } = PathMatch.Everything;
    public string? Method { get; init; }
    public ImmutableArray<ValueMatch> Headers { get; init; } = [];
    public ImmutableArray<ValueMatch> QueryParams { get; init; } = [];
}

public sealed record PathMatch(PathMatchType Type, string Value)
{
    public static readonly PathMatch Everything = new(PathMatchType.PathPrefix, "/");
}

public enum PathMatchType
{
    Exact,
    PathPrefix,
    RegularExpression,
}

/// <summary>A header (name compared case-insensitively) or query parameter (name exact) condition.</summary>
public sealed record ValueMatch(string Name, ValueMatchType Type, string Value);

public enum ValueMatchType
{
    Exact,
    RegularExpression,
}
