// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

/// <summary>What a matched route does: forward to backends, redirect, or answer directly.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ForwardAction), "forward")]
[JsonDerivedType(typeof(RedirectAction), "redirect")]
[JsonDerivedType(typeof(DirectResponseAction), "directResponse")]
public abstract record RouteAction;

/// <summary>Weighted choice among backends. A backend with a null ClusterId is invalid: its share answers 500.</summary>
public sealed record ForwardAction(ImmutableArray<WeightedBackend> Backends) : RouteAction;

public sealed record WeightedBackend(string? ClusterId, int Weight)
{
    /// <summary>Filters that apply only when this backend is chosen.</summary>
    public ImmutableArray<RouteFilter> Filters { get; init; } = [];
}

public sealed record RedirectAction(
    string? Scheme, string? Hostname, int? Port, PathRewrite? Path, int StatusCode) : RouteAction;

public sealed record DirectResponseAction(int StatusCode, string Body) : RouteAction;

public sealed record RouteTimeouts(TimeSpan? Request, TimeSpan? BackendRequest);

/// <summary>Up to Attempts retries when a backend answers one of Codes, Backoff apart.</summary>
public sealed record RouteRetry(ImmutableArray<int> Codes, int Attempts, TimeSpan Backoff);
