// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using Gateway.Channel;
using Gateway.Snapshot;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>What a controller's ProxyConfig status says about its proxies, and how often it changes.</summary>
[Collection(MetersCollection.Name)]
public sealed class ProxyRegistryTests : IDisposable
{
    private readonly ManualClock _clock = new();
    private readonly SnapshotFeed _feed = new();
    private readonly ProxyRegistry _registry;
    private int _changes;

    public ProxyRegistryTests()
    {
        _registry = new ProxyRegistry(_feed, _clock, new MeterFactory(), NullLogger<ProxyRegistry>.Instance);
        _registry.Changed += () => _changes++;
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class MeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    private void Publish(long version) => _feed.Publish(ProxySnapshot.Empty with { Version = version });

    private ChannelPosition Current => new(_feed.Session, _feed.Current!.Snapshot.Version);

    [Fact]
    public void Status_FollowsConnectsAndAcks()
    {
        Publish(1);
        var alone = _registry.Reported;

        using var proxy = _registry.Connect("p1", "test");
        var connectedNotAcked = _registry.Reported;
        _clock.Now += ProxyRegistry.SyncGrace;
        _registry.Evaluate();
        var afterGrace = _registry.Reported;
        _registry.Ack("p1", Current, null, "");
        var acked = _registry.Reported;

        (alone.Connected, alone.Reason).Should().Be((false, "NoProxiesConnected"));
        connectedNotAcked.Should().Be(alone, "a new proxy has the grace period to apply the current version");
        (afterGrace.Connected, afterGrace.Reason).Should().Be((false, "NotInSync"));
        (acked.Connected, acked.Reason, acked.Message).Should().Be((true, "InSync", "1 of 1 connected proxies serve config version 1."));
        acked.LastSync.Should().Be(_clock.Now);
    }

    [Fact]
    public void NewVersion_DoesNotFlipConnected_WhileProxiesApplyIt()
    {
        Publish(1);
        using var proxy = _registry.Connect("p1", "test");
        _registry.Ack("p1", Current, null, "");
        var changesBefore = _changes;

        _clock.Now += TimeSpan.FromSeconds(1);
        Publish(2);
        _clock.Now += ProxyRegistry.SyncGrace / 2;
        _registry.Evaluate();
        var whileApplying = _registry.Reported;

        whileApplying.Connected.Should().BeTrue();
        _changes.Should().Be(changesBefore);
    }

    [Fact]
    public void AcksThatKeepTheCondition_AreReportedAtMostOncePerQuietPeriod()
    {
        Publish(1);
        using var first = _registry.Connect("p1", "test");
        _registry.Ack("p1", Current, null, "");
        var changesAfterFirstAck = _changes;

        using var second = _registry.Connect("p2", "test");
        _registry.Ack("p2", Current, null, "");
        _clock.Now += TimeSpan.FromSeconds(5);
        _registry.Ack("p1", Current, null, "");
        var changesWithinQuietPeriod = _changes;
        _clock.Now += ProxyRegistry.QuietPeriod;
        _registry.Evaluate();

        changesWithinQuietPeriod.Should().Be(changesAfterFirstAck);
        _changes.Should().Be(changesAfterFirstAck + 1);
        _registry.Reported.Message.Should().Be("2 of 2 connected proxies serve config version 1.");
    }

    [Fact]
    public void LastProxyGone_IsReportedAtOnce()
    {
        Publish(1);
        var proxy = _registry.Connect("p1", "test");
        _registry.Ack("p1", Current, null, "");

        proxy.Dispose();

        (_registry.Reported.Connected, _registry.Reported.Reason).Should().Be((false, "NoProxiesConnected"));
    }

    [Fact]
    public void Refusal_OutranksProxiesInSync_AndClearsWhenTheProxyAcknowledgesWithoutError()
    {
        Publish(1);
        using var first = _registry.Connect("p1", "test");
        using var second = _registry.Connect("p2", "test");
        _registry.Ack("p1", Current, null, "");
        _registry.Ack("p2", Current, null, "");
        var served = Current;
        Publish(2);
        _registry.Ack("p1", Current, null, "");

        _registry.Ack("p2", served, Current, "CryptographicException: bad PEM");
        var refused = _registry.Reported;
        _registry.Ack("p2", Current, null, "");

        (refused.Connected, refused.Reason).Should().Be((false, "SnapshotRejected"));
        refused.Message.Should().Be("Proxy p2 refused config version 2: CryptographicException: bad PEM. It serves version 1.");
        (_registry.Reported.Connected, _registry.Reported.Reason).Should().Be((true, "InSync"));
    }

    [Fact]
    public void RefusalOfAnotherSessionsSnapshot_IsNotReported()
    {
        Publish(1);
        using var proxy = _registry.Connect("p1", "test");

        _registry.Ack("p1", Current, new ChannelPosition("an earlier controller", 7), "bad");

        _registry.Reported.Reason.Should().Be("InSync");
    }

    public void Dispose() => _registry.Dispose();
}
