// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel;
using Gateway.Hosting;
using Gateway.Kubernetes;
using Gateway.Model;
using Gateway.Sources;
using Gateway.Status;
using Gateway.Translation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics.Metrics;

namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The boundaries around the config source and the leader's writers: an exception from either is logged and the
/// work started again with backoff; it never ends the background service (which would stop the whole host).
/// </summary>
public sealed class FailureBoundaryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Publishes one snapshot and throws on its first runs, then publishes and runs until cancelled.</summary>
    private sealed class FailingSource(int failingRuns) : IResourceSource
    {
        public int Runs;

        public IReadOnlyList<string> Problems => [];

        public async Task RunAsync(Func<ResourceSnapshot, CancellationToken, Task> publish, CancellationToken cancellationToken)
        {
            await publish(ResourceSnapshot.Empty, cancellationToken);
            if (Interlocked.Increment(ref Runs) <= failingRuns)
            {
                throw new InvalidOperationException("a source bug");
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class FailingWriter(int failingPasses) : ILeaderWriter
    {
        public int Passes;

        public string What => "test objects";

        public Task<int> WriteAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref Passes) <= failingPasses ? throw new InvalidOperationException("an API answer we did not expect") : Task.FromResult(1);

        public void Reset()
        {
        }
    }

    private sealed class Notifier : IChangeNotifier
    {
        public event Action? Changed;

        public void Raise() => Changed?.Invoke();
    }

    [Fact]
    public async Task SourceThatThrows_IsStartedAgain_AndEachRunsSnapshotIsPublished()
    {
        var source = new FailingSource(failingRuns: 2);
        var feed = new SnapshotFeed();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var controller = new ControllerService(source, new TranslatorOptions(), feed, new StatusStore(TimeProvider.System),
            new GatewayServiceStore(), new ControlPlaneMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<ControllerService>.Instance);

        await controller.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(feed.Current?.Snapshot.Version == 3), "three runs published (backoff 250 ms, then 500 ms)", Deadline);

        controller.ExecuteTask!.IsCompleted.Should().BeFalse("the service keeps running its source");
        source.Runs.Should().Be(3);
        await controller.StopAsync(CancellationToken.None);
        controller.ExecuteTask.IsFaulted.Should().BeFalse();
    }

    [Fact]
    public async Task WriterPassThatThrows_IsRetried_AndTheServiceKeepsRunning()
    {
        var writer = new FailingWriter(failingPasses: 1);
        var changes = new Notifier();
        var leadership = new LeaderElectionService(null!, new LeaderElectionOptions { Enabled = false }, NullLogger<LeaderElectionService>.Instance);
        using var service = new LeaderWriterService(writer, changes, leadership, NullLogger<LeaderWriterService>.Instance);

        // No change raised: a service that starts (or starts leading) writes once, whenever its handlers are attached.
        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(writer.Passes >= 2), "the failed pass is retried (after 0.5–1 s)", Deadline);

        service.ExecuteTask!.IsCompleted.Should().BeFalse();
        changes.Raise();
        await Eventually.TrueAsync(() => Task.FromResult(writer.Passes >= 3), "a later change is still written", Deadline);
        await service.StopAsync(CancellationToken.None);
        service.ExecuteTask.IsFaulted.Should().BeFalse();
    }
}
