// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Listeners;

namespace Gateway.Translation.Status;

/// <summary>A ListenerSet's conditions and per-listener status, from its plan and its Gateway's finished status.</summary>
internal static class ListenerSetStatusBuilder
{
    public static ListenerSetStatus Build(ListenerSetPlan set, GatewayStatus gateway)
    {
        var generation = set.Generation;
        if (set.NotAllowed is { } notAllowed)
        {
            return new ListenerSetStatus
            {
                Conditions = [notAllowed, Conditions.False(ConditionType.Programmed, Reason.NotAllowed, notAllowed.Message, generation)],
            };
        }

        var (accepted, programmed) = Summary(set, gateway);
        return new ListenerSetStatus
        {
            Conditions = [accepted, programmed],
            Listeners = [.. set.Listeners.Select(GatewayStatusBuilder.ListenerStatusOf)],
        };
    }

    /// <summary>Accepted and Programmed: the parent's verdict first, then whether any listener is valid.</summary>
    private static (Condition Accepted, Condition Programmed) Summary(ListenerSetPlan set, GatewayStatus gateway)
    {
        var generation = set.Generation;
        if (gateway.Conditions.First(c => c.Type == ConditionType.Accepted).Status != "True")
        {
            var message = $"Gateway {set.Gateway.Key} is not accepted.";
            return (Conditions.False(ConditionType.Accepted, Reason.ParentNotAccepted, message, generation),
                Conditions.False(ConditionType.Programmed, Reason.ParentNotAccepted, message, generation));
        }

        var usable = set.Listeners.Count(l => l.IsUsable);
        if (usable == 0)
        {
            return (Conditions.False(ConditionType.Accepted, Reason.ListenersNotValid, "No listener is valid.", generation),
                Conditions.False(ConditionType.Programmed, Reason.ListenersNotValid, "No listener is valid.", generation));
        }

        var accepted = usable == set.Listeners.Count
            ? Conditions.True(ConditionType.Accepted, Reason.Accepted, $"Listeners are attached to Gateway {set.Gateway.Key}.", generation)
            : Conditions.True(ConditionType.Accepted, Reason.ListenersNotValid, "Some listeners are not valid.", generation);
        var programmed = gateway.Conditions.First(c => c.Type == ConditionType.Programmed).Status == "True"
            ? Conditions.True(ConditionType.Programmed, Reason.Programmed, "ListenerSet is programmed.", generation)
            : Conditions.False(ConditionType.Programmed, Reason.Invalid, $"Gateway {set.Gateway.Key} is not programmed; see its Programmed condition.", generation);
        return (accepted, programmed);
    }
}
