// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>Reading conditions out of /status the way the upstream conformance suite reads them from the API.</summary>
internal static class StatusAssertions
{
    public static async Task RouteParentConditionAsync(ConformanceGateway gateway, string route, string type, string status, string reason, string ns = ConformanceGateway.InfraNamespace)
    {
        var routeStatus = await gateway.StatusOfAsync("HTTPRoute", ns, route);
        var conditions = routeStatus["parents"]![0]!["conditions"]!.AsArray();
        AssertCondition(conditions, type, status, reason, $"HTTPRoute {ns}/{route}");
    }

    public static async Task ListenerConditionAsync(ConformanceGateway gateway, string gatewayName, string listener, string type, string status, string reason)
    {
        var gatewayStatus = await gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, gatewayName);
        var conditions = gatewayStatus["listeners"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == listener)!["conditions"]!.AsArray();
        AssertCondition(conditions, type, status, reason, $"listener {gatewayName}/{listener}");
    }

    public static async Task GatewayConditionAsync(ConformanceGateway gateway, string gatewayName, string type, string status, string reason)
    {
        var gatewayStatus = await gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, gatewayName);
        AssertCondition(gatewayStatus["conditions"]!.AsArray(), type, status, reason, $"Gateway {gatewayName}");
    }

    private static void AssertCondition(JsonArray conditions, string type, string status, string reason, string what)
    {
        var condition = conditions.SingleOrDefault(c => c!["type"]!.GetValue<string>() == type);
        condition.Should().NotBeNull($"{what} must have a {type} condition");
        condition!["status"]!.GetValue<string>().Should().Be(status, $"{what} {type}: {condition}");
        condition["reason"]!.GetValue<string>().Should().Be(reason, $"{what} {type}: {condition}");
    }
}
