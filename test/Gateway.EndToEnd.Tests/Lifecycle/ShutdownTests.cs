// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using Gateway.Demo;

namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>SIGTERM to the real executable under load: drain, then a graceful stop, then exit 0.</summary>
public sealed class ShutdownTests : IAsyncDisposable
{
    private static readonly TimeSpan _drain = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _slowRequest = TimeSpan.FromSeconds(3.5);
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(6);

    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-shutdown-").FullName;
    private DemoBackend? _backend;

    [Fact]
    public async Task Sigterm_DrainsUnderLoad_FinishesRequestsInFlight_AndExitsZero()
    {
        _backend = await DemoBackend.StartAsync("a", IPAddress.Loopback, 0);
        var port = TestPorts.Free();
        var adminPort = TestPorts.Free();
        File.WriteAllText(Path.Combine(_dir, "config.yaml"), Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("web", port),
            Manifests.Backend("echo", _backend.Port), Manifests.Route("r", "web", "/", "echo")));
        using var gateway = GatewayProcess.Start("--config-dir", _dir, "--listen-address", "127.0.0.1", "--admin-port", adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--drain-period", "2s", "--shutdown-timeout", "6s", "--log-level", "Warning");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var admin = new Uri($"http://127.0.0.1:{adminPort}/readyz");
        var traffic = new Uri($"http://127.0.0.1:{port}/load");
        await Eventually.TrueAsync(async () => (await client.GetAsync(admin)).IsSuccessStatusCode, "the gateway is ready", TimeSpan.FromSeconds(30));

        // Keep-alive load from several clients, from before the signal until shortly before the drain period ends.
        using var stopLoad = new CancellationTokenSource();
        var clock = new Stopwatch();
        var lastSafeMoment = _drain - TimeSpan.FromMilliseconds(400);
        bool PastLastSafeMoment() => clock.IsRunning && clock.Elapsed > lastSafeMoment;
        var failures = new List<string>();
        var served = 0;
        async Task LoadAsync()
        {
            // A request starts only while the drain has clearly not ended (checked against the clock started before the
            // signal, so a late-running test thread never sends into the moment the listeners close).
            while (!stopLoad.IsCancellationRequested && !PastLastSafeMoment())
            {
                try
                {
                    using var response = await client.GetAsync(traffic);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        lock (failures) { failures.Add($"{(int)response.StatusCode}"); }
                    }
                    else
                    {
                        Interlocked.Increment(ref served);
                    }
                }
                catch (HttpRequestException e)
                {
                    lock (failures) { failures.Add(e.Message); }
                }
            }
        }

        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(LoadAsync)).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > 20), "load flows");

        // A request that starts during the drain and outlasts it, but not the deadline.
        clock.Start();
        gateway.Terminate();
        await Eventually.TrueAsync(async () => (await client.GetAsync(admin)).StatusCode == HttpStatusCode.ServiceUnavailable, "/readyz says 503", TimeSpan.FromSeconds(1));
        var slow = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/slow"));
        slow.Headers.Add("X-Echo-Delay", ((int)_slowRequest.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var slowResponse = client.SendAsync(slow);

        // /readyz polled until shortly before the drain ends: every poll sent before then finds the admin port open and 503.
        var polls = 0;
        while (!PastLastSafeMoment())
        {
            var readyz = await client.GetAsync(admin).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.StatusCode.ToString() : $"{t.Exception!.InnerException!.Message}\n{gateway.Output}");
            readyz.Should().Be(nameof(HttpStatusCode.ServiceUnavailable), $"it stays unready through the drain (poll at {clock.Elapsed.TotalSeconds:0.00} s)");
            polls++;
            await Task.Delay(100);
        }

        polls.Should().BeGreaterThan(0);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var servedDuringDrain = served;
        failures.Should().BeEmpty("listeners keep serving through the drain period");
        (await slowResponse).StatusCode.Should().Be(HttpStatusCode.OK, "a request in flight when the listeners stop finishes");
        clock.Elapsed.Should().BeGreaterThan(_slowRequest, "the slow request outlasted the drain period");
        var exitCode = await gateway.WaitForExitAsync(_drain + _deadline);
        exitCode.Should().Be(0, $"a SIGTERM is a clean stop; the gateway wrote:\n{gateway.Output}");
        gateway.Output.Should().NotContain("Unhandled exception");
        servedDuringDrain.Should().BeGreaterThan(20);
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
