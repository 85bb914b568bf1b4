// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Listeners;

/// <summary>A snapshot route plus what Gateway API precedence needs to order it.</summary>
/// <param name="Grpc">For a GRPCRoute's entries, the characters of its service and method match (its precedence keys).</param>
internal sealed record RouteEntry(
    Snapshot.Route Route, DateTimeOffset Created, string Namespace, string Name, int RuleIndex, int MatchIndex, GrpcRank? Grpc = null);

/// <summary>How specific a GRPCRoute match is: the characters of its service and of its method.</summary>
internal readonly record struct GrpcRank(int Service, int Method);
