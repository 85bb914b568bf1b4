// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>Per-listener defaults: the request timeout for routes without one, and the backend idle timeout.</summary>
public sealed record ListenerDefaults(TimeSpan? RequestTimeout, TimeSpan? IdleTimeout);
