// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

public sealed class BackoffTests
{
    [Fact]
    public void Delay_IsFullJitterBelowACeilingThatDoublesUpToTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(7));

        var ceilings = Enumerable.Range(0, 8).Select(backoff.Ceiling).ToList();
        var samples = Enumerable.Range(0, 8).ToDictionary(failure => failure, failure => Enumerable.Range(0, 2000).Select(_ => backoff.Delay(failure)).ToList());

        ceilings.Select(c => c.TotalMilliseconds).Should().Equal(100, 200, 400, 800, 1600, 2000, 2000, 2000);
        foreach (var (failure, delays) in samples)
        {
            var ceiling = ceilings[failure];
            delays.Should().OnlyContain(d => d >= TimeSpan.Zero && d < ceiling);
            // Full jitter spreads over the whole range, not just its top: some waits are short, some near the ceiling.
            delays.Min().Should().BeLessThan(ceiling * 0.05);
            delays.Max().Should().BeGreaterThan(ceiling * 0.95);
            delays.Average(d => d.TotalMilliseconds).Should().BeApproximately(ceiling.TotalMilliseconds / 2, ceiling.TotalMilliseconds * 0.05);
        }
    }

    [Fact]
    public void Ceiling_ManyFailures_StaysAtTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), Random.Shared);

        backoff.Ceiling(10_000).Should().Be(TimeSpan.FromSeconds(30));
    }
}
