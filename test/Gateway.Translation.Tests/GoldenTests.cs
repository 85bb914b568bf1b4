// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model;
using Gateway.Snapshot;
using Gateway.Sources.Files;
using Gateway.Translation.Addresses;
using Gateway.Translation.Status;

namespace Gateway.Translation.Tests;

/// <summary>
/// Every folder under Golden/ with an input.yaml is a case: the input is read with the file source's own
/// loader, translated, and the snapshot and status are compared with snapshot.json and status.json.
/// </summary>
[Trait("Category", "Golden")]
public sealed class GoldenTests
{
    private static readonly TranslatorOptions _options = new() { ListenAddress = "127.0.0.1" };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var input in Directory.EnumerateFiles(GoldenRoot(), "input.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(GoldenRoot(), Path.GetDirectoryName(input)!));
        }

        data.Add("../../../deploy/examples/standalone");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_GoldenCase_MatchesCheckedInOutput(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(GoldenRoot(), name));
        var resources = Load(folder);
        var result = Translator.Translate(resources, OptionsFor(folder));
        var outputs = folder.Contains("deploy/examples", StringComparison.Ordinal)
            ? Path.Combine(GoldenRoot(), "standalone-example")
            : folder;

        GoldenFile.Verify(Path.Combine(outputs, "snapshot.json"), SnapshotJson.SerializeRedacted(result.Snapshot) + "\n");
        GoldenFile.Verify(Path.Combine(outputs, "status.json"), StatusJson.ToList(result.Statuses, []).ToJsonString(StatusJson.Options) + "\n");
        if (!result.Services.IsEmpty)
        {
            GoldenFile.Verify(Path.Combine(outputs, "services.json"), new JsonArray([.. result.Services.Select(GatewayServices.ToJson)]).ToJsonString(GatewayServices.Json) + "\n");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_ShuffledInput_GivesIdenticalOutput(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(GoldenRoot(), name));
        var resources = Load(folder);
        var reversed = resources with
        {
            Gateways = [.. resources.Gateways.Reverse()],
            HTTPRoutes = [.. resources.HTTPRoutes.Reverse()],
            Services = [.. resources.Services.Reverse()],
            EndpointSlices = [.. resources.EndpointSlices.Reverse()],
            GatewayClasses = [.. resources.GatewayClasses.Reverse()],
            ReferenceGrants = [.. resources.ReferenceGrants.Reverse()],
            ListenerSets = [.. resources.ListenerSets.Reverse()],
        };

        var options = OptionsFor(folder);
        var a = Translator.Translate(resources, options);
        var b = Translator.Translate(reversed, options);
        SnapshotJson.Serialize(b.Snapshot).Should().Be(SnapshotJson.Serialize(a.Snapshot));
        StatusJson.ToList(b.Statuses, []).ToJsonString().Should().Be(StatusJson.ToList(a.Statuses, []).ToJsonString());
        string.Join("\n", b.Services.Select(s => GatewayServices.ToJson(s).ToJsonString())).Should().Be(string.Join("\n", a.Services.Select(s => GatewayServices.ToJson(s).ToJsonString())));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_OneRouteDeleted_LeavesOtherRoutesUnchanged(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(GoldenRoot(), name));
        var resources = Load(folder);
        if (resources.HTTPRoutes.Length < 2)
        {
            return; // Nothing else to compare against.
        }

        var removed = resources.HTTPRoutes[0];
        var options = OptionsFor(folder);
        var before = RoutesById(Translator.Translate(resources, options).Snapshot);
        var after = RoutesById(Translator.Translate(resources with { HTTPRoutes = resources.HTTPRoutes.RemoveAt(0) }, options).Snapshot);

        var owner = $"HTTPRoute/{removed.Metadata.Namespace}/{removed.Metadata.Name}";
        after.Keys.Should().NotContain(k => k.Contains(owner, StringComparison.Ordinal));
        foreach (var (id, route) in after)
        {
            before.Should().ContainKey(id);
            before[id].Should().Be(route, $"route {id} must not change when {owner} is deleted");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_WithCacheAcrossChanges_GivesTheSameOutputAsWithout(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(GoldenRoot(), name));
        var resources = Load(folder);
        var options = OptionsFor(folder);
        var cache = new TranslationCache();
        var steps = new List<Gateway.Model.ResourceSnapshot>
        {
            resources,
            resources, // Every route a cache hit.
            resources with { HTTPRoutes = resources.HTTPRoutes.IsEmpty ? [] : resources.HTTPRoutes.RemoveAt(0) },
            resources with { HTTPRoutes = [.. resources.HTTPRoutes.Reverse()] }, // The same routes in another order.
            resources with { HTTPRoutes = resources.HTTPRoutes.IsEmpty ? [] : resources.HTTPRoutes.RemoveAt(resources.HTTPRoutes.Length / 2) },
            resources with { HTTPRoutes = [.. resources.HTTPRoutes.Where((_, i) => i % 2 == 0)] }, // Hostnames come and go.
            resources,
            resources with { Services = [] }, // A dependency changes: nothing may be replayed.
            resources,
            resources with { ListenerSets = [] }, // Listeners come and go with their ListenerSets.
            resources,
            resources with { EndpointSlices = [] }, // Endpoints churn: routes are replayed, clusters rebuilt.
            resources,
        };

        foreach (var step in steps)
        {
            var cached = Translator.Translate(step, options, cache);
            var fresh = Translator.Translate(step, options);
            SnapshotJson.Serialize(cached.Snapshot).Should().Be(SnapshotJson.Serialize(fresh.Snapshot));
            StatusJson.ToList(cached.Statuses, []).ToJsonString().Should().Be(StatusJson.ToList(fresh.Statuses, []).ToJsonString());
        }
    }

    /// <summary>The config channel sends snapshots as JSON: what a proxy reads back must be what the controller built.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Snapshot_ThroughTheChannelForm_ReadsBackUnchanged(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(GoldenRoot(), name));
        var snapshot = Translator.Translate(Load(folder), OptionsFor(folder)).Snapshot;

        var readBack = SnapshotJson.Deserialize(SnapshotJson.SerializeToUtf8Bytes(snapshot));

        SnapshotJson.Serialize(readBack).Should().Be(SnapshotJson.Serialize(snapshot));
    }

    private static Dictionary<string, string> RoutesById(ProxySnapshot snapshot) =>
        snapshot.Listeners
            .SelectMany(l => l.VirtualHosts.SelectMany(h => h.Routes.Select(r => ($"{l.Id}|{h.Hostname}|{r.Owner}|{r.Id}", r))))
            .ToDictionary(x => x.Item1, x => JsonSerializer.Serialize(x.r, SnapshotJson.Options));

    private static ResourceSnapshot Load(string folder)
    {
        var objects = new ManifestSet();
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Where(f => !f.EndsWith("options.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var loaded = ManifestLoader.Load(Path.GetFileName(file), File.ReadAllText(file));
            loaded.Error.Should().BeNull($"{file} must parse");
            objects.Put(file, loaded.Objects);
        }

        var duplicates = new List<SourceError>();
        var snapshot = objects.Build(duplicates);
        duplicates.Should().BeEmpty();
        return snapshot;
    }

    /// <summary>
    /// An optional options.yaml holds "addressPool: a,b,c" for cases that need one, or "serviceNamespace: NS" and
    /// "containerPorts: FIRST-LAST" for per-Gateway Services.
    /// </summary>
    private static TranslatorOptions OptionsFor(string folder)
    {
        var path = Path.Combine(folder, "options.yaml");
        if (!File.Exists(path))
        {
            return _options;
        }

        var values = File.ReadAllLines(path).Select(l => l.Split(':', 2, StringSplitOptions.TrimEntries)).ToDictionary(p => p[0], p => p[1]);
        var options = _options;
        if (values.TryGetValue("addressPool", out var pool))
        {
            options = options with { AddressPool = [.. pool.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] };
        }

        if (values.TryGetValue("localAddresses", out var local))
        {
            options = options with { LocalAddresses = [.. local.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] };
        }

        if (values.TryGetValue("serviceNamespace", out var ns))
        {
            var ports = values["containerPorts"].Split('-').Select(int.Parse).ToArray();
            options = options with { Services = new GatewayServiceOptions { Namespace = ns, ContainerPorts = new PortRange(ports[0], ports[1]) } };
        }

        return options;
    }

    private static string GoldenRoot() => RepoPaths.Of("test/Gateway.Translation.Tests/Golden");
}
