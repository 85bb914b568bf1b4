// SPDX-License-Identifier: Apache-2.0
using Gateway.Translation.Status;

namespace Gateway.Translation.Listeners;

/// <summary>
/// Conflicts between a Gateway's listeners and those its ListenerSets add. Upstream merges them in precedence order
/// (the Gateway's own, then ListenerSets oldest first, then by namespace/name) and the later listener loses: it is
/// Conflicted and not accepted, while the one that came first keeps serving.
/// </summary>
internal static class ListenerSetConflicts
{
    /// <param name="listeners">The effective listeners in precedence order (see <see cref="ListenerSets.EffectiveListeners"/>).</param>
    public static void Resolve(List<ListenerPlan> listeners)
    {
        var holders = new List<ListenerPlan>(listeners.Count);
        foreach (var listener in listeners)
        {
            if (listener.Origin is not null && FirstConflict(listener, holders) is { } reason)
            {
                var generation = listener.Generation;
                var message = reason == Reason.ProtocolConflict
                    ? $"A listener that takes precedence uses port {listener.Spec.Port} with another protocol."
                    : $"A listener that takes precedence already serves hostname {Host(listener)} on port {listener.Spec.Port} with {listener.Spec.Protocol}.";
                listener.Conflict = Conditions.True(ConditionType.Conflicted, reason, message, generation);
                listener.NotAccepted = Conditions.False(ConditionType.Accepted, reason, message, generation);
                continue;
            }

            holders.Add(listener);
        }
    }

    private static string? FirstConflict(ListenerPlan listener, List<ListenerPlan> holders)
    {
        foreach (var holder in holders)
        {
            if (holder.Spec.Port != listener.Spec.Port)
            {
                continue;
            }

            if (holder.Spec.Protocol != listener.Spec.Protocol)
            {
                return Reason.ProtocolConflict;
            }

            if (string.Equals(Host(holder), Host(listener), StringComparison.OrdinalIgnoreCase))
            {
                return Reason.HostnameConflict;
            }
        }

        return null;
    }

    private static string Host(ListenerPlan listener) => string.IsNullOrEmpty(listener.Spec.Hostname) ? "*" : listener.Spec.Hostname;
}
