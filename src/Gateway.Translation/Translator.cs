// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Attachment;
using Gateway.Translation.Backends;
using Gateway.Translation.GatewayClasses;
using Gateway.Translation.Listeners;
using Gateway.Translation.Ordering;
using Gateway.Translation.Routes;
using Gateway.Translation.Status;

namespace Gateway.Translation;

/// <summary>
/// The pure heart of the gateway: every watched object in, the proxy snapshot and every object's status out.
/// No I/O, no clock, no logging; the same input always gives the same output, whatever its order.
/// </summary>
public static class Translator
{
    public const string GatewayApiVersion = "gateway.networking.k8s.io/v1";

    public static TranslationResult Translate(ResourceSnapshot resources, TranslatorOptions options, TranslationCache? cache = null)
    {
        cache?.Validate(resources, options);
        var index = new TranslationIndex(resources);
        var statuses = ImmutableArray.CreateBuilder<ObjectStatus>();

        var ourClasses = resources.GatewayClasses
            .Where(c => c.Spec.ControllerName == options.ControllerName)
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        var acceptedClasses = new HashSet<string>(StringComparer.Ordinal);
        var features = SupportedFeatures.AsStatus();
        foreach (var gatewayClass in ourClasses)
        {
            var status = GatewayClassTranslator.Translate(gatewayClass, index, features);
            if (status.Conditions[0].Status == "True")
            {
                acceptedClasses.Add(gatewayClass.Metadata.Name);
            }

            statuses.Add(new ObjectStatus(GatewayApiVersion, "GatewayClass", null, gatewayClass.Metadata.Name, gatewayClass.Metadata.Generation, status));
        }

        var classParameters = ourClasses
            .Where(c => acceptedClasses.Contains(c.Metadata.Name))
            .Select(c => (c.Metadata.Name, Parameters: ReferencedProxyConfigs(resources, [c]).FirstOrDefault()))
            .Where(c => c.Parameters is not null)
            .ToDictionary(c => c.Name, c => c.Parameters!.Spec, StringComparer.Ordinal);
        // Our ProxyConfigs get a status; what it says (Connected, lastSyncTime) is a run-time fact the status store adds.
        foreach (var proxyConfig in ReferencedProxyConfigs(resources, ourClasses.Where(c => acceptedClasses.Contains(c.Metadata.Name))))
        {
            statuses.Add(new ObjectStatus($"{V1Alpha1ProxyConfig.Group}/v1alpha1", V1Alpha1ProxyConfig.KindName, proxyConfig.Metadata.Namespace,
                proxyConfig.Metadata.Name, proxyConfig.Metadata.Generation, new ProxyConfigStatus()));
        }

        var ourGateways = resources.Gateways.Where(g => acceptedClasses.Contains(g.Spec.GatewayClassName));
        var certificates = new CertificateResolver(index);
        var plans = GatewayPlanner.Plan(ourGateways, options, certificates);
        var byKey = plans.ToDictionary(p => p.Key);
        var backends = new BackendResolver(index);
        var attacher = new ParentAttacher(byKey, index, options.ControllerName);

        var listenersById = plans.SelectMany(p => p.Listeners).GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var cached = cache?.Routes;
        var nextCache = new Dictionary<V1HTTPRoute, CachedRoute>(ReferenceEqualityComparer.Instance);
        var attachments = new List<ListenerAttachment>();
        foreach (var route in resources.HTTPRoutes.OrderBy(r => r.Key))
        {
            if (cached is not null && cached.TryGetValue(route, out var hit))
            {
                backends.Register(hit.Clusters);
                ParentAttacher.Apply(hit.Attachments.Select(a => new ListenerAttachment(listenersById[a.ListenerId], a.Hosts)), hit.Verdict.Entries);
                if (hit.Status is not null)
                {
                    statuses.Add(hit.Status);
                }

                nextCache[route] = hit;
                continue;
            }

            var verdict = HTTPRouteTranslator.Translate(route, backends);
            attachments.Clear();
            var parents = attacher.Attach(HTTPRouteTranslator.Kind, route.Metadata, route.Spec.ParentRefs, route.Spec.Hostnames, verdict, attachments);
            ParentAttacher.Apply(attachments, verdict.Entries);
            var status = parents.Length == 0 ? null : new ObjectStatus(GatewayApiVersion, HTTPRouteTranslator.Kind, route.Metadata.Namespace,
                route.Metadata.Name, route.Metadata.Generation, new RouteStatus { Parents = parents });
            if (status is not null)
            {
                statuses.Add(status);
            }

            nextCache[route] = new CachedRoute(verdict, [.. attachments.Select(a => (a.Listener.Id, a.Hosts))], status, backends.TakeTouched());
        }

        cache?.Replace(nextCache);

        var listeners = ImmutableArray.CreateBuilder<Snapshot.Listener>();
        foreach (var plan in plans.OrderBy(p => p.Key))
        {
            statuses.Add(new ObjectStatus(GatewayApiVersion, "Gateway", plan.Key.Namespace, plan.Key.Name,
                plan.Gateway.Metadata.Generation, GatewayStatusBuilder.Build(plan)));
            var parameters = classParameters.GetValueOrDefault(plan.Gateway.Spec.GatewayClassName);
            var defaults = Defaults(parameters);
            listeners.AddRange(plan.Listeners.Where(l => l.IsUsable && plan.Address is not null)
                .Select(l => ToSnapshot(l, plan.Address!) with { AccessLog = parameters?.AccessLog == true, Defaults = defaults }));
        }

        var snapshot = new ProxySnapshot
        {
            Listeners = [.. listeners.OrderBy(l => l.Id, StringComparer.Ordinal)],
            Clusters = backends.Clusters,
            Certificates = [.. certificates.Certificates],
        };
        var ordered = statuses
            .OrderBy(s => s.Kind, StringComparer.Ordinal)
            .ThenBy(s => s.Namespace ?? "", StringComparer.Ordinal)
            .ThenBy(s => s.Name, StringComparer.Ordinal);
        return new TranslationResult(snapshot, [.. ordered]);
    }

    /// <summary>ProxyConfig timeouts as listener defaults; a duration that does not parse is ignored (the CRD schema validates it).</summary>
    private static ListenerDefaults? Defaults(ProxyConfigSpec? parameters)
    {
        if (parameters?.Timeouts is not { } timeouts)
        {
            return null;
        }

        TimeSpan? Parse(string? text) => Routes.Durations.TryParse(text, out var value) && value > TimeSpan.Zero ? value : null;
        return new ListenerDefaults(Parse(timeouts.Request), Parse(timeouts.Idle));
    }

    /// <summary>The ProxyConfigs our accepted GatewayClasses use as parameters.</summary>
    private static IEnumerable<V1Alpha1ProxyConfig> ReferencedProxyConfigs(ResourceSnapshot resources, IEnumerable<V1GatewayClass> classes)
    {
        var wanted = classes
            .Select(c => c.Spec.ParametersRef)
            .Where(p => p is { Group: V1Alpha1ProxyConfig.Group, Kind: V1Alpha1ProxyConfig.KindName })
            .Select(p => new Model.Meta.NamespacedName(p!.Namespace ?? "", p.Name))
            .ToHashSet();
        return resources.ProxyConfigs.Where(p => wanted.Contains(p.Key)).OrderBy(p => p.Key);
    }

    private static Snapshot.Listener ToSnapshot(ListenerPlan listener, string address) => new()
    {
        Id = listener.Id,
        Gateway = listener.Gateway.Key.ToString(),
        Address = address,
        Port = listener.Spec.Port,
        Protocol = listener.Protocol!.Value,
        Hostname = string.IsNullOrEmpty(listener.Spec.Hostname) ? null : listener.Spec.Hostname.ToLowerInvariant(),
        CertificateIds = listener.CertificateIds,
        ClientValidation = listener.ClientValidation,
        VirtualHosts =
        [
            .. listener.Hosts
                .OrderByDescending(h => Hostnames.Specificity(h.Key))
                .ThenBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => new VirtualHost
                {
                    Hostname = h.Key,
                    Routes = [.. h.Value.Order(RoutePrecedence.Instance).Select(e => e.Route)],
                }),
        ],
    };
}
