// SPDX-License-Identifier: Apache-2.0
using Gateway.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>Exactly one replica leads; when it goes, another takes over within the lease duration.</summary>
[Trait("Category", "EndToEnd")]
public sealed class LeaderElectionTests
{
    [Fact]
    public async Task ThreeReplicas_OneLeads_AndAnotherTakesOverWhenItStops()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var replicas = Enumerable.Range(0, 3).Select(i => new LeaderElectionService(cluster.NewClient(), new LeaderElectionOptions
        {
            Namespace = "default",
            Identity = $"replica-{i}",
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1.5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        }, NullLogger<LeaderElectionService>.Instance)).ToList();
        foreach (var replica in replicas)
        {
            await replica.StartAsync(CancellationToken.None);
        }

        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(replicas.Count(r => r.IsLeader) == 1), "one replica leads");
            var leader = replicas.Single(r => r.IsLeader);
            replicas.Count(r => r.IsLeader).Should().Be(1);

            await leader.StopAsync(CancellationToken.None);
            var started = DateTime.UtcNow;
            await Eventually.TrueAsync(() => Task.FromResult(replicas.Where(r => r != leader).Count(r => r.IsLeader) == 1), "another replica leads");

            (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(5), "the lease lasts 2 s");
            replicas.Where(r => r != leader).Count(r => r.IsLeader).Should().Be(1);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.StopAsync(CancellationToken.None);
                replica.Dispose();
            }
        }
    }
}
