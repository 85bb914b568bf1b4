// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Gateway.EndToEnd.Tests;

/// <summary>HTTPRoute retry (experimental channel): codes, attempts, backoff.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RetryTests
{
    private static string RetryRoute(string backends, string retry) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: retried
        spec:
          parentRefs:
          - name: gw
          rules:
          - backendRefs:
        {backends}
            retry:
        {retry}
        """;

    [Fact]
    public async Task DeadEndpoint_IsRetriedOnTheHealthyBackend_SoNoRequestFails()
    {
        await using var gateway = new GatewayUnderTest();
        var good = await gateway.StartBackendAsync("good");
        var port = TestPorts.Free();
        var dead = TestPorts.Free(); // Nothing listens here: connections are refused.
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("good", good.Port), Manifests.Backend("dead", dead),
            RetryRoute("    - {name: good, port: 80}\n    - {name: dead, port: 80}", "      codes: [502, 503]\n      attempts: 30\n      backoff: 1ms")));
        await gateway.StartAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode);
        }

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK, "half the picks hit the dead endpoint and are retried (30 retries make a 31-fold miss all but impossible)");
    }

    [Fact]
    public async Task RetryableStatus_IsRetriedAttemptsTimes_ThenReturned()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("flaky");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("flaky", backend.Port),
            RetryRoute("    - {name: flaky, port: 80}", "      codes: [500]\n      attempts: 2\n      backoff: 1ms")));
        await gateway.StartAsync();
        var path = $"/always-500-{Guid.NewGuid():N}";

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}{path}"));
        request.Headers.Add("X-Echo-Status", "500");
        var response = await gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"backend\":\"flaky\"", "the last attempt's answer reaches the client");
        backend.Received.Count(r => r.Contains(path, StringComparison.Ordinal)).Should().Be(3, "one try and two retries");
    }

    [Fact]
    public async Task PostBody_IsSentAgainOnRetry()
    {
        await using var gateway = new GatewayUnderTest();
        var good = await gateway.StartBackendAsync("good");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("good", good.Port), Manifests.Backend("dead", TestPorts.Free()),
            RetryRoute("    - name: dead\n      port: 80\n      weight: 4\n    - name: good\n      port: 80\n      weight: 1", "      codes: [502, 503]\n      attempts: 100\n      backoff: 1ms")));
        await gateway.StartAsync();

        var response = await gateway.Client.PostAsync(new Uri($"http://127.0.0.1:{port}/submit"), new StringContent("payload"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"Content-Length\":\"7\"");
    }
}
