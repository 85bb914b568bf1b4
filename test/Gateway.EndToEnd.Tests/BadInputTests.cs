// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests;

/// <summary>Issue 8: no file in --config-dir stops traffic on the routes of the other files, nor a start.</summary>
[Trait("Category", "EndToEnd")]
public sealed class BadInputTests
{
    /// <summary>The crashers that once made the process exit (a self-referencing alias overflowed the stack).</summary>
    private static readonly (string Name, string Text)[] _crashers =
    [
        ("kind-number.yaml", "apiVersion: v1\nkind: 5\nmetadata:\n  name: a\n"),
        ("kind-mapping.yaml", "apiVersion: v1\nkind: {a: b}\nmetadata:\n  name: a\n"),
        ("key-sequence.yaml", "? [a, b]\n: c\n"),
        ("empty-metadata.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n"),
        ("self-alias.yaml", "x: &a [1, *a]\n"),
        ("deep.json", new string('[', 70) + new string(']', 70)),
        ("bomb.yaml", AnchorBomb(9)),
        ("name-number.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 5\n"),
    ];

    [Fact]
    public async Task CrasherWritten_TrafficKeepsFlowingAndStatusNamesTheFile()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await StartWithARouteAsync(gateway);

        foreach (var (name, text) in _crashers)
        {
            File.WriteAllText(Path.Combine(gateway.ConfigDir, name), text); // In place, as an editor or attacker would.
        }

        await Eventually.TrueAsync(async () => (await SourceErrorsAsync(gateway)).Count == _crashers.Length,
            "every crasher is named under sourceErrors");
        var errors = await SourceErrorsAsync(gateway);
        foreach (var (name, _) in _crashers)
        {
            errors.Should().Contain(e => e.StartsWith(name + ":", StringComparison.Ordinal), $"{name} is reported with its path");
        }

        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/app"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // A file written in two pieces 20 ms apart, the first ending after "metadata:", is picked up once complete.
        var path = Path.Combine(gateway.ConfigDir, "two-pieces.yaml");
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("apiVersion: v1\nkind: Namespace\nmetadata:"));
            await stream.FlushAsync();
            await Task.Delay(20);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("\n  name: later\n"));
        }

        await Eventually.TrueAsync(async () => !(await SourceErrorsAsync(gateway)).Any(e => e.StartsWith("two-pieces.yaml", StringComparison.Ordinal))
            && (await SourceErrorsAsync(gateway)).Count == _crashers.Length, "the completed file is accepted");
        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/app"))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StartWithCrashersPresent_ServesTheOtherFiles()
    {
        await using var gateway = new GatewayUnderTest();
        foreach (var (name, text) in _crashers)
        {
            gateway.WriteFile(name, text);
        }

        var port = await StartWithARouteAsync(gateway);

        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/app"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SourceErrorsAsync(gateway)).Should().HaveCount(_crashers.Length);
    }

    private static async Task<int> StartWithARouteAsync(GatewayUnderTest gateway)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/app", "echo")));
        await gateway.StartAsync();
        return port;
    }

    private static async Task<List<string>> SourceErrorsAsync(GatewayUnderTest gateway)
    {
        var status = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!;
        return [.. (status["sourceErrors"] as JsonArray ?? []).Select(e => e!.GetValue<string>())];
    }

    private static string AnchorBomb(int levels)
    {
        var text = new StringBuilder("l0: &l0 [lol]\n");
        for (var level = 1; level <= levels; level++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        return text.ToString();
    }
}
