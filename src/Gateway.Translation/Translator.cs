// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Core;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Addresses;
using Gateway.Translation.Attachment;
using Gateway.Translation.Backends;
using Gateway.Translation.GatewayClasses;
using Gateway.Translation.Listeners;
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
        // Statuses are gathered per kind, each already in namespace/name order, and joined in kind order at the end:
        // sorting 10,000 route statuses on every change would cost more than translating the one route that changed.
        var classStatuses = new List<ObjectStatus>();
        var gatewayStatuses = new List<ObjectStatus>();
        var proxyConfigStatuses = new List<ObjectStatus>();

        var ourClasses = resources.GatewayClasses
            .Where(c => c.Spec.ControllerName == options.ControllerName)
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        var acceptedClasses = new HashSet<string>(StringComparer.Ordinal);
        var features = SupportedFeatures.AsStatus(options);
        foreach (var gatewayClass in ourClasses)
        {
            var status = GatewayClassTranslator.Translate(gatewayClass, index, features);
            if (status.Conditions[0].Status == "True")
            {
                acceptedClasses.Add(gatewayClass.Metadata.Name);
            }

            classStatuses.Add(new ObjectStatus(GatewayApiVersion, "GatewayClass", null, gatewayClass.Metadata.Name, gatewayClass.Metadata.Generation, status));
        }

        // Each ProxyConfig an accepted class of ours names is read once, however many classes share it.
        var proxyConfigs = new Dictionary<Model.Meta.NamespacedName, V1Alpha1ProxyConfig>();
        foreach (var proxyConfig in resources.ProxyConfigs)
        {
            proxyConfigs.TryAdd(proxyConfig.Key, proxyConfig);
        }
        var settings = new SortedDictionary<Model.Meta.NamespacedName, (V1Alpha1ProxyConfig Object, ProxyConfigSettings Settings)>();
        var classSettings = new Dictionary<string, ProxyConfigSettings>(StringComparer.Ordinal);
        foreach (var gatewayClass in ourClasses.Where(c => acceptedClasses.Contains(c.Metadata.Name)))
        {
            if (gatewayClass.Spec.ParametersRef is not { Group: V1Alpha1ProxyConfig.Group, Kind: V1Alpha1ProxyConfig.KindName } reference
                || !proxyConfigs.TryGetValue(new Model.Meta.NamespacedName(reference.Namespace ?? "", reference.Name), out var proxyConfig))
            {
                continue;
            }

            if (!settings.TryGetValue(proxyConfig.Key, out var known))
            {
                settings[proxyConfig.Key] = known = (proxyConfig, ProxyConfigSettings.From(proxyConfig.Spec));
            }

            classSettings[gatewayClass.Metadata.Name] = known.Settings;
        }

        foreach (var (proxyConfig, parsed) in settings.Values)
        {
            proxyConfigStatuses.Add(new ObjectStatus($"{V1Alpha1ProxyConfig.Group}/v1alpha1", V1Alpha1ProxyConfig.KindName, proxyConfig.Metadata.Namespace,
                proxyConfig.Metadata.Name, proxyConfig.Metadata.Generation, StatusOf(parsed, proxyConfig.Metadata.Generation)));
        }

        var ourGateways = resources.Gateways.Where(g => acceptedClasses.Contains(g.Spec.GatewayClassName));
        var certificates = new CertificateResolver(index);
        var servicesByName = options.Services is not null
            ? resources.Services.Where(s => s.Metadata.Namespace == options.Services.Namespace).ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal)
            : [];
        var plans = GatewayPlanner.Plan(ourGateways, resources.ListenerSets, index, options, certificates, servicesByName);
        var byKey = plans.ToDictionary(p => p.Key);
        var listenerSets = plans.SelectMany(p => p.ListenerSets).ToDictionary(s => s.Key);
        var backends = new BackendResolver(index);
        var attacher = new ParentAttacher(byKey, listenerSets, index, options.ControllerName);

        var listenersById = plans.SelectMany(p => p.Listeners).GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var listener in listenersById.Values)
        {
            // As many hostnames as last time is the best guess, and saves growing a 10,000-entry map step by step.
            listener.Hosts.EnsureCapacity(cache?.VirtualHosts(listener.Id)?.InOrder.Length ?? 0);
        }

        var routes = new RouteKindTranslator(backends, attacher, listenersById, cache);
        var grpcRoutes = routes.Translate(GRPCRouteTranslator.Instance, resources.GRPCRoutes);
        var httpRoutes = routes.Translate(HTTPRouteTranslator.Instance, resources.HTTPRoutes);
        var tcpRoutes = routes.Translate(TCPRouteTranslator.Instance, resources.TCPRoutes);
        var tlsRoutes = routes.Translate(TLSRouteTranslator.Instance, resources.TLSRoutes);
        cache?.Replace(routes.Translated);
        var crossServingRejects = CrossServing.Reject(grpcRoutes, httpRoutes);
        var grpcRouteStatuses = routes.Attach(grpcRoutes, crossServingRejects);
        var routeStatuses = routes.Attach(httpRoutes, crossServingRejects);
        var tcpRouteStatuses = routes.Attach(tcpRoutes, crossServingRejects);
        var tlsRouteStatuses = routes.Attach(tlsRoutes, crossServingRejects);

        var listeners = ImmutableArray.CreateBuilder<Snapshot.Listener>();
        var listenerSetStatuses = new List<ObjectStatus>();
        var layer4 = new List<Snapshot.Listener>();
        var services = ImmutableArray.CreateBuilder<V1Service>();
        foreach (var plan in plans.OrderBy(p => p.Key))
        {
            var parameters = classSettings.GetValueOrDefault(plan.Gateway.Spec.GatewayClassName);
            if (options.Services is { } serviceOptions && plan.ContainerPorts is { Count: > 0 })
            {
                var service = GatewayServices.Desired(plan, serviceOptions, options.ControllerName, parameters?.Service);
                services.Add(service);
                GatewayServices.ReportAddresses(plan, service, servicesByName.GetValueOrDefault(service.Metadata.Name), options.ControllerName, serviceOptions);
            }

            var gatewayStatus = GatewayStatusBuilder.Build(plan);
            gatewayStatuses.Add(new ObjectStatus(GatewayApiVersion, "Gateway", plan.Key.Namespace, plan.Key.Name,
                plan.Gateway.Metadata.Generation, gatewayStatus));
            listenerSetStatuses.AddRange(plan.ListenerSets.Select(set => new ObjectStatus(GatewayApiVersion, V1ListenerSet.KindName,
                set.Key.Namespace, set.Key.Name, set.Generation, ListenerSetStatusBuilder.Build(set, gatewayStatus))));
            layer4.AddRange(plan.Listeners.Where(l => l.IsUsable && plan.Address is not null && Layer4ListenerBuilder.IsLayer4(l))
                .Select(l => Layer4ListenerBuilder.Build(ToSnapshot(l, plan, cache: null))));
            listeners.AddRange(plan.Listeners.Where(l => l.IsUsable && plan.Address is not null && !Layer4ListenerBuilder.IsLayer4(l))
                .Select(l => ToSnapshot(l, plan, cache) with
                {
                    AccessLog = parameters?.AccessLog == true,
                    RouteLabels = parameters?.RouteLabels == true,
                    TracingSamplingRatio = parameters?.TracingSamplingRatio,
                    Defaults = parameters?.Defaults,
                    ConnectionLimits = parameters?.ConnectionLimits,
                    PassiveHealthCheck = parameters?.PassiveHealthCheck,
                    ActiveHealthCheck = parameters?.ActiveHealthCheck,
                    ClientLimits = parameters?.ClientLimits,
                    Http2 = parameters?.Http2,
                    DrainPeriod = parameters?.DrainPeriod,
                }));
        }

        var (clusters, policyStatuses) = BackendTlsPolicies.Apply(index, backends.Clusters, byKey, options.ControllerName);
        var snapshot = new ProxySnapshot
        {
            Listeners = [.. listeners.OrderBy(l => l.Id, StringComparer.Ordinal)],
            Layer4Listeners = layer4.Count == 0 ? default : [.. layer4.OrderBy(l => l.Id, StringComparer.Ordinal)],
            Clusters = clusters,
            Certificates = [.. certificates.Certificates],
        };
        // Kind order (ordinal): BackendTLSPolicy < GRPCRoute < Gateway < GatewayClass < HTTPRoute < ListenerSet < ProxyConfig < TCPRoute < TLSRoute.
        return new TranslationResult(snapshot,
            [.. policyStatuses, .. grpcRouteStatuses, .. gatewayStatuses, .. classStatuses, .. routeStatuses,
                .. listenerSetStatuses.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal), .. proxyConfigStatuses,
                .. tcpRouteStatuses, .. tlsRouteStatuses],
            [.. services.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Accepted (False when a value was ignored, saying which). Connected and lastSyncTime are run-time facts that the
    /// status store adds: whether proxies have the config is known only when they do.
    /// </summary>
    private static ProxyConfigStatus StatusOf(ProxyConfigSettings settings, long? generation) => new()
    {
        Conditions =
        [
            settings.Problems.IsEmpty
                ? Conditions.True(ConditionType.Accepted, Reason.Accepted, "All settings are in force.", generation)
                : Conditions.False(ConditionType.Accepted, Reason.InvalidParameters,
                    string.Join(" ", settings.Problems) + " Invalid values are ignored; the other settings are in force.", generation),
        ],
    };

    private static Snapshot.Listener ToSnapshot(ListenerPlan listener, GatewayPlan gateway, TranslationCache? cache) => new()
    {
        Id = listener.Id,
        Gateway = gateway.Key.ToString(),
        Address = gateway.Address!,
        Port = gateway.BindPort(listener.Spec.Port),
        PublicPort = listener.Spec.Port,
        Protocol = listener.Protocol!.Value,
        Hostname = string.IsNullOrEmpty(listener.Spec.Hostname) ? null : listener.Spec.Hostname.ToLowerInvariant(),
        CertificateIds = listener.CertificateIds,
        ClientValidation = listener.ClientValidation,
        BackendClientCertificateId = gateway.BackendClientCertificateId,
        Infrastructure = Infrastructure(gateway.Gateway.Spec.Infrastructure),
        VirtualHosts = VirtualHostBuilder.Build(listener, cache),
    };

    private static InfrastructureMetadata? Infrastructure(GatewayInfrastructure? infrastructure) =>
        infrastructure is { Labels.Count: > 0 } or { Annotations.Count: > 0 }
            ? new InfrastructureMetadata
            {
                Labels = (infrastructure.Labels ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal),
                Annotations = (infrastructure.Annotations ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal),
            }
            : null;
}
