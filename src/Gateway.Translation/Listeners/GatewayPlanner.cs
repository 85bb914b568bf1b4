// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model.Core;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.Addresses;
using Gateway.Translation.Naming;
using Gateway.Translation.Status;

namespace Gateway.Translation.Listeners;

/// <summary>Validates our Gateways and their listeners: addresses, protocols, conflicts, route kinds.</summary>
internal static class GatewayPlanner
{
    public const string GatewayGroup = "gateway.networking.k8s.io";
    private static readonly ImmutableArray<string> _httpKinds = ["HTTPRoute", "GRPCRoute"];
    private static readonly ImmutableArray<string> _tlsKinds = ["TLSRoute"];
    private static readonly ImmutableArray<string> _tcpKinds = ["TCPRoute"];

    /// <param name="services">The Services in the per-Gateway Services' namespace, by name (empty without them).</param>
    /// <param name="listenerSets">Every ListenerSet; those whose parent is one of these Gateways add their listeners to it.</param>
    public static List<GatewayPlan> Plan(IEnumerable<V1Gateway> gateways, ImmutableArray<V1ListenerSet> listenerSets, TranslationIndex index,
        TranslatorOptions options, CertificateResolver certificates, IReadOnlyDictionary<string, V1Service> services)
    {
        // Oldest first: when two Gateways want the same address and port, the older one keeps it.
        var plans = gateways
            .OrderBy(g => g.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(g => g.Key)
            .Select(g => new GatewayPlan(g))
            .ToList();

        plans.ForEach(CheckParameters);
        ListenerSets.Attach(plans, listenerSets, index);
        AssignAddresses(plans, options);
        if (options.Services is { } serviceOptions)
        {
            AssignContainerPorts(plans, options.ControllerName, serviceOptions, services);
        }

        var boundBy = new Dictionary<(string Address, int Port), NamespacedName>();
        foreach (var plan in plans)
        {
            PlanListeners(plan, boundBy, certificates);
            certificates.ResolveBackendClient(plan);
        }

        return plans;
    }

    /// <summary>We take no per-Gateway parameters, so any spec.infrastructure.parametersRef names something we cannot use.</summary>
    private static void CheckParameters(GatewayPlan plan)
    {
        if (plan.Gateway.Spec.Infrastructure?.ParametersRef is { } reference)
        {
            plan.NotAccepted = Conditions.False(ConditionType.Accepted, Reason.InvalidParameters,
                $"spec.infrastructure.parametersRef {reference.Group}/{reference.Kind} {reference.Name} is not supported: this controller takes "
                + "parameters only on the GatewayClass (a ProxyConfig). Remove the reference.", plan.Gateway.Metadata.Generation);
        }
    }

    private static void AssignAddresses(List<GatewayPlan> plans, TranslatorOptions options)
    {
        var statics = new StaticAddresses(options);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var needPool = new List<GatewayPlan>();
        foreach (var plan in plans.Where(p => p.NotAccepted is null))
        {
            var generation = plan.Gateway.Metadata.Generation;
            var requested = plan.Gateway.Spec.Addresses.IsDefault ? [] : plan.Gateway.Spec.Addresses;
            var unsupported = requested.Where(a => !StaticAddresses.IsSupported(a)).ToList();
            if (unsupported.Count > 0)
            {
                plan.AddressProblem = Conditions.False(ConditionType.Accepted, Reason.UnsupportedAddress,
                    $"Only IPAddress addresses are supported; got {string.Join(", ", unsupported.Select(a => $"{a.Type ?? StaticAddresses.IPAddressType} {a.Value}"))}.", generation);
                continue;
            }

            // An IPAddress without a value asks for one to be assigned, as no address at all does.
            var values = requested.Select(a => a.Value).Where(v => !string.IsNullOrEmpty(v)).ToList();
            if (values.Count == 0)
            {
                needPool.Add(plan);
                continue;
            }

            if (options.Services is not null)
            {
                // In a cluster the address belongs to the Gateway's Service (its load balancer); listeners bind ListenAddress.
                plan.RequestedAddresses = [.. values];
                needPool.Add(plan);
                continue;
            }

            var usable = values.Where(v => statics.WhyUnusable(v) is null).ToList();
            var problems = values.Select(statics.WhyUnusable).OfType<string>().ToList();
            if (problems.Count == 0 && usable.Count > 1)
            {
                problems.Add($"{string.Join(", ", usable.Skip(1))}: a Gateway's listeners bind one address, here {usable[0]}");
            }

            if (problems.Count > 0)
            {
                plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.AddressNotUsable,
                    $"Unusable address: {string.Join("; ", problems)}. Remove it from spec.addresses.", generation);
                plan.StatusAddresses = [.. usable.Select(v => new GatewayAddress { Type = StaticAddresses.IPAddressType, Value = v })];
                continue;
            }

            plan.Address = usable[0];
            taken.Add(usable[0]);
        }

        if (options.AddressPool.IsDefaultOrEmpty || options.Services is not null)
        {
            needPool.ForEach(p => p.Address = options.ListenAddress);
            return;
        }

        var assigned = AddressAllocator.Allocate(needPool.Select(p => p.Key), options.AddressPool, taken);
        foreach (var plan in needPool)
        {
            if (assigned.TryGetValue(plan.Key, out var address))
            {
                plan.Address = address;
            }
            else
            {
                plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.AddressNotAssigned,
                    "The gateway address range has no free address left.", plan.Gateway.Metadata.Generation);
            }
        }
    }

    /// <summary>Per-Gateway Services: each port of a served Gateway gets its own container port, or the Gateway gets none.</summary>
    private static void AssignContainerPorts(List<GatewayPlan> plans, string controllerName, GatewayServiceOptions options, IReadOnlyDictionary<string, V1Service> services)
    {
        var served = plans.Where(p => p.Address is not null).ToList();
        var current = new Dictionary<(NamespacedName, int), int>();
        foreach (var plan in served)
        {
            if (services.GetValueOrDefault(GatewayServices.Name(plan.Key)) is { } service && GatewayServices.IsManaged(service, options, controllerName))
            {
                foreach (var port in service.Spec.Ports)
                {
                    if (int.TryParse(port.TargetPort, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
                    {
                        current[(plan.Key, port.Port)] = target;
                    }
                }
            }
        }

        var allocated = ContainerPortAllocator.Allocate(
            [.. served.Select(p => (p.Key, (IReadOnlyList<int>)[.. ListenerSets.EffectiveListeners(p).Select(l => l.Spec.Port).Distinct().Order()]))],
            options.ContainerPorts, current);
        foreach (var plan in served)
        {
            if (allocated.TryGetValue(plan.Key, out var ports))
            {
                plan.ContainerPorts = ports;
                continue;
            }

            plan.Address = null;
            plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.NoResources,
                $"No free container port left in {options.ContainerPorts} for the listener ports of this Gateway.", plan.Gateway.Metadata.Generation);
        }
    }

    private static void PlanListeners(GatewayPlan plan, Dictionary<(string, int), NamespacedName> boundBy, CertificateResolver certificates)
    {
        var gateway = plan.Gateway;
        foreach (var (spec, origin) in ListenerSets.EffectiveListeners(plan))
        {
            var id = origin is null
                ? Ids.Listener(gateway.Metadata.Namespace ?? "", gateway.Metadata.Name, spec.Name)
                : Ids.ListenerSetListener(gateway.Metadata.Namespace ?? "", gateway.Metadata.Name, origin.Key.Namespace, origin.Key.Name, spec.Name);
            var listener = new ListenerPlan(plan, spec, id) { Origin = origin };
            plan.Listeners.Add(listener);
            origin?.Listeners.Add(listener);
            Validate(listener, certificates);
        }

        MarkConflicts([.. plan.Listeners.Where(l => l.Origin is null)], gateway.Metadata.Generation);
        ListenerSetConflicts.Resolve(plan.Listeners);
        if (plan.Address is null)
        {
            return;
        }

        foreach (var listener in plan.Listeners.Where(l => l.NotAccepted is null))
        {
            var bind = (plan.Address, plan.BindPort(listener.Spec.Port));
            if (boundBy.TryGetValue(bind, out var owner) && owner != plan.Key)
            {
                listener.NotAccepted = Conditions.False(ConditionType.Accepted, Reason.PortUnavailable,
                    $"Gateway {owner} already listens on {plan.Address}:{bind.Item2}.", listener.Generation);
                continue;
            }

            boundBy[bind] = plan.Key;
        }
    }

    /// <summary>Protocol, TLS settings, certificates and route kinds of one listener.</summary>
    private static void Validate(ListenerPlan listener, CertificateResolver certificates)
    {
        var spec = listener.Spec;
        var generation = listener.Generation;
        listener.Protocol = spec.Protocol switch
        {
            "HTTP" => ListenerProtocol.Http,
            "HTTPS" => ListenerProtocol.Https,
            "TLS" when (spec.Tls?.Mode ?? "Terminate") == "Passthrough" => ListenerProtocol.TlsPassthrough,
            "TCP" => ListenerProtocol.Tcp,
            _ => null,
        };
        if (listener.Protocol is null && spec.Protocol == "TLS")
        {
            listener.NotAccepted = Conditions.False(ConditionType.Accepted, Reason.UnsupportedValue,
                $"TLS listeners support tls.mode Passthrough only; {spec.Tls?.Mode ?? "Terminate"} is not supported yet.", generation);
        }
        else if (listener.Protocol is null)
        {
            listener.NotAccepted = Conditions.False(ConditionType.Accepted, Reason.UnsupportedProtocol,
                $"Protocol {spec.Protocol} is not supported yet; supported: HTTP, HTTPS, TLS (Passthrough), TCP.", generation);
        }
        else if (listener.Protocol == ListenerProtocol.Https && (spec.Tls?.Mode ?? "Terminate") != "Terminate")
        {
            listener.NotAccepted = Conditions.False(ConditionType.Accepted, Reason.UnsupportedProtocol,
                $"HTTPS listeners terminate TLS; tls.mode {spec.Tls?.Mode} needs a TLS listener.", generation);
        }
        else if (listener.Protocol == ListenerProtocol.Https)
        {
            certificates.Resolve(listener, generation);
            certificates.ClientValidation.Resolve(listener, generation);
        }

        // A listener whose protocol we cannot serve supports no route kind at all.
        ResolveKinds(listener, generation);
    }

    /// <summary>The route kinds a listener of this protocol can carry; none for a protocol we do not serve.</summary>
    private static ImmutableArray<string> KindsFor(ListenerProtocol? protocol) => protocol switch
    {
        null => [],
        ListenerProtocol.TlsPassthrough => _tlsKinds,
        ListenerProtocol.Tcp => _tcpKinds,
        _ => _httpKinds,
    };

    private static void ResolveKinds(ListenerPlan listener, long? generation)
    {
        var requested = listener.Spec.AllowedRoutes?.Kinds ?? [];
        var kinds = KindsFor(listener.Protocol);
        if (requested.IsDefaultOrEmpty)
        {
            listener.SupportedKinds = [.. kinds.Select(k => new RouteGroupKind { Group = GatewayGroup, Kind = k })];
            return;
        }

        // Kinds asked of a protocol we do not serve are all invalid: a TLS listener asking for HTTPRoute says so.
        var valid = requested.Where(k => (k.Group ?? GatewayGroup) == GatewayGroup && kinds.Contains(k.Kind)).ToList();
        listener.SupportedKinds = [.. valid.Select(k => new RouteGroupKind { Group = GatewayGroup, Kind = k.Kind })];
        if (valid.Count != requested.Length)
        {
            var invalid = requested.Where(k => !valid.Contains(k)).Select(k => $"{k.Group ?? GatewayGroup}/{k.Kind}");
            listener.UnresolvedRefs = Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidRouteKinds,
                $"Unsupported route kinds: {string.Join(", ", invalid)}.", generation);
        }
    }

    private static void MarkConflicts(List<ListenerPlan> listeners, long? generation)
    {
        foreach (var samePort in listeners.GroupBy(l => l.Spec.Port))
        {
            var group = samePort.ToList();
            if (group.Select(l => l.Spec.Protocol).Distinct().Count() > 1)
            {
                group.ForEach(l => l.Conflict = Conditions.True(ConditionType.Conflicted, Reason.ProtocolConflict,
                    $"Another listener on port {l.Spec.Port} uses a different protocol.", generation));
                continue;
            }

            foreach (var sameHost in group.GroupBy(l => (l.Spec.Hostname ?? "").ToLowerInvariant()).Where(g => g.Count() > 1))
            {
                foreach (var l in sameHost)
                {
                    l.Conflict = Conditions.True(ConditionType.Conflicted, Reason.HostnameConflict,
                        $"Another listener on port {l.Spec.Port} has the same hostname.", generation);
                }
            }
        }
    }
}
