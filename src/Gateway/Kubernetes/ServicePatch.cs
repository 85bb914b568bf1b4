// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Model.Core;
using Gateway.Translation.Addresses;

namespace Gateway.Kubernetes;

/// <summary>
/// The merge patch that brings a live per-Gateway Service to the fields we own, or null when they already match.
/// We own our labels and the labels and annotations we propagated (a key the Gateway or its class dropped is
/// removed), spec.type, spec.selector, spec.loadBalancerIP, and each port's name, port, targetPort and protocol.
/// Everything else (clusterIP, nodePorts, other labels and annotations, status) stays as others set it.
/// </summary>
internal static class ServicePatch
{
    public static JsonObject? Between(V1Service desired, V1Service live)
    {
        var dropped = GatewayServices.Propagated(live);
        var wanted = GatewayServices.Propagated(desired);
        var metadata = new JsonObject();
        var droppedAnnotations = dropped.Annotations.Except(wanted.Annotations)
            .Concat(live.Metadata.Annotations?.ContainsKey(GatewayServices.PropagatedAnnotation) == true ? [GatewayServices.PropagatedAnnotation] : []);
        AddIfAny(metadata, "labels", MapPatch(desired.Metadata.Labels, live.Metadata.Labels, dropped.Labels.Except(wanted.Labels)));
        AddIfAny(metadata, "annotations", MapPatch(desired.Metadata.Annotations, live.Metadata.Annotations, droppedAnnotations));

        var spec = new JsonObject();
        if (desired.Spec.Type != live.Spec.Type)
        {
            spec["type"] = desired.Spec.Type;
        }

        // The selector is ours entirely: a key someone added would narrow it to no pods.
        AddIfAny(spec, "selector", MapPatch(desired.Spec.Selector, live.Spec.Selector, live.Spec.Selector?.Keys ?? []));
        if (desired.Spec.LoadBalancerIP != live.Spec.LoadBalancerIP)
        {
            spec["loadBalancerIP"] = desired.Spec.LoadBalancerIP;
        }

        if (!SamePorts(desired.Spec.Ports, live.Spec.Ports))
        {
            spec["ports"] = Ports(desired, live);
        }

        if (metadata.Count == 0 && spec.Count == 0)
        {
            return null;
        }

        metadata["resourceVersion"] = live.Metadata.ResourceVersion;
        return new JsonObject { ["metadata"] = metadata, ["spec"] = spec };
    }

    /// <summary>Keys whose value differs, and null for removable keys the desired map lacks.</summary>
    private static JsonObject MapPatch(ImmutableDictionary<string, string>? desired, ImmutableDictionary<string, string>? live, IEnumerable<string> removable)
    {
        var patch = new JsonObject();
        foreach (var (key, value) in desired ?? ImmutableDictionary<string, string>.Empty)
        {
            if (live?.GetValueOrDefault(key) != value)
            {
                patch[key] = value;
            }
        }

        foreach (var key in removable.Where(k => desired?.ContainsKey(k) != true && live?.ContainsKey(k) == true))
        {
            patch[key] = null;
        }

        return patch;
    }

    private static void AddIfAny(JsonObject parent, string name, JsonObject patch)
    {
        if (patch.Count > 0)
        {
            parent[name] = patch;
        }
    }

    private static bool SamePorts(ImmutableArray<ServicePort> desired, ImmutableArray<ServicePort> live) =>
        desired.Length == live.Length && desired.All(d => live.Any(l =>
            l.Port == d.Port && l.Name == d.Name && l.TargetPort == d.TargetPort && (l.Protocol ?? "TCP") == d.Protocol));

    /// <summary>A merge patch replaces the whole list, so each port keeps the nodePort the API server gave it.</summary>
    private static JsonArray Ports(V1Service desired, V1Service live)
    {
        var ports = new JsonArray();
        foreach (var port in desired.Spec.Ports)
        {
            var node = System.Text.Json.JsonSerializer.SerializeToNode(port, GatewayServices.Json)!.AsObject();
            if (desired.Spec.Type != GatewayServices.ClusterIP && live.Spec.Ports.FirstOrDefault(l => l.Port == port.Port)?.NodePort is { } nodePort)
            {
                node["nodePort"] = nodePort;
            }

            ports.Add(node);
        }

        return ports;
    }
}
