// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Proxy;
using Gateway.Proxy.Forwarding;
using Gateway.Snapshot;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// The active health checker on a hand-moved clock with a fake probe: thresholds, the verdict kept across snapshot
/// swaps, panic mode, and no probe loop (or timer) left behind for endpoints that go.
/// </summary>
public sealed class ActiveHealthCheckerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private static ActiveHealthCheck Settings(int unhealthyThreshold, int healthyThreshold) =>
        ActiveHealthCheck.Default with { Interval = Interval, UnhealthyThreshold = unhealthyThreshold, HealthyThreshold = healthyThreshold };

    /// <summary>One listener (with the given active settings) routing /cN to each cluster "cN" of 10.0.0.x:8080 endpoints.</summary>
    private static ProxySnapshot Snapshot(ActiveHealthCheck? active, params int[][] clusters) => new()
    {
        Listeners =
        [
            new Listener
            {
                Id = "gateway/default/gw/listener/http",
                Gateway = "default/gw",
                Address = "127.0.0.1",
                Port = 8080,
                PublicPort = 8080,
                Protocol = ListenerProtocol.Http,
                ActiveHealthCheck = active,
                VirtualHosts =
                [
                    new VirtualHost
                    {
                        Hostname = "*",
                        Routes = [.. clusters.Select((_, i) => new Route
                        {
                            Id = $"httproute/default/r/rule/{i}/match/0",
                            Owner = "HTTPRoute/default/r",
                            Match = new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, $"/c{i}") },
                            Action = new ForwardAction([new WeightedBackend($"c{i}", 1)]),
                        })],
                    },
                ],
            },
        ],
        Clusters = [.. clusters.Select((hosts, i) => new Cluster
        {
            Id = $"c{i}",
            Endpoints = [.. hosts.Select(h => new ClusterEndpoint($"10.0.0.{h}", 8080))],
        })],
    };

    /// <summary>A checker over a ProxyState on a manual clock; backends fail their checks while in <see cref="Failing"/>.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly MeterListener _listener = new();

        public Harness()
        {
            State = new ProxyState(Time);
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var meters = _services.GetRequiredService<IMeterFactory>();
            Checker = new ActiveHealthChecker(State, meters, Time, NullLogger.Instance, ProbeAsync);

            // The check counter is added once a result has been applied to the endpoint, so it tells when a round is over.
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "gateway.upstream.health_checks")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                var result = tags.ToArray().Single(t => t.Key == "result").Value;
                Checks.Enqueue($"{tags.ToArray().Single(t => t.Key == "endpoint").Value} {result}");
            });
            _listener.Start();
        }

        public ManualTimeProvider Time { get; } = new();

        public ProxyState State { get; }

        public ActiveHealthChecker Checker { get; }

        public ConcurrentDictionary<string, bool> Failing { get; } = new();

        /// <summary>"address:port result" of every check applied.</summary>
        public ConcurrentQueue<string> Checks { get; } = new();

        /// <summary>"address:port" of every check sent.</summary>
        public ConcurrentQueue<string> Probed { get; } = new();

        /// <summary>Applies the snapshot and starts the checker; returns once its probe loops run (they start in the background).</summary>
        public async Task StartAsync(ProxySnapshot snapshot)
        {
            State.Apply(snapshot);
            await Checker.StartAsync(CancellationToken.None);
            var endpoints = snapshot.Clusters.Sum(c => c.Endpoints.Length);
            await Eventually.TrueAsync(() => Task.FromResult(Checker.CheckedEndpoints == endpoints), $"{endpoints} endpoints are checked");
        }

        public EndpointHealth Endpoint(string cluster, int host) =>
            State.Current.Clusters.Find(cluster)!.Endpoints.ToArray().Single(e => e.Address == $"10.0.0.{host}:8080");

        public EndpointHealth?[] Picks(string cluster, int count)
        {
            var live = State.Current.Clusters.Find(cluster)!;
            return [.. Enumerable.Range(0, count).Select(_ => live.Pick())];
        }

        /// <summary>Moves the clock one interval (and its jitter) on, and waits until every checked endpoint's check is applied.</summary>
        public async Task RoundAsync()
        {
            var endpoints = Checker.CheckedEndpoints;
            await Eventually.TrueAsync(() => Task.FromResult(Time.PendingTimers == endpoints), "every probe loop waits for its next check");
            var before = Checks.Count;
            Time.Advance(Interval * 1.2);
            await Eventually.TrueAsync(() => Task.FromResult(Checks.Count == before + endpoints && Time.PendingTimers == endpoints),
                $"{endpoints} checks are applied");
        }

        private async Task<ProbeResult> ProbeAsync(EndpointHealth endpoint, HealthCheckTarget target, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Probed.Enqueue(endpoint.Address);
            return Failing.ContainsKey(endpoint.Address) ? ProbeResult.Answered(503, false) : ProbeResult.Answered(200, true);
        }

        public async ValueTask DisposeAsync()
        {
            await Checker.StopAsync(CancellationToken.None);
            Checker.Dispose();
            _listener.Dispose();
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task FailedChecks_TakeTheEndpointOutAtTheUnhealthyThreshold_AndPassedChecksBringItBackAtTheHealthyThreshold()
    {
        await using var harness = new Harness();
        harness.Failing["10.0.0.1:8080"] = true;
        await harness.StartAsync(Snapshot(Settings(unhealthyThreshold: 2, healthyThreshold: 2), [1, 2]));
        var (sick, well) = (harness.Endpoint("c0", 1), harness.Endpoint("c0", 2));

        await harness.RoundAsync();
        sick.FailsActiveChecks.Should().BeFalse("one failed check is below the threshold of 2");
        harness.Picks("c0", 10).Should().Contain(sick);

        await harness.RoundAsync();
        sick.FailsActiveChecks.Should().BeTrue();
        harness.Picks("c0", 10).Should().AllSatisfy(e => e.Should().BeSameAs(well), "an endpoint failing its checks is out of rotation");
        harness.Checks.Should().Contain("10.0.0.1:8080 bad_status").And.Contain("10.0.0.2:8080 passed");

        harness.Failing.Clear();
        await harness.RoundAsync();
        sick.FailsActiveChecks.Should().BeTrue("one passed check is below the healthy threshold of 2");
        await harness.RoundAsync();
        sick.FailsActiveChecks.Should().BeFalse();
        harness.Picks("c0", 10).Should().Contain(sick, "it is back in rotation");
    }

    [Fact]
    public async Task TheCountsAndTheVerdict_SurviveSnapshotSwaps_ForEndpointsThatStay()
    {
        await using var harness = new Harness();
        harness.Failing["10.0.0.1:8080"] = true;
        await harness.StartAsync(Snapshot(Settings(unhealthyThreshold: 3, healthyThreshold: 1), [1, 2]));
        await harness.RoundAsync();
        await harness.RoundAsync();

        harness.State.Apply(Snapshot(Settings(unhealthyThreshold: 3, healthyThreshold: 1), [1, 2, 3]));
        harness.Checker.CheckedEndpoints.Should().Be(3);
        await harness.RoundAsync();
        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeTrue("the swap kept the two failures counted before it: this was the third");

        harness.State.Apply(Snapshot(Settings(unhealthyThreshold: 3, healthyThreshold: 1), [3, 1]));
        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeTrue("a changed endpoint list keeps the verdict on the endpoints that stay");
        harness.Picks("c0", 10).Should().AllSatisfy(e => e!.Address.Should().Be("10.0.0.3:8080"));
    }

    [Fact]
    public async Task EveryEndpointFailingItsChecks_AreAllUsedInTurn_PanicMode()
    {
        await using var harness = new Harness();
        harness.Failing["10.0.0.1:8080"] = true;
        harness.Failing["10.0.0.2:8080"] = true;
        await harness.StartAsync(Snapshot(Settings(unhealthyThreshold: 1, healthyThreshold: 1), [1, 2]));
        await harness.RoundAsync();

        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeTrue();
        harness.Endpoint("c0", 2).FailsActiveChecks.Should().BeTrue();
        harness.Picks("c0", 10).Distinct().Should().HaveCount(2, "a guess beats refusing every request");
    }

    [Fact]
    public async Task Churn_ChecksOnlyTheEndpointsOfTheLiveConfig_AndLeavesNoLoopOrTimerBehind()
    {
        await using var harness = new Harness();
        harness.Failing["10.0.0.1:8080"] = true;
        var settings = Settings(unhealthyThreshold: 1, healthyThreshold: 1);
        await harness.StartAsync(Snapshot(settings, [1, 2], [1, 3]));
        await harness.RoundAsync();
        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeTrue();

        var random = new Random(8);
        for (var i = 0; i < 200; i++)
        {
            var clusters = Enumerable.Range(0, random.Next(0, 4))
                .Select(_ => Enumerable.Range(1, 20).Where(_ => random.Next(3) == 0).ToArray()).ToArray();
            var active = random.Next(4) == 0 ? null : settings;
            harness.State.Apply(Snapshot(active, clusters));
            harness.Checker.CheckedEndpoints.Should().Be(active is null ? 0 : clusters.Sum(c => c.Length));
            if (i % 50 == 0)
            {
                await harness.RoundAsync();
            }
        }

        harness.State.Apply(Snapshot(settings, [1, 2]));
        await harness.RoundAsync();
        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeTrue();

        harness.State.Apply(Snapshot(null, [1, 2]));
        harness.Checker.CheckedEndpoints.Should().Be(0);
        harness.Endpoint("c0", 1).FailsActiveChecks.Should().BeFalse("checks that stopped cannot keep an endpoint out");
        await Eventually.TrueAsync(() => Task.FromResult(harness.Time.PendingTimers == 0), "every probe loop has ended");
        var sent = harness.Probed.Count;
        harness.Time.Advance(Interval * 3);
        await Task.Yield();
        harness.Probed.Count.Should().Be(sent, "no check goes out once nothing is to be checked");
    }

    [Fact]
    public void State_CountsInARow_AndIgnoresResultsAfterItStopped()
    {
        var endpoint = new EndpointHealth("c", new ClusterEndpoint("10.0.0.1", 80), TimeProvider.System);
        var state = new ActiveHealthState(endpoint);
        var settings = Settings(unhealthyThreshold: 3, healthyThreshold: 2);

        state.Record(false, settings).Should().Be(ActiveHealthChange.None);
        state.Record(false, settings).Should().Be(ActiveHealthChange.None);
        state.Record(true, settings).Should().Be(ActiveHealthChange.None, "a pass starts the failure count over");
        state.Record(false, settings).Should().Be(ActiveHealthChange.None);
        state.Record(false, settings).Should().Be(ActiveHealthChange.None);
        state.Record(false, settings).Should().Be(ActiveHealthChange.TurnedUnhealthy);
        endpoint.FailsActiveChecks.Should().BeTrue();
        state.Record(false, settings).Should().Be(ActiveHealthChange.None, "one warning per turn, not per check");

        state.Record(true, settings).Should().Be(ActiveHealthChange.None);
        state.Record(false, settings).Should().Be(ActiveHealthChange.None);
        state.Record(true, settings).Should().Be(ActiveHealthChange.None, "a failure starts the pass count over");
        state.Record(true, settings).Should().Be(ActiveHealthChange.Recovered);
        endpoint.FailsActiveChecks.Should().BeFalse();

        state.Record(false, settings with { UnhealthyThreshold = 1 }).Should().Be(ActiveHealthChange.TurnedUnhealthy);
        state.Stop();
        endpoint.FailsActiveChecks.Should().BeFalse();
        state.Record(false, settings with { UnhealthyThreshold = 1 }).Should().Be(ActiveHealthChange.None);
        endpoint.FailsActiveChecks.Should().BeFalse();
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(399, true)]
    [InlineData(400, false)]
    [InlineData(503, false)]
    [InlineData(199, false)]
    public void DefaultExpectedStatuses_Are200To399(int status, bool expected) =>
        ActiveHealthCheck.Default.Expects(status).Should().Be(expected);
}
