// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Gateway.Model.Core;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Listeners;
using Gateway.Translation.Status;

namespace Gateway.Translation.Addresses;

/// <summary>
/// The Service each Gateway gets in a cluster: its name and labels, the shape we want, and the addresses it
/// has been given, which become the Gateway's status.addresses.
/// </summary>
public static class GatewayServices
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string GatewayNameLabel = "gateway.networking.k8s.io/gateway-name";
    public const string GatewayNamespaceLabel = "gateway.seed.dev/gateway-namespace";

    /// <summary>Lists the label and annotation keys we copied from the Gateway and its class, so one dropped there is removed here.</summary>
    public const string PropagatedAnnotation = "gateway.seed.dev/propagated-metadata";
    public const string LoadBalancer = "LoadBalancer";
    public const string NodePort = "NodePort";
    public const string ClusterIP = "ClusterIP";
    private const int MaxName = 63;

    /// <summary>How a Service (or part of one) is written for the API server.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions _compact = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// gateway-{namespace}-{name}, cut to fit 63 characters, always with a hash of namespace/name at the end:
    /// without it a/b-c and a-b/c would share a name. A DNS-1035 label, so it is a valid Service name.
    /// </summary>
    public static string Name(NamespacedName gateway)
    {
        var hash = StableHash.Of(gateway.ToString()).ToString("x8", CultureInfo.InvariantCulture);
        var readable = $"gateway-{gateway.Namespace}-{gateway.Name}".ToLowerInvariant().Replace('.', '-');
        readable = readable[..Math.Min(readable.Length, MaxName - hash.Length - 1)].TrimEnd('-');
        return $"{readable}-{hash}";
    }

    /// <summary>The managed-by label value for this controller name (a label value allows no '/').</summary>
    public static string ManagedBy(string controllerName) => LabelValue(controllerName);

    /// <summary>A Service this controller made (and may change or delete): ours by label, in the Services' namespace.</summary>
    public static bool IsManaged(V1Service service, GatewayServiceOptions options, string controllerName) =>
        service.Metadata.Namespace == options.Namespace
        && service.Metadata.Labels?.GetValueOrDefault(ManagedByLabel) == ManagedBy(controllerName);

    /// <summary>The Service we want for a Gateway whose listener ports have container ports.</summary>
    internal static V1Service Desired(GatewayPlan plan, GatewayServiceOptions options, string controllerName, ProxyConfigService? parameters)
    {
        var gateway = plan.Gateway;
        var infrastructure = gateway.Spec.Infrastructure;

        // Ours last: a Gateway's labels must not take the Service away from us. The Gateway's annotations override the class's.
        var labels = (infrastructure?.Labels ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal)
            .SetItem(ManagedByLabel, ManagedBy(controllerName))
            .SetItem(GatewayNameLabel, LabelValue(gateway.Metadata.Name))
            .SetItem(GatewayNamespaceLabel, gateway.Metadata.Namespace ?? "");
        var annotations = (parameters?.Annotations ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal)
            .SetItems(infrastructure?.Annotations ?? ImmutableDictionary<string, string>.Empty);
        var propagated = new PropagatedKeys([.. (infrastructure?.Labels?.Keys ?? []).Where(k => k is not (ManagedByLabel or GatewayNameLabel or GatewayNamespaceLabel)).Order(StringComparer.Ordinal)], [.. annotations.Keys]);
        if (!propagated.Labels.IsEmpty || !propagated.Annotations.IsEmpty)
        {
            annotations = annotations.SetItem(PropagatedAnnotation, JsonSerializer.Serialize(propagated, _compact));
        }

        var type = Type(parameters);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta
            {
                Name = Name(plan.Key),
                Namespace = options.Namespace,
                Labels = labels.ToImmutableDictionary(StringComparer.Ordinal),
                Annotations = annotations.IsEmpty ? null : annotations.ToImmutableDictionary(StringComparer.Ordinal),
            },
            Spec = new ServiceSpec
            {
                Type = type,
                Selector = options.Selector.ToImmutableDictionary(StringComparer.Ordinal),
                LoadBalancerIP = type == LoadBalancer && !plan.RequestedAddresses.IsEmpty ? plan.RequestedAddresses[0] : null,
                Ports = [.. plan.ContainerPorts!.Select(p => new ServicePort
                {
                    Name = PortName(plan, p.Key),
                    Port = p.Key,
                    TargetPort = p.Value.ToString(CultureInfo.InvariantCulture),
                    Protocol = "TCP",
                })],
            },
        };
    }

    /// <summary>A Service as the API server takes it, with every object's keys in order (so the same Service is the same text).</summary>
    public static JsonObject ToJson(V1Service service) => (JsonObject)Sorted(JsonSerializer.SerializeToNode(service, Json)!);

    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(item => item is null ? null : Sorted(item))]),
        _ => node.DeepClone(),
    };

    /// <summary>The keys a Service's <see cref="PropagatedAnnotation"/> lists (none when it has none or it does not parse).</summary>
    public static PropagatedKeys Propagated(V1Service service)
    {
        try
        {
            return service.Metadata.Annotations?.GetValueOrDefault(PropagatedAnnotation) is { } text
                ? JsonSerializer.Deserialize<PropagatedKeys>(text, Json) ?? PropagatedKeys.None
                : PropagatedKeys.None;
        }
        catch (JsonException)
        {
            return PropagatedKeys.None;
        }
    }

    /// <summary>
    /// status.addresses from the Service as observed: a LoadBalancer's ingress, otherwise its cluster IP. Until there is
    /// one, or while a requested address is missing from it, the Gateway is Programmed=False/AddressNotAssigned.
    /// </summary>
    internal static void ReportAddresses(GatewayPlan plan, V1Service desired, V1Service? observed, string controllerName, GatewayServiceOptions options)
    {
        var generation = plan.Gateway.Metadata.Generation;
        var where = $"Service {desired.Metadata.Namespace}/{desired.Metadata.Name}";
        if (observed is not null && !IsManaged(observed, options, controllerName))
        {
            plan.StatusAddresses = [];
            plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.AddressNotAssigned,
                $"{where} exists but was not made by this controller (it lacks label {ManagedByLabel}={ManagedBy(controllerName)}); delete it so the controller can make its own.", generation);
            return;
        }

        var addresses = observed is null ? [] : Addresses(observed, desired.Spec.Type!);
        plan.StatusAddresses = addresses;
        if (addresses.IsEmpty)
        {
            plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.AddressNotAssigned,
                observed is null ? $"Waiting for {where} to be created." : $"Waiting for {where} to get an address.", generation);
            return;
        }

        var missing = plan.RequestedAddresses.Where(r => !addresses.Any(a => a.Value == r)).ToList();
        if (missing.Count > 0)
        {
            plan.AddressProblem = Conditions.False(ConditionType.Programmed, Reason.AddressNotAssigned,
                $"Requested {string.Join(", ", missing)} not assigned: {where} ({desired.Spec.Type}) has {string.Join(", ", addresses.Select(a => a.Value))}.", generation);
        }
    }

    private static ImmutableArray<GatewayAddress> Addresses(V1Service observed, string type)
    {
        if (type == LoadBalancer)
        {
            var ingress = observed.Status?.LoadBalancer?.Ingress ?? [];
            return [.. ingress.Select(i => !string.IsNullOrEmpty(i.Ip)
                    ? new GatewayAddress { Type = "IPAddress", Value = i.Ip }
                    : new GatewayAddress { Type = "Hostname", Value = i.Hostname ?? "" })
                .Where(a => a.Value.Length > 0)];
        }

        return observed.Spec.ClusterIP is { } clusterIP && IPAddress.TryParse(clusterIP, out _)
            ? [new GatewayAddress { Type = "IPAddress", Value = clusterIP }]
            : [];
    }

    /// <summary>The class's Service type; anything but NodePort or ClusterIP (the CRD allows no other) is LoadBalancer.</summary>
    private static string Type(ProxyConfigService? parameters) => parameters?.Type switch
    {
        NodePort => NodePort,
        ClusterIP => ClusterIP,
        _ => LoadBalancer,
    };

    /// <summary>http-80, https-443; another protocol (which we do not serve yet) is tcp-N.</summary>
    private static string PortName(GatewayPlan plan, int port) =>
        ListenerSets.EffectiveListeners(plan).First(l => l.Spec.Port == port).Spec.Protocol switch
        {
            "HTTP" => "http",
            "HTTPS" => "https",
            _ => "tcp",
        } + "-" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text as a label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric (a hash stands in for a long tail).</summary>
    private static string LabelValue(string text)
    {
        var value = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            value.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var result = value.ToString();
        if (result.Length > MaxName)
        {
            result = $"{result[..(MaxName - 9)]}-{StableHash.Of(text):x8}";
        }

        return result.Trim('-', '_', '.');
    }
}

/// <summary>The label and annotation keys a Service got from its Gateway's infrastructure and its class's ProxyConfig.</summary>
public sealed record PropagatedKeys(ImmutableArray<string> Labels, ImmutableArray<string> Annotations)
{
    public static readonly PropagatedKeys None = new([], []);
}
