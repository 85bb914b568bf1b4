// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Translation.Tests;

public sealed class StatusPoolTests
{
    private static RouteStatus Status(string gateway, string reason, long generation) => new()
    {
        Parents =
        [
            new RouteParentStatus
            {
                ParentRef = new ParentReference { Group = "gateway.networking.k8s.io", Kind = "Gateway", Namespace = "default", Name = gateway },
                ControllerName = "example.com/gateway",
                Conditions =
                [
                    new Condition { Type = "Accepted", Status = "True", Reason = reason, Message = "ok", ObservedGeneration = generation },
                    new Condition { Type = "ResolvedRefs", Status = "True", Reason = "ResolvedRefs", Message = "ok", ObservedGeneration = generation },
                ],
            },
        ],
    };

    [Fact]
    public void Route_EqualStatuses_AreOneInstance_EqualToWhatWasHandedIn()
    {
        var pool = new StatusPool();

        var first = pool.Route(Status("gw", "Accepted", 1));
        var second = pool.Route(Status("gw", "Accepted", 1));

        second.Should().BeSameAs(first);
        second.Parents.Should().HaveCount(1);
        second.Parents[0].ParentRef.Should().Be(Status("gw", "Accepted", 1).Parents[0].ParentRef);
        second.Parents[0].Conditions.Should().Equal(Status("gw", "Accepted", 1).Parents[0].Conditions);
    }

    [Fact]
    public void Route_StatusesThatDifferAnywhere_StayApart()
    {
        var pool = new StatusPool();
        var accepted = pool.Route(Status("gw", "Accepted", 1));

        pool.Route(Status("other", "Accepted", 1)).Parents[0].ParentRef.Name.Should().Be("other");
        pool.Route(Status("gw", "NotAllowedByListeners", 1)).Parents[0].Conditions[0].Reason.Should().Be("NotAllowedByListeners");
        var newer = pool.Route(Status("gw", "Accepted", 2));

        newer.Should().NotBeSameAs(accepted);
        newer.Parents[0].Conditions.Select(c => c.ObservedGeneration).Should().Equal(2L, 2L);
        accepted.Parents[0].Conditions.Select(c => c.ObservedGeneration).Should().Equal(1L, 1L);
    }
}
