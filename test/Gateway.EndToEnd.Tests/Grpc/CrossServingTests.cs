// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json.Nodes;
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// The GRPCRoute spec's cross-serving rule seen from outside: an HTTPRoute and a GRPCRoute sharing hostnames on one
/// listener are not both served; the older (then the first by namespace/name) keeps the listener and the other is
/// Accepted=False/HostnameConflict. The GRPCRoute "streaming" has no creationTimestamp here, so it counts as oldest.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrossServingTests
{
    [Fact]
    public async Task NewerHttpRoute_OnTheGrpcRoutesHostnames_IsRejected_AndGrpcStillServed()
    {
        await using var grpc = await GrpcGateway.StartAsync(HttpRoute("web", "2026-01-01T00:00:00Z"));

        var accepted = await AcceptedOfAsync(grpc.Gateway, "HTTPRoute", "web");

        accepted["status"]!.GetValue<string>().Should().Be("False");
        accepted["reason"]!.GetValue<string>().Should().Be("HostnameConflict");
        accepted["message"]!.GetValue<string>().Should().Contain("GRPCRoute default/streaming");
        (await grpc.Client.UnaryAsync(new Note { Text = "hi" })).Backend.Should().Be("default/grpc");
        (await grpc.Gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{grpc.Port}/web"))).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "the rejected HTTPRoute serves nothing");
    }

    [Fact]
    public async Task HttpRouteFirstByName_KeepsTheListener_UntilItIsDeleted()
    {
        // Equally old (no creationTimestamp): default/a-web comes before default/streaming.
        await using var grpc = await GrpcGateway.StartAsync();
        grpc.Gateway.WriteFile("web.yaml", HttpRoute("a-web", null));

        await Eventually.TrueAsync(async () => (await grpc.Gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{grpc.Port}/web"))).IsSuccessStatusCode,
            "the HTTPRoute is served");
        var accepted = await AcceptedOfAsync(grpc.Gateway, "GRPCRoute", "streaming", "False");
        accepted["reason"]!.GetValue<string>().Should().Be("HostnameConflict");
        var refused = await grpc.Invoking(g => g.Client.UnaryAsync(new Note { Text = "hi" }).ResponseAsync).Should().ThrowAsync<RpcException>();
        refused.Which.StatusCode.Should().Be(StatusCode.Unimplemented, "no accepted GRPCRoute is left on the listener");

        grpc.Gateway.WriteFile("web.yaml", "");

        await AcceptedOfAsync(grpc.Gateway, "GRPCRoute", "streaming", "True");
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await grpc.Client.UnaryAsync(new Note { Text = "hi" })).Backend == "default/grpc";
            }
            catch (RpcException)
            {
                return false;
            }
        }, "the GRPCRoute is served again once the HTTPRoute is gone");
    }

    /// <summary>An HTTPRoute on gw for /web, created at <paramref name="created"/> (or with no creationTimestamp).</summary>
    private static string HttpRoute(string name, string? created) =>
        Manifests.Route(name, "gw", "/web", "http").Replace($"  name: {name}\n", created is null ? $"  name: {name}\n" : $"  name: {name}\n  creationTimestamp: \"{created}\"\n", StringComparison.Ordinal);

    /// <summary>The Accepted condition of a route's one parent, once it has the expected status (if one is given).</summary>
    private static async Task<JsonNode> AcceptedOfAsync(GatewayUnderTest gateway, string kind, string name, string? status = null)
    {
        JsonNode? accepted = null;
        await Eventually.TrueAsync(async () =>
        {
            var items = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!["items"]!.AsArray();
            accepted = items.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == kind && i["metadata"]!["name"]!.GetValue<string>() == name)
                ?["status"]?["parents"]?[0]?["conditions"]?.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Accepted");
            return accepted is not null && (status is null || accepted["status"]!.GetValue<string>() == status);
        }, $"{kind} {name} is Accepted={status ?? "anything"}");
        return accepted!;
    }
}
