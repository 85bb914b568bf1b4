// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Forwarding;
using Gateway.Snapshot;

namespace Gateway.EndToEnd.Tests;

/// <summary>The ejection and back-off state machine of passive health checking, on a hand-moved clock.</summary>
public sealed class EndpointHealthTests
{
    private static readonly PassiveHealthCheck _settings = new(true, 3, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

    /// <summary>A clock that moves only when told; timestamps in ticks.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public TimeSpan Elapsed { get; set; } = TimeSpan.FromHours(1);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Elapsed.Ticks;

        public void Advance(TimeSpan by) => Elapsed += by;
    }

    private static Cluster TwoEndpoints(string id = "cluster/default/svc/80") => new()
    {
        Id = id,
        Endpoints = [new ClusterEndpoint("10.0.0.1", 8080), new ClusterEndpoint("10.0.0.2", 8080)],
    };

    private static TimeSpan? FailTimes(EndpointHealth endpoint, int times)
    {
        TimeSpan? ejected = null;
        for (var i = 0; i < times; i++)
        {
            ejected = endpoint.ConnectFailed(_settings) ?? ejected;
        }

        return ejected;
    }

    [Fact]
    public void ConsecutiveFailures_EjectAtTheThreshold_AndASuccessInBetweenStartsTheCountOver()
    {
        var endpoint = new EndpointHealth("c", new ClusterEndpoint("10.0.0.1", 80), new ManualClock());

        FailTimes(endpoint, 2).Should().BeNull();
        endpoint.Succeeded();
        FailTimes(endpoint, 2).Should().BeNull("the success reset the count");
        endpoint.IsEjected.Should().BeFalse();

        endpoint.ConnectFailed(_settings).Should().Be(TimeSpan.FromSeconds(5), "the third failure in a row ejects for the base time");
        endpoint.IsEjected.Should().BeTrue();
    }

    [Fact]
    public void Ejection_Ends_ThenOneFailureOnProbationEjectsForTwiceAsLong_UpToTheCap()
    {
        var clock = new ManualClock();
        var endpoint = new EndpointHealth("c", new ClusterEndpoint("10.0.0.1", 80), clock);
        FailTimes(endpoint, 3).Should().Be(TimeSpan.FromSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(4.9));
        endpoint.IsEjected.Should().BeTrue();
        endpoint.ConnectFailed(_settings).Should().BeNull("attempts made before the ejection are not counted again");
        clock.Advance(TimeSpan.FromSeconds(0.2));
        endpoint.IsEjected.Should().BeFalse("the back-off is over");
        endpoint.OnProbation.Should().BeTrue();

        var backoffs = new List<TimeSpan?>();
        for (var i = 0; i < 4; i++)
        {
            backoffs.Add(endpoint.ConnectFailed(_settings));
            clock.Advance(backoffs[^1] ?? TimeSpan.Zero);
        }

        backoffs.Should().Equal(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Success_EndsProbation_AndAHealthySpellAsLongAsTheCapStartsTheBackoffOver()
    {
        var clock = new ManualClock();
        var endpoint = new EndpointHealth("c", new ClusterEndpoint("10.0.0.1", 80), clock);
        FailTimes(endpoint, 3);
        clock.Advance(TimeSpan.FromSeconds(5));

        endpoint.Succeeded().Should().BeTrue("the first answer after an ejection ends the probation");
        endpoint.Succeeded().Should().BeFalse();
        FailTimes(endpoint, 2).Should().BeNull("off probation, the threshold applies again");
        endpoint.ConnectFailed(_settings).Should().Be(TimeSpan.FromSeconds(10), "a short healthy spell keeps the back-off growing");

        clock.Advance(TimeSpan.FromSeconds(10));
        endpoint.Succeeded();
        clock.Advance(TimeSpan.FromSeconds(30));
        FailTimes(endpoint, 3).Should().Be(TimeSpan.FromSeconds(5), "healthy for as long as the cap: forgiven");
    }

    [Fact]
    public void Pick_SkipsEjectedEndpoints_AndUsesThemAnywayWhenAllAreEjected()
    {
        var clock = new ManualClock();
        var cluster = new ClusterTable([TwoEndpoints()], null, clock).Find("cluster/default/svc/80")!;
        var (first, second) = (cluster.Endpoints[0], cluster.Endpoints[1]);
        FailTimes(first, 3);

        Enumerable.Range(0, 10).Select(_ => cluster.Pick()).Should().AllSatisfy(e => e.Should().BeSameAs(second));
        cluster.Pick(avoid: second).Should().BeSameAs(first, "a retry goes elsewhere even if elsewhere is ejected");
        cluster.Pick(honourEjections: false).Should().NotBeNull();
        Enumerable.Range(0, 10).Select(_ => cluster.Pick(honourEjections: false)).Should().Contain(first, "with ejection turned off every endpoint takes turns");

        FailTimes(second, 3);
        Enumerable.Range(0, 10).Select(_ => cluster.Pick()).Distinct().Should().HaveCount(2, "panic mode: all ejected, all used in turn");

        clock.Advance(TimeSpan.FromSeconds(5));
        Enumerable.Range(0, 10).Select(_ => cluster.Pick()).Distinct().Should().HaveCount(2, "both are back");
    }

    [Fact]
    public void Health_SurvivesASnapshotSwap_ForEndpointsThatStay()
    {
        var clock = new ManualClock();
        var before = new ClusterTable([TwoEndpoints()], null, clock);
        FailTimes(before.Find("cluster/default/svc/80")!.Endpoints[0], 3);

        var swapped = new ClusterTable([TwoEndpoints()], before, clock).Find("cluster/default/svc/80")!;
        var resized = new ClusterTable([TwoEndpoints() with { Endpoints = [new ClusterEndpoint("10.0.0.1", 8080)] }], before, clock).Find("cluster/default/svc/80")!;
        var other = new ClusterTable([TwoEndpoints("cluster/default/other/80")], before, clock).Find("cluster/default/other/80")!;

        swapped.Endpoints[0].IsEjected.Should().BeTrue("the same cluster and endpoint keep their state");
        swapped.Endpoints[1].IsEjected.Should().BeFalse();
        resized.Endpoints[0].IsEjected.Should().BeTrue("a changed endpoint list keeps the endpoints that stay");
        other.Endpoints[0].IsEjected.Should().BeFalse("state is per cluster: the same address behind another Service starts healthy");
    }
}
