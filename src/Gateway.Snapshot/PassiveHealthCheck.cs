// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

/// <summary>
/// Outlier detection for the endpoints a listener's routes forward to (from its GatewayClass's ProxyConfig): an endpoint
/// whose connection attempts fail ConsecutiveFailures times in a row is left out for BaseEjectionTime, doubling with each
/// ejection that follows without a healthy spell in between, up to MaxEjectionTime.
/// </summary>
public sealed record PassiveHealthCheck(bool Enabled, int ConsecutiveFailures, TimeSpan BaseEjectionTime, TimeSpan MaxEjectionTime)
{
    /// <summary>What a listener without settings gets.</summary>
    public static readonly PassiveHealthCheck Default = new(true, 3, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
}
