// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Listeners;

/// <summary>A snapshot route plus what Gateway API precedence needs to order it.</summary>
internal sealed record RouteEntry(
    Snapshot.Route Route, DateTimeOffset Created, string Namespace, string Name, int RuleIndex, int MatchIndex);
