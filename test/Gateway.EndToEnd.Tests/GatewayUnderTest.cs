// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Cli;
using Gateway.Demo;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// The real host, started in-process on a temporary --config-dir, with echo backends on loopback.
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly List<DemoBackend> _backends = [];
    private WebApplication? _app;

    /// <param name="kubeconfig">Watch this (emulated) API server instead of a directory; status is written back.</param>
    /// <param name="role">Controller and proxy talk over <see cref="GatewayOptions.Channel"/>, which the test sets.</param>
    public GatewayUnderTest(string? gatewayAddresses = null, string? kubeconfig = null, bool leaderElect = false, GatewayRole role = GatewayRole.All)
    {
        _configDir = Directory.CreateTempSubdirectory("gateway-e2e-").FullName;
        Options = new GatewayOptions
        {
            Role = role,
            ConfigDir = kubeconfig is null && role != GatewayRole.Proxy ? _configDir : null,
            Kubeconfig = kubeconfig,
            LeaderElect = leaderElect,
            LeaderElectionNamespace = "default",
            LeaderElectionIdentity = $"replica-{Guid.NewGuid():N}",
            KubernetesMaxBackoff = TimeSpan.FromSeconds(1),
            LeaseDuration = TimeSpan.FromSeconds(2),
            LeaseRenewDeadline = TimeSpan.FromSeconds(1.5),
            LeaseRetryPeriod = TimeSpan.FromMilliseconds(200),
            AdminPort = TestPorts.Free(),
            ListenAddress = "127.0.0.1",
            GatewayAddresses = gatewayAddresses,
            AccessLog = true,
            LogLevel = "Warning",

            // Stopping a test's gateway waits for no load balancer.
            DrainPeriod = TimeSpan.Zero,
        };
    }

    public GatewayOptions Options { get; }
    private readonly string _configDir;

    public string ConfigDir => _configDir;
    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };
    public Uri Admin => new($"http://127.0.0.1:{Options.AdminPort}");

    public async Task<DemoBackend> StartBackendAsync(string name, bool h2c = false)
    {
        var backend = await DemoBackend.StartAsync(name, IPAddress.Loopback, 0, h2c: h2c);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>Writes a file atomically (write aside, then rename), as a careful user or a ConfigMap does.</summary>
    public void WriteFile(string name, string content)
    {
        var temp = Path.Combine(ConfigDir, $".{name}.tmp");
        File.WriteAllText(temp, content);
        File.Move(temp, Path.Combine(ConfigDir, name), overwrite: true);
    }

    /// <summary>The running host's services (after StartAsync).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("not started");

    /// <summary>Stops the host as a crashed replica would disappear: no goodbye, its lease simply expires.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task StartAsync(bool waitUntilReady = true)
    {
        _app = GatewayHost.Build(Options);
        await _app.StartAsync();
        if (waitUntilReady)
        {
            await WaitUntilReadyAsync();
        }
    }

    public async Task WaitUntilReadyAsync() =>
        await Eventually.TrueAsync(async () => (await Client.GetAsync(new Uri(Admin, "/readyz"))).IsSuccessStatusCode, "the gateway is ready");

    public async Task<string> GetStringAsync(string url) => await Client.GetStringAsync(new Uri(url));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        Client.Dispose();
        Directory.Delete(_configDir, recursive: true);
    }
}
