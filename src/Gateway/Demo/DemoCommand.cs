// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.Cli;
using Gateway.Hosting;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Demo;

/// <summary>
/// `gateway demo`: copies the example config (deploy/examples/standalone, embedded in the binary) to a
/// temporary directory, starts the echo backend it points at, and serves it. Edit the copied files to see
/// changes applied live. The copy is removed when the demo ends.
/// </summary>
public static partial class DemoCommand
{
    public const int DefaultBackendPort = 9080;

    public static async Task<int> RunAsync(GatewayOptions options, int backendPort, CancellationToken cancellationToken)
    {
        if (backendPort is < 1 or > 65535)
        {
            await Console.Error.WriteLineAsync($"gateway demo: --backend-port {backendPort} is not a port").ConfigureAwait(false);
            return 2;
        }

        // The host would log its failure to bind the admin port with a stack trace before we could say it in one line.
        if (!IsFree(options.AdminAddress, options.AdminPort))
        {
            await Console.Error.WriteLineAsync($"gateway demo: the admin server's address {options.AdminAddress}:{options.AdminPort} is in use; "
                + "choose another with --admin-port N").ConfigureAwait(false);
            return 1;
        }

        var example = options.ConfigDir is null ? WriteExample(backendPort) : null;
        options.ConfigDir ??= example;
        options.AccessLog = true;
        try
        {
            return await ServeAsync(options, backendPort, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AddressInUseException || e.InnerException is AddressInUseException)
        {
            // Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:9080: address already in use."
            await Console.Error.WriteLineAsync($"gateway demo: {e.Message.TrimEnd('.')}; {Hint(e.Message, backendPort)}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            if (example is not null)
            {
                Directory.Delete(example, recursive: true);
            }
        }
    }

    private static async Task<int> ServeAsync(GatewayOptions options, int backendPort, CancellationToken cancellationToken)
    {
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

    /// <summary>Which flag moves the port that is taken.</summary>
    private static string Hint(string message, int backendPort) =>
        message.Contains($":{backendPort}", StringComparison.Ordinal)
            ? "the demo backend needs it: choose another with --backend-port N"
            : "stop what uses it, or choose other ports";

    private static bool IsFree(string address, int port)
    {
        var probe = new TcpListener(IPAddress.Parse(address), port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>Copies the example to a new directory, pointing its Service and EndpointSlice at the backend's port.</summary>
    private static string WriteExample(int backendPort)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-demo-").FullName;
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("examples/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var text = DefaultPort().Replace(reader.ReadToEnd(), backendPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(directory, name["examples/".Length..]), text);
        }

        return directory;
    }

    /// <summary>The example's backend port wherever it appears (targetPort, the EndpointSlice port, the comment).</summary>
    [GeneratedRegex(@"\b9080\b")]
    private static partial Regex DefaultPort();
}
