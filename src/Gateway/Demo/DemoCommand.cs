// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Reflection;
using Gateway.Cli;
using Gateway.Hosting;

namespace Gateway.Demo;

/// <summary>
/// `gateway demo`: copies the example config (deploy/examples/standalone, embedded in the binary) to a
/// temporary directory, starts the echo backend it points at, and serves it. Edit the copied files to see
/// changes applied live.
/// </summary>
public static class DemoCommand
{
    public const int DefaultBackendPort = 9080;

    public static async Task<int> RunAsync(GatewayOptions options, int backendPort, CancellationToken cancellationToken)
    {
        options.ConfigDir ??= WriteExample();
        options.AccessLog = true;
        await using var backend = await DemoBackend.StartAsync("demo-backend", IPAddress.Loopback, backendPort, cancellationToken).ConfigureAwait(false);
        await using var app = GatewayHost.Build(options);
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
            $"""

             Gateway demo is up. Config: {options.ConfigDir} (edit it; changes apply live)
               curl http://127.0.0.1:8080/hello
               curl http://127.0.0.1:{options.AdminPort}/status
             Press Ctrl+C to stop.

             """));
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static string WriteExample()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"gateway-demo-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("examples/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(Path.Combine(directory, name["examples/".Length..]));
            stream.CopyTo(file);
        }

        return directory;
    }
}
