// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Listeners;

namespace Gateway.Translation.Status;

/// <summary>Gateway and listener conditions from a finished plan.</summary>
internal static class GatewayStatusBuilder
{
    public static GatewayStatus Build(GatewayPlan plan)
    {
        var generation = plan.Gateway.Metadata.Generation;
        // ListenerSets' listeners are reported in their own status, not the Gateway's.
        var own = plan.Listeners.Where(l => l.Origin is null).ToList();
        var listeners = own.Select(ListenerStatusOf).ToList();

        var usable = own.Count(l => l.IsUsable);
        var allValid = usable == own.Count;
        Condition accepted;
        if ((plan.NotAccepted ?? plan.AddressProblem) is { Type: ConditionType.Accepted } notAccepted)
        {
            accepted = notAccepted;
        }
        else if (usable == 0 && own.Count > 0)
        {
            accepted = Conditions.False(ConditionType.Accepted, Reason.ListenersNotValid, "No listener is valid.", generation);
        }
        else
        {
            accepted = allValid
                ? Conditions.True(ConditionType.Accepted, Reason.Accepted, "Gateway is accepted.", generation)
                : Conditions.True(ConditionType.Accepted, Reason.ListenersNotValid, "Some listeners are not valid.", generation);
        }

        Condition programmed = accepted.Status == "False"
            ? Conditions.False(ConditionType.Programmed, Reason.Invalid, "The Gateway is not accepted; see its Accepted condition.", generation)
            : plan.AddressProblem is { Type: ConditionType.Programmed } addressNotProgrammed
            ? addressNotProgrammed
            : plan.Address is null
                ? Conditions.False(ConditionType.Programmed, Reason.Invalid, "Gateway has no usable address.", generation)
                : usable == 0
                    ? Conditions.False(ConditionType.Programmed, Reason.Invalid, "Gateway has no valid listener.", generation)
                    : Conditions.True(ConditionType.Programmed, Reason.Programmed, "Gateway is programmed.", generation);

        return new GatewayStatus
        {
            Addresses = plan.StatusAddresses ?? (plan.Address is null ? [] : [new GatewayAddress { Type = "IPAddress", Value = plan.Address }]),
            Conditions = [.. GatewayConditions(plan, accepted, programmed)],
            Listeners = [.. listeners],
            AttachedListenerSets = plan.Gateway.Spec.AllowedListeners is null ? null
                : accepted.Status != "True" ? 0
                : plan.ListenerSets.Count(s => s.NotAllowed is null && s.Listeners.Any(l => l.IsUsable)),
        };
    }

    public static ListenerStatus ListenerStatusOf(ListenerPlan l) => new()
    {
        Name = l.Spec.Name,
        SupportedKinds = l.SupportedKinds,
        AttachedRoutes = l.AttachedRoutes,
        Conditions = [.. ListenerConditions(l, l.Generation)],
    };

    private static IEnumerable<Condition> GatewayConditions(GatewayPlan plan, Condition accepted, Condition programmed)
    {
        yield return accepted;
        yield return programmed;
        if (plan.ResolvedRefs is { } resolvedRefs)
        {
            yield return resolvedRefs;
        }

        if (InsecureFallback(plan.Gateway) is { } where)
        {
            yield return Conditions.True(ConditionType.InsecureFrontendValidationMode, Reason.ConfigurationChanged,
                $"Client certificate validation lets clients without a valid certificate through (AllowInsecureFallback) {where}.", plan.Gateway.Metadata.Generation);
        }
    }

    /// <summary>Where spec.tls.frontend allows insecure fallback ("by default", "on port 8443", ...), or null.</summary>
    private static string? InsecureFallback(V1Gateway gateway)
    {
        const string insecure = "AllowInsecureFallback";
        var frontend = gateway.Spec.Tls?.Frontend;
        var places = new List<string>();
        if (frontend?.Default?.Validation?.Mode == insecure)
        {
            places.Add("by default");
        }

        places.AddRange(frontend?.PerPort.Where(p => p.Tls?.Validation?.Mode == insecure).Select(p => $"on port {p.Port}") ?? []);
        return places.Count == 0 ? null : string.Join(" and ", places);
    }

    private static IEnumerable<Condition> ListenerConditions(ListenerPlan l, long? generation)
    {
        yield return l.NotAccepted ?? Conditions.True(ConditionType.Accepted, Reason.Accepted, "Listener is accepted.", generation);
        yield return l.Conflict ?? Conditions.False(ConditionType.Conflicted, Reason.NoConflicts, "No conflicts.", generation);
        yield return l.UnresolvedRefs ?? Conditions.True(ConditionType.ResolvedRefs, Reason.ResolvedRefs, "All references resolved.", generation);
        yield return !l.IsUsable
            // A ListenerSet's listener that lost a conflict says which (upstream), a Gateway's own one stays Invalid.
            ? Conditions.False(ConditionType.Programmed, l is { Origin: not null, Conflict: { } lost } ? lost.Reason : Reason.Invalid, "Listener is not valid.", generation)
            : l.Gateway.Address is null
                ? Conditions.False(ConditionType.Programmed, Reason.Invalid, "The Gateway has nowhere to bind its listeners; see its Programmed condition.", generation)
                : Conditions.True(ConditionType.Programmed, Reason.Programmed, "Listener is programmed.", generation);
    }
}
