// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Core;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.Naming;
using Gateway.Translation.References;
using Gateway.Translation.Status;

namespace Gateway.Translation.Backends;

/// <summary>Turns backendRefs into clusters: one per Service port, endpoints from every EndpointSlice of the Service.</summary>
internal sealed class BackendResolver(TranslationIndex index)
{
    private readonly Dictionary<string, Cluster> _clusters = new(StringComparer.Ordinal);
    private readonly List<ClusterSource> _touched = [];

    /// <summary>The clusters referenced so far, sorted by id.</summary>
    public ImmutableArray<Cluster> Clusters => [.. _clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal)];

    /// <summary>Resolves one reference; on failure returns a null cluster id and the reason.</summary>
    public (string? ClusterId, string? Reason, string? Message) Resolve(HTTPBackendRef reference, string routeKind, string routeNamespace)
    {
        var group = reference.Group ?? "";
        var kind = reference.Kind ?? "Service";
        if (group != "" || kind != "Service")
        {
            return (null, Reason.InvalidKind, $"Backend kind {group}/{kind} is not supported; use a Service.");
        }

        var ns = reference.Namespace ?? routeNamespace;
        if (!ReferenceGrants.Permits(index.Resources.ReferenceGrants, "gateway.networking.k8s.io", routeKind, routeNamespace, "", "Service", ns, reference.Name))
        {
            return (null, Reason.RefNotPermitted, $"No ReferenceGrant in {ns} allows a {routeKind} from {routeNamespace} to use Service {reference.Name}.");
        }

        var key = new NamespacedName(ns, reference.Name);
        if (!index.Services.TryGetValue(key, out var service))
        {
            return (null, Reason.BackendNotFound, $"Service {key} does not exist.");
        }

        if (reference.Port is not { } port)
        {
            return (null, Reason.UnsupportedValue, $"backendRef to Service {key} must set a port.");
        }

        var servicePort = service.Spec.Ports.FirstOrDefault(p => p.Port == port);
        if (servicePort is null)
        {
            return (null, Reason.BackendNotFound, $"Service {key} has no port {port}.");
        }

        var id = Ids.Cluster(ns, reference.Name, port);
        if (!_clusters.TryGetValue(id, out var cluster))
        {
            _clusters[id] = cluster = BuildCluster(id, key, servicePort);
        }

        _touched.Add(new ClusterSource(id, key, port));
        return (id, null, null);
    }

    /// <summary>The clusters resolved since the last call: what one route needs, for the translation cache.</summary>
    public ImmutableArray<ClusterSource> TakeTouched()
    {
        ImmutableArray<ClusterSource> touched = [.. _touched.Distinct()];
        _touched.Clear();
        return touched;
    }

    /// <summary>
    /// Builds the clusters a cached route needs from the current EndpointSlices, so endpoint churn does not force
    /// every route to be translated again.
    /// </summary>
    public void Register(ImmutableArray<ClusterSource> sources)
    {
        foreach (var source in sources)
        {
            if (!_clusters.ContainsKey(source.Id)
                && index.Services.TryGetValue(source.Service, out var service)
                && service.Spec.Ports.FirstOrDefault(p => p.Port == source.Port) is { } servicePort)
            {
                _clusters[source.Id] = BuildCluster(source.Id, source.Service, servicePort);
            }
        }
    }

    private Cluster BuildCluster(string id, NamespacedName service, ServicePort servicePort)
    {
        var endpoints = new SortedSet<(string, int)>();
        var appProtocol = servicePort.AppProtocol;
        var slices = index.SlicesByService.GetValueOrDefault(service, []);
        foreach (var slice in slices)
        {
            var slicePort = slice.Ports.FirstOrDefault(p => (p.Name ?? "") == (servicePort.Name ?? ""));
            var port = slicePort?.Port ?? FallbackPort(servicePort);
            appProtocol ??= slicePort?.AppProtocol;
            foreach (var endpoint in slice.Endpoints.Where(e => e.Conditions?.Ready != false))
            {
                foreach (var address in endpoint.Addresses)
                {
                    endpoints.Add((address, port));
                }
            }
        }

        return new Cluster
        {
            Id = id,
            Endpoints = [.. endpoints.Select(e => new ClusterEndpoint(e.Item1, e.Item2))],
            Protocol = appProtocol == "kubernetes.io/h2c" ? BackendProtocol.H2c : BackendProtocol.Http1,
        };
    }

    // A slice without ports (hand-written, as in a --config-dir) reaches the numeric targetPort.
    private static int FallbackPort(ServicePort port) =>
        int.TryParse(port.TargetPort, out var target) ? target : port.Port;
}

/// <summary>Where a cluster comes from: a Service port.</summary>
internal readonly record struct ClusterSource(string Id, NamespacedName Service, int Port);
