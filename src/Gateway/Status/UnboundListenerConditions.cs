// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Status;

/// <summary>
/// Lays the data plane's failed binds over the translated status: the translator says a valid listener is programmed,
/// but one whose socket the OS refused serves nothing, so it is Programmed=False (reason Pending, "not yet online and
/// ready to accept client traffic"), and so is its Gateway (or the ListenerSet declaring it) while any of its listeners
/// is. Other conditions, and a Programmed condition that is already False for a reason of the translator's, are left as they are.
/// </summary>
internal static class UnboundListenerConditions
{
    public static ImmutableArray<ObjectStatus> Apply(ImmutableArray<ObjectStatus> statuses, ImmutableArray<UnboundListener> unbound)
    {
        if (unbound.IsEmpty)
        {
            return statuses;
        }

        var byGateway = unbound.Where(u => u.ListenerSet is null).ToLookup(u => u.Gateway, StringComparer.Ordinal);
        var byListenerSet = unbound.Where(u => u.ListenerSet is not null).ToLookup(u => u.ListenerSet!, StringComparer.Ordinal);
        var builder = statuses.ToBuilder();
        for (var i = 0; i < builder.Count; i++)
        {
            // Only affected objects get a new instance: the stamper keeps the stamped form of every other one.
            var s = builder[i];
            var key = $"{s.Namespace}/{s.Name}";
            if (s.Status is GatewayStatus gateway && byGateway[key].ToList() is { Count: > 0 } mine
                && Overlay(gateway.Listeners, gateway.Conditions, mine) is var (listeners, conditions))
            {
                builder[i] = s with { Status = gateway with { Listeners = listeners, Conditions = conditions } };
            }
            else if (s.Status is ListenerSetStatus listenerSet && byListenerSet[key].ToList() is { Count: > 0 } its
                && Overlay(listenerSet.Listeners, listenerSet.Conditions, its) is var (setListeners, setConditions))
            {
                builder[i] = s with { Status = listenerSet with { Listeners = setListeners, Conditions = setConditions } };
            }
        }

        return builder.MoveToImmutable();
    }

    /// <summary>The listeners and object conditions with the unbound ones not programmed; null when nothing changes.</summary>
    private static (ImmutableArray<ListenerStatus>, ImmutableArray<Condition>)? Overlay(
        ImmutableArray<ListenerStatus> listeners, ImmutableArray<Condition> objectConditions, List<UnboundListener> unbound)
    {
        var overlaid = new List<UnboundListener>();
        var result = listeners.Select(l =>
        {
            if (unbound.Find(u => u.Listener == l.Name) is not { } failed)
            {
                return l;
            }

            var conditions = NotProgrammed(l.Conditions, $"Listener cannot be bound to {failed.Socket}: {failed.Error}. Retrying until it can.");
            if (conditions == l.Conditions)
            {
                return l;
            }

            overlaid.Add(failed);
            return l with { Conditions = conditions };
        }).ToImmutableArray();

        if (overlaid.Count == 0)
        {
            return null;
        }

        var names = string.Join(", ", overlaid.Select(u => $"{u.Listener} ({u.Socket}: {u.Error})"));
        return (result, NotProgrammed(objectConditions, $"Listeners not bound yet: {names}."));
    }

    /// <summary>The conditions with a True Programmed one replaced by False/Pending; the same instance when there is none.</summary>
    private static ImmutableArray<Condition> NotProgrammed(ImmutableArray<Condition> conditions, string message)
    {
        for (var i = 0; i < conditions.Length; i++)
        {
            if (conditions[i] is { Type: ConditionType.Programmed, Status: "True" })
            {
                return conditions.SetItem(i, conditions[i] with { Status = "False", Reason = Reason.Pending, Message = message });
            }
        }

        return conditions;
    }
}
