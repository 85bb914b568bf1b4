// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy;

/// <summary>Data-plane settings from flags (startup only).</summary>
public sealed class ProxyOptions
{
    /// <summary>Write one access-log line per request.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Idle timeout towards a backend when the route sets none.</summary>
    public TimeSpan DefaultBackendTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
