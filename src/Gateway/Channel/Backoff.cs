// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Channel;

/// <summary>
/// Exponential backoff with full jitter: after the n-th consecutive failure (from 0) wait a uniformly random time
/// below min(cap, initial·2ⁿ), so a fleet of proxies that lost the same controller does not come back in step.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan cap, Random random)
{
    public TimeSpan Ceiling(int failure) =>
        TimeSpan.FromTicks((long)Math.Min(cap.Ticks, initial.Ticks * Math.Pow(2, Math.Clamp(failure, 0, 40))));

    public TimeSpan Delay(int failure) => TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(failure).Ticks));
}
