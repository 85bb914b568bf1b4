// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Status;
using Gateway.Translation.Status;

namespace Gateway.EndToEnd.Tests;

public sealed class ConditionStamperTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ObjectStatus Class(string status) => new("gateway.networking.k8s.io/v1", "GatewayClass", null, "c", 1,
        new GatewayClassStatus { Conditions = [new Condition { Type = "Accepted", Status = status, Reason = "Accepted" }] });

    private static DateTimeOffset? Since(ImmutableArray<ObjectStatus> stamped) =>
        ((GatewayClassStatus)stamped.Single().Status).Conditions.Single().LastTransitionTime;

    [Fact]
    public void Stamp_KeepsTheTimeWhileTheStatusHolds_AndMovesItWhenItFlips()
    {
        var clock = new ManualClock();
        var stamper = new ConditionStamper(clock);
        var first = Since(stamper.Stamp([Class("True")]));

        clock.Now = clock.Now.AddMinutes(5);
        var same = Since(stamper.Stamp([Class("True")]));
        clock.Now = clock.Now.AddMinutes(5);
        var flipped = Since(stamper.Stamp([Class("False")]));

        first.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        same.Should().Be(first);
        flipped.Should().Be(clock.Now);
    }

    [Fact]
    public void Stamp_SameInstanceAgain_GivesTheSameStampedStatus()
    {
        var clock = new ManualClock();
        var stamper = new ConditionStamper(clock);
        var input = Class("True");
        var first = stamper.Stamp([input]);

        clock.Now = clock.Now.AddHours(1);
        var second = stamper.Stamp([input]);

        second.Single().Should().BeSameAs(first.Single());
    }
}
