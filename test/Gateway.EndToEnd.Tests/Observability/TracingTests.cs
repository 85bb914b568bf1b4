// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Proxy.Diagnostics;

namespace Gateway.EndToEnd.Tests.Observability;

/// <summary>
/// A trace through the gateway: the client's span → the gateway's server span (exported over OTLP to a loopback
/// receiver) → the backend, which sees a traceparent whose parent is the gateway's span.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ProcessWideCollection.Name)]
public sealed class TracingTests
{
    private const string ClientTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ClientSpanId = "b7ad6b7169203331";

    [Fact]
    public async Task GatewaySpan_SitsBetweenTheClientSpanAndTheBackend()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var environment = new OtelEnvironment(receiver.Port);
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{tracing: {samplingRatio: 1}}");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/app"));
        request.Headers.Add("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        request.Headers.Add("tracestate", "vendor=abc");
        var echo = await EchoedHeadersAsync(gateway, request);

        var traceparent = echo.GetProperty("traceparent").GetString()!.Split('-');
        traceparent[1].Should().Be(ClientTraceId, "the backend continues the client's trace");
        var gatewaySpanId = traceparent[2];
        gatewaySpanId.Should().NotBe(ClientSpanId, "the backend's parent is the gateway's span, not the client's");
        traceparent[3].Should().Be("01");
        echo.GetProperty("tracestate").GetString().Should().Be("vendor=abc");

        await Eventually.TrueAsync(() => Task.FromResult(receiver.HasExportContaining(
            Convert.FromHexString(ClientTraceId), Convert.FromHexString(gatewaySpanId), Convert.FromHexString(ClientSpanId),
            Ascii("HTTPRoute/default/r"), Ascii("gateway.listener"), Ascii("gateway.upstream.endpoint"), Ascii("http.response.status_code"))),
            "the receiver got the gateway's span: the client's trace, the span id the backend saw, the client's span as parent, route, listener, endpoint and status");
        receiver.HasExportContaining(Ascii("service.name"), Ascii("gateway")).Should().BeTrue();
    }

    [Fact]
    public async Task RequestWithoutTraceparent_StartsATrace_WhenSampled()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var environment = new OtelEnvironment(receiver.Port);
        await using var gateway = new GatewayUnderTest();
        gateway.Options.AccessLog = false;
        var port = await ServeAsync(gateway, "{tracing: {samplingRatio: 1}}");

        var echo = await EchoedHeadersAsync(gateway, new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/app")));

        var traceparent = echo.GetProperty("traceparent").GetString()!.Split('-');
        echo.TryGetProperty("x-request-id", out _).Should().BeTrue("a traced request gets a request id even with the access log off");
        await Eventually.TrueAsync(() => Task.FromResult(receiver.HasExportContaining(Convert.FromHexString(traceparent[1]), Convert.FromHexString(traceparent[2]))),
            "the gateway exported the span it started");
    }

    [Fact]
    public async Task WithoutSamplingRatio_NoActivityIsCreated_AndTraceparentPassesUnchanged()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var environment = new OtelEnvironment(receiver.Port);
        await using var gateway = new GatewayUnderTest();
        gateway.Options.AccessLog = false;
        var port = await ServeAsync(gateway, "{accessLog: false}");
        var started = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ProxyTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => Interlocked.Increment(ref started),
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/app"));
        request.Headers.Add("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        var echo = await EchoedHeadersAsync(gateway, request);

        echo.GetProperty("traceparent").GetString().Should().Be($"00-{ClientTraceId}-{ClientSpanId}-01");
        echo.TryGetProperty("x-request-id", out _).Should().BeFalse("neither the access log nor tracing asked for a request id");
        started.Should().Be(0, "a listener without a sampling ratio creates no Activity even while something listens");
    }

    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string proxyConfig)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClassWithProxyConfig(proxyConfig), Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/app", "echo")));
        await gateway.StartAsync();
        return port;
    }

    private static async Task<JsonElement> EchoedHeadersAsync(GatewayUnderTest gateway, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await gateway.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("headers").Clone();
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>The OTEL_* variables a user sets, pointed at the receiver, for as long as a test runs.</summary>
    private sealed class OtelEnvironment : IDisposable
    {
        private static readonly string[] _names = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_BSP_SCHEDULE_DELAY"];

        public OtelEnvironment(int port)
        {
            Environment.SetEnvironmentVariable(_names[0], $"http://127.0.0.1:{port}");
            Environment.SetEnvironmentVariable(_names[1], "http/protobuf");
            Environment.SetEnvironmentVariable(_names[2], "100");
        }

        public void Dispose()
        {
            foreach (var name in _names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }
}
