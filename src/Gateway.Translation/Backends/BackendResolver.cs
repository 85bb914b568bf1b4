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
    private ImmutableArray<ClusterSource> _lastTouched = [];

    /// <summary>The clusters referenced so far, sorted by id.</summary>
    public ImmutableArray<Cluster> Clusters => [.. _clusters.Values.OrderBy(c => c.Id, StringComparer.Ordinal)];

    /// <summary>Resolves one reference; on failure returns a null cluster id and the reason.</summary>
    /// <param name="defaultProtocol">
    /// How to speak to a Service port whose appProtocol says nothing: HTTP/1.1 for HTTPRoute, h2c for GRPCRoute (gRPC is
    /// HTTP/2 only). Such a port used by both kinds is two clusters, the h2c one with an id of its own.
    /// </param>
    public (string? ClusterId, string? Reason, string? Message) Resolve(
        HTTPBackendRef reference, string routeKind, string routeNamespace, BackendProtocol defaultProtocol = BackendProtocol.Http1)
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

        var byDefault = defaultProtocol != BackendProtocol.Http1 && AppProtocol(key, servicePort) is null;
        var id = byDefault ? Ids.Cluster(ns, reference.Name, port, defaultProtocol) : Ids.Cluster(ns, reference.Name, port);
        if (_clusters.TryGetValue(id, out var known))
        {
            id = known.Id; // One instance of the id for every route that uses the cluster, not one per route.
        }

        var source = new ClusterSource(id, key, port, byDefault ? defaultProtocol : BackendProtocol.Http1);
        if (known is null)
        {
            _clusters[id] = BuildCluster(source, servicePort);
        }

        _touched.Add(source);
        return (id, null, null);
    }

    /// <summary>The clusters resolved since the last call: what one route needs, for the translation cache.</summary>
    public ImmutableArray<ClusterSource> TakeTouched()
    {
        ImmutableArray<ClusterSource> touched = [.. _touched.Distinct()];
        _touched.Clear();
        // Routes in a row often use the same clusters: they share the array the cache keeps.
        if (touched.AsSpan().SequenceEqual(_lastTouched.AsSpan()))
        {
            return _lastTouched;
        }

        _lastTouched = touched;
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
                _clusters[source.Id] = BuildCluster(source, servicePort);
            }
        }
    }

    /// <summary>The Service port's appProtocol, or else the first its EndpointSlices give.</summary>
    private string? AppProtocol(NamespacedName service, ServicePort servicePort)
    {
        var appProtocol = servicePort.AppProtocol;
        foreach (var slice in index.SlicesByService.GetValueOrDefault(service, []))
        {
            appProtocol ??= slice.Ports.FirstOrDefault(p => (p.Name ?? "") == (servicePort.Name ?? ""))?.AppProtocol;
        }

        return appProtocol;
    }

    private Cluster BuildCluster(ClusterSource source, ServicePort servicePort)
    {
        var endpoints = new SortedSet<(string, int)>();
        var slices = index.SlicesByService.GetValueOrDefault(source.Service, []);
        foreach (var slice in slices)
        {
            var slicePort = slice.Ports.FirstOrDefault(p => (p.Name ?? "") == (servicePort.Name ?? ""));
            var port = slicePort?.Port ?? FallbackPort(servicePort);
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
            Id = source.Id,
            Endpoints = [.. endpoints.Select(e => new ClusterEndpoint(e.Item1, e.Item2))],
            Protocol = AppProtocol(source.Service, servicePort) == "kubernetes.io/h2c" ? BackendProtocol.H2c : source.DefaultProtocol,
        };
    }

    // A slice without ports (hand-written, as in a --config-dir) reaches the numeric targetPort.
    private static int FallbackPort(ServicePort port) =>
        int.TryParse(port.TargetPort, out var target) ? target : port.Port;
}

/// <summary>Where a cluster comes from: a Service port, and the protocol it is spoken to in when its appProtocol says nothing.</summary>
internal readonly record struct ClusterSource(string Id, NamespacedName Service, int Port, BackendProtocol DefaultProtocol);
