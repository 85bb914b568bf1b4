// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Gateway.EndToEnd.Tests.Observability;

/// <summary>The access log as a user reads it: one JSON object per request in the JSON log format, one line in text.</summary>
[Trait("Category", "EndToEnd")]
[Collection(ProcessWideCollection.Name)]
public sealed class AccessLogTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task JsonFormat_WritesOneObjectPerRequest_WithEveryField()
    {
        using var console = new ConsoleCapture();
        await using var gateway = new GatewayUnderTest();
        gateway.Options.LogFormat = "json";
        var (port, backendPort) = await ServeAsync(gateway);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/app/items?token=secret"));
        request.Headers.UserAgent.ParseAdd("access-log-test/1.0");
        request.Headers.Add("x-request-id", "given-id-1");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        using var response = await gateway.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var bodyLength = (await response.Content.ReadAsByteArrayAsync()).Length;

        var entry = await EntryAsync(console, "given-id-1");
        entry.GetProperty("method").GetString().Should().Be("GET");
        entry.GetProperty("authority").GetString().Should().Be($"127.0.0.1:{port}");
        entry.GetProperty("path").GetString().Should().Be("/app/items", "the query string is left out unless --access-log-query asks for it");
        entry.GetProperty("protocol").GetString().Should().Be("HTTP/1.1");
        entry.GetProperty("status").GetInt32().Should().Be(200);
        entry.GetProperty("bytes_received").GetInt64().Should().Be(0, "a GET has no body");
        entry.GetProperty("bytes_sent").GetInt64().Should().Be(bodyLength);
        entry.GetProperty("upstream").GetString().Should().Be($"http://127.0.0.1:{backendPort}");
        var duration = entry.GetProperty("duration_ms").GetDouble();
        var upstreamDuration = entry.GetProperty("upstream_duration_ms").GetDouble();
        upstreamDuration.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(duration);
        entry.GetProperty("route").GetString().Should().Be("HTTPRoute/default/r");
        entry.GetProperty("listener").GetString().Should().Contain("default/gw");
        entry.GetProperty("user_agent").GetString().Should().Be("access-log-test/1.0");
        entry.GetProperty("client").GetString().Should().Be("127.0.0.1");
        entry.GetProperty("trace_id").GetString().Should().Be(TraceId);
        var time = entry.GetProperty("time").GetDateTime();
        time.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task RequestWithoutId_GetsOne_ThatTheBackendSeesAndTheLogShows()
    {
        using var console = new ConsoleCapture();
        await using var gateway = new GatewayUnderTest();
        gateway.Options.LogFormat = "json";
        gateway.Options.AccessLogQuery = true;
        var (port, _) = await ServeAsync(gateway);

        var echo = JsonDocument.Parse(await gateway.GetStringAsync($"http://127.0.0.1:{port}/app?q=1")).RootElement;
        var forwarded = echo.GetProperty("headers").GetProperty("x-request-id").GetString();
        forwarded.Should().NotBeNullOrEmpty();

        var entry = await EntryAsync(console, forwarded!);
        entry.GetProperty("path").GetString().Should().Be("/app?q=1");
        entry.GetProperty("trace_id").ValueKind.Should().Be(JsonValueKind.Null, "the request carried no traceparent and tracing is off");

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/app")) { Content = new StringContent("hello") };
        post.Headers.Add("x-request-id", "post-1");
        (await gateway.Client.SendAsync(post)).EnsureSuccessStatusCode();
        (await EntryAsync(console, "post-1")).GetProperty("bytes_received").GetInt64().Should().Be(5);

        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/nothing-here"))).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        await Eventually.TrueAsync(() => Task.FromResult(Entries(console).Any(e => e.GetProperty("path").GetString() == "/nothing-here"
            && e.GetProperty("status").GetInt32() == 404 && e.GetProperty("route").GetString() == "none"
            && e.GetProperty("upstream").ValueKind == JsonValueKind.Null)), "the unmatched request is logged with no route and no upstream");
    }

    [Fact]
    public async Task TextFormat_WritesOneReadableLine()
    {
        using var console = new ConsoleCapture();
        await using var gateway = new GatewayUnderTest();
        var (port, backendPort) = await ServeAsync(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/app"));
        request.Headers.Add("x-request-id", "text-id-1");
        (await gateway.Client.SendAsync(request)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => Task.FromResult(console.Lines.Any(l => l.Contains("request_id=text-id-1", StringComparison.Ordinal)
            && l.Contains($"GET 127.0.0.1:{port}/app HTTP/1.1 200", StringComparison.Ordinal)
            && l.Contains($"upstream=http://127.0.0.1:{backendPort}", StringComparison.Ordinal)
            && l.Contains("route=HTTPRoute/default/r", StringComparison.Ordinal))),
            "a text access-log line for the request; captured:\n" + string.Join('\n', console.Lines.TakeLast(5)));
    }

    private static async Task<(int Port, int BackendPort)> ServeAsync(GatewayUnderTest gateway)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/app", "echo")));
        await gateway.StartAsync();
        return (port, backend.Port);
    }

    private static async Task<JsonElement> EntryAsync(ConsoleCapture console, string requestId)
    {
        JsonElement? found = null;
        await Eventually.TrueAsync(() =>
        {
            found = Entries(console).FirstOrDefault(e => e.GetProperty("request_id").GetString() == requestId) is { ValueKind: JsonValueKind.Object } e ? e : null;
            return Task.FromResult(found is not null);
        }, $"the access log has request {requestId}");
        return found!.Value;
    }

    /// <summary>The access-log objects among the captured lines (other log events are compact JSON with "@t").</summary>
    private static IEnumerable<JsonElement> Entries(ConsoleCapture console)
    {
        foreach (var line in console.Lines)
        {
            if (line.StartsWith("{\"time\"", StringComparison.Ordinal))
            {
                yield return JsonDocument.Parse(line).RootElement;
            }
        }
    }
}
