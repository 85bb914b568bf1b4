// SPDX-License-Identifier: Apache-2.0
using Gateway.Model;

namespace Gateway.Cli.Status;

/// <summary>
/// The objects the translator passes over without a word in any status, and why: a GatewayClass of another controller, a
/// Gateway of a class that is not ours (or does not exist), a route parentRef naming a Gateway that is missing or not ours.
/// </summary>
internal static class IgnoredObjects
{
    public sealed record Ignored(string Kind, string Name, string Why);

    public static IEnumerable<Ignored> Find(ResourceSnapshot snapshot, string controllerName)
    {
        var classes = snapshot.GatewayClasses.ToDictionary(c => c.Metadata.Name, c => c.Spec.ControllerName, StringComparer.Ordinal);
        foreach (var (name, controller) in classes.Where(c => c.Value != controllerName).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            yield return new("GatewayClass", name, $"controllerName {controller} is not {controllerName}");
        }

        var ours = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gateway in snapshot.Gateways.OrderBy(g => Name(g.Metadata.Namespace, g.Metadata.Name), StringComparer.Ordinal))
        {
            var name = Name(gateway.Metadata.Namespace, gateway.Metadata.Name);
            var className = gateway.Spec.GatewayClassName;
            if (!classes.TryGetValue(className, out var controller))
            {
                yield return new("Gateway", name, $"gatewayClassName {className}: no such GatewayClass");
            }
            else if (controller != controllerName)
            {
                yield return new("Gateway", name, $"gatewayClassName {className}: that class belongs to {controller}");
            }
            else
            {
                ours.Add(name);
            }
        }

        var routes = snapshot.HTTPRoutes.Select(r => ("HTTPRoute", r.Metadata, r.Spec.ParentRefs))
            .Concat(snapshot.GRPCRoutes.Select(r => ("GRPCRoute", r.Metadata, r.Spec.ParentRefs)))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => Name(r.Metadata.Namespace, r.Metadata.Name), StringComparer.Ordinal);
        var gateways = snapshot.Gateways.Select(g => Name(g.Metadata.Namespace, g.Metadata.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (kind, metadata, parents) in routes)
        {
            foreach (var parent in parents.Where(p => p.Kind is null or "Gateway"))
            {
                var gateway = Name(parent.Namespace ?? metadata.Namespace, parent.Name);
                if (!gateways.Contains(gateway))
                {
                    yield return new(kind, Name(metadata.Namespace, metadata.Name), $"parentRef {gateway}: no such Gateway");
                }
                else if (!ours.Contains(gateway))
                {
                    yield return new(kind, Name(metadata.Namespace, metadata.Name), $"parentRef {gateway}: that Gateway is not ours (see above)");
                }
            }
        }
    }

    private static string Name(string? ns, string name) => $"{ns ?? "default"}/{name}";
}
