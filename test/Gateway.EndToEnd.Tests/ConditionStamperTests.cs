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

    private static ObjectStatus Route(params (string Kind, string Status)[] parents) => new("gateway.networking.k8s.io/v1", "HTTPRoute", "default", "r", 1,
        new RouteStatus
        {
            Parents =
            [
                .. parents.Select(p => new RouteParentStatus
                {
                    ParentRef = new ParentReference { Kind = p.Kind, Namespace = "default", Name = "same-name" },
                    ControllerName = "c",
                    Conditions = [new Condition { Type = "Accepted", Status = p.Status, Reason = "Accepted" }],
                }),
            ],
        });

    /// <summary>A Gateway and a ListenerSet of the same name are two parents: one flipping does not move the other's time.</summary>
    [Fact]
    public void Stamp_RouteParentsOfTheSameNameButAnotherKind_KeepTheirOwnTimes()
    {
        var clock = new ManualClock();
        var stamper = new ConditionStamper(clock);
        stamper.Stamp([Route(("Gateway", "True"), ("ListenerSet", "False"))]);

        clock.Now = clock.Now.AddMinutes(5);
        var parents = ((RouteStatus)stamper.Stamp([Route(("Gateway", "True"), ("ListenerSet", "True"))]).Single().Status).Parents;

        parents[0].Conditions.Single().LastTransitionTime.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        parents[1].Conditions.Single().LastTransitionTime.Should().Be(clock.Now, "the ListenerSet parent's Accepted flipped");
    }
}
