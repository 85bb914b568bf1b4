// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.Listeners;
using Gateway.Translation.Naming;
using Gateway.Translation.References;
using Gateway.Translation.Status;

namespace Gateway.Translation.Backends;

/// <summary>
/// BackendTLSPolicies: which Service ports get TLS (the policy for the port's name wins over one for the whole
/// Service; between equals the oldest wins and the others are Conflicted), with which CA, SNI and names; a port whose
/// policy has no usable CA is left out of the snapshot, so requests to it answer 500 rather than go out in plain text.
/// Status is reported for each of our Gateways whose routes lead to a targeted Service.
/// </summary>
internal static class BackendTlsPolicies
{
    private const string PolicyApiVersion = "gateway.networking.k8s.io/v1";

    public static (ImmutableArray<Cluster> Clusters, List<ObjectStatus> Statuses) Apply(
        TranslationIndex index, ImmutableArray<Cluster> clusters, IReadOnlyDictionary<NamespacedName, GatewayPlan> gateways, string controllerName)
    {
        var policies = index.Resources.BackendTLSPolicies;
        if (policies.IsEmpty)
        {
            return (clusters, []);
        }

        var verdicts = new Dictionary<V1BackendTLSPolicy, Verdict>(ReferenceEqualityComparer.Instance);
        foreach (var policy in policies)
        {
            verdicts[policy] = Validate(policy, index);
        }

        var winners = new Dictionary<(NamespacedName Service, string? Section), V1BackendTLSPolicy>();
        var conflicted = new HashSet<V1BackendTLSPolicy>(ReferenceEqualityComparer.Instance);
        foreach (var policy in policies.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(p => p.Key))
        {
            foreach (var target in Targets(policy))
            {
                if (!winners.TryAdd(target, policy) && !ReferenceEquals(winners[target], policy))
                {
                    conflicted.Add(policy);
                }
            }
        }

        var byCluster = new Dictionary<string, V1BackendTLSPolicy>(StringComparer.Ordinal);
        foreach (var ((service, section), policy) in winners.OrderBy(w => w.Key.Section is null ? 0 : 1))
        {
            if (!index.Services.TryGetValue(service, out var svc))
            {
                continue;
            }

            foreach (var port in svc.Spec.Ports.Where(p => section is null || p.Name == section))
            {
                // A section's policy, set last, wins. The port's cluster spoken to in a route kind's default protocol
                // (h2c for GRPCRoute) is the same Service port: the policy applies to it too.
                byCluster[Ids.Cluster(service.Namespace, service.Name, port.Port)] = policy;
                byCluster[Ids.Cluster(service.Namespace, service.Name, port.Port, BackendProtocol.H2c)] = policy;
            }
        }

        var result = ImmutableArray.CreateBuilder<Cluster>(clusters.Length);
        foreach (var cluster in clusters)
        {
            if (!byCluster.TryGetValue(cluster.Id, out var policy))
            {
                result.Add(cluster);
            }
            else if (verdicts[policy].Tls is { } tls)
            {
                result.Add(cluster with { Tls = tls });
            }
        }

        var ancestors = Ancestors(index, gateways);
        var statuses = new List<ObjectStatus>();
        foreach (var policy in policies.OrderBy(p => p.Key))
        {
            var refs = Targets(policy).SelectMany(t => ancestors.GetValueOrDefault(t.Service) ?? []).Distinct().Order().ToList();
            if (refs.Count == 0)
            {
                continue;
            }

            var conditions = Conditions(verdicts[policy], conflicted.Contains(policy), policy.Metadata.Generation);
            statuses.Add(new ObjectStatus(PolicyApiVersion, V1BackendTLSPolicy.KindName, policy.Metadata.Namespace, policy.Metadata.Name,
                policy.Metadata.Generation, new PolicyStatus
                {
                    Ancestors = [.. refs.Select(g => new PolicyAncestorStatus
                    {
                        AncestorRef = new ParentReference { Group = GatewayPlanner.GatewayGroup, Kind = "Gateway", Namespace = g.Namespace, Name = g.Name },
                        ControllerName = controllerName,
                        Conditions = conditions,
                    })],
                }));
        }

        return (result.ToImmutable(), statuses);
    }

    private sealed record Verdict(BackendTls? Tls, Condition? Unresolved);

    private static IEnumerable<(NamespacedName Service, string? Section)> Targets(V1BackendTLSPolicy policy) =>
        policy.Spec.TargetRefs
            .Where(t => t.Group == "" && t.Kind == "Service")
            .Select(t => (new NamespacedName(policy.Metadata.Namespace ?? "", t.Name), string.IsNullOrEmpty(t.SectionName) ? null : t.SectionName))
            .Distinct();

    private static Verdict Validate(V1BackendTLSPolicy policy, TranslationIndex index)
    {
        var validation = policy.Spec.Validation;
        var generation = policy.Metadata.Generation;
        var ns = policy.Metadata.Namespace ?? "";
        Condition? unresolved = null;
        var pems = new List<string>();
        foreach (var reference in validation.CaCertificateRefs)
        {
            if (reference.Group != "" || reference.Kind != "ConfigMap")
            {
                unresolved ??= Status.Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidKind,
                    $"CA certificate reference {reference.Group}/{reference.Kind} {reference.Name}: only ConfigMaps are supported.", generation);
                continue;
            }

            var key = new NamespacedName(ns, reference.Name);
            if (CaBundles.Read(index.Resources.ConfigMaps.FirstOrDefault(c => c.Key == key)) is { } pem)
            {
                pems.Add(pem.Trim());
                continue;
            }

            unresolved ??= Status.Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidCACertificateRef,
                $"ConfigMap {key} does not exist or has no PEM certificates under {CaBundles.Key}.", generation);
        }

        var system = validation.WellKnownCACertificates == "System";
        if (pems.Count == 0 && !system)
        {
            return new Verdict(null, unresolved ?? Status.Conditions.False(ConditionType.ResolvedRefs, Reason.InvalidCACertificateRef,
                "No CA certificate: set caCertificateRefs or wellKnownCACertificates: System.", generation));
        }

        var names = validation.SubjectAltNames
            .Select(n => n.Type == "URI" ? $"URI:{n.Uri}" : n.Hostname ?? "")
            .Where(n => n.Length > 0);
        return new Verdict(new BackendTls
        {
            Hostname = validation.Hostname,
            CaCertificatesPem = pems.Count == 0 ? null : string.Join("\n", pems) + "\n",
            SubjectAltNames = [.. names],
        }, unresolved);
    }

    private static ImmutableArray<Condition> Conditions(Verdict verdict, bool conflicted, long? generation)
    {
        var accepted = verdict.Tls is null
            ? Status.Conditions.False(ConditionType.Accepted, Reason.NoValidCACertificate, "No usable CA certificate; requests to the targeted ports answer 500.", generation)
            : conflicted
                ? Status.Conditions.False(ConditionType.Accepted, Reason.Conflicted, "An older policy already targets the same Service (and port name).", generation)
                : Status.Conditions.True(ConditionType.Accepted, Reason.Accepted, "Policy is accepted.", generation);
        var resolved = verdict.Unresolved ?? Status.Conditions.True(ConditionType.ResolvedRefs, Reason.ResolvedRefs, "All references resolved.", generation);
        return [accepted, resolved];
    }

    /// <summary>Service → our Gateways that an HTTPRoute attached to them sends to it.</summary>
    private static Dictionary<NamespacedName, List<NamespacedName>> Ancestors(TranslationIndex index, IReadOnlyDictionary<NamespacedName, GatewayPlan> gateways)
    {
        var result = new Dictionary<NamespacedName, List<NamespacedName>>();
        foreach (var route in index.Resources.HTTPRoutes)
        {
            var routeNs = route.Metadata.Namespace ?? "";
            var parents = route.Spec.ParentRefs
                .Where(p => (p.Group ?? GatewayPlanner.GatewayGroup) == GatewayPlanner.GatewayGroup && (p.Kind ?? "Gateway") == "Gateway")
                .Select(p => new NamespacedName(p.Namespace ?? routeNs, p.Name))
                .Where(gateways.ContainsKey)
                .ToList();
            if (parents.Count == 0)
            {
                continue;
            }

            foreach (var backend in route.Spec.Rules.SelectMany(r => r.BackendRefs).Where(b => (b.Group ?? "") == "" && (b.Kind ?? "Service") == "Service"))
            {
                var service = new NamespacedName(backend.Namespace ?? routeNs, backend.Name);
                if (!result.TryGetValue(service, out var list))
                {
                    result[service] = list = [];
                }

                list.AddRange(parents);
            }
        }

        return result;
    }
}
