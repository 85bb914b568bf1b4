// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Gateway.Model;
using Gateway.Model.Meta;
using Gateway.Sources.Files;
using Gateway.Translation.Addresses;

namespace Gateway.Translation.Tests;

/// <summary>Per-Gateway Services: container ports that are distinct, stable and shared per port; Service names.</summary>
public sealed partial class GatewayServiceTests
{
    private static readonly TranslatorOptions _options = new()
    {
        ListenAddress = "0.0.0.0",
        Services = new GatewayServiceOptions { Namespace = "gateway-system", ContainerPorts = new PortRange(20000, 20099) },
    };

    private const string GatewayClass = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: ours
        spec:
          controllerName: gateway.seed.dev/gateway-controller
        """;

    private static string Gateway(string name, string created, params (string Name, int Port, string? Hostname)[] listeners) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: {name}
          namespace: default
          creationTimestamp: "{created}"
        spec:
          gatewayClassName: ours
          listeners:
        {string.Join("\n", listeners.Select(l => $"  - {{name: {l.Name}, protocol: HTTP, port: {l.Port}{(l.Hostname is null ? "" : $", hostname: {l.Hostname}")}}}"))}
        """;

    private static ResourceSnapshot Load(params string[] documents)
    {
        var loaded = ManifestLoader.Load("objects.yaml", string.Join("\n---\n", documents));
        loaded.Error.Should().BeNull();
        var objects = new ManifestSet();
        objects.Put("objects.yaml", loaded.Objects);
        return objects.Build([]);
    }

    /// <summary>Listener id → the port it binds.</summary>
    private static Dictionary<string, int> Binds(TranslationResult result) => result.Snapshot.Listeners.ToDictionary(l => l.Id, l => l.Port);

    [Fact]
    public void TwoGatewaysOnPort80_GetDistinctContainerPorts_AndListenersOnOnePortShareOne()
    {
        var result = Translator.Translate(Load(GatewayClass,
            Gateway("a", "2026-01-01T00:00:00Z", ("web", 80, "a.example.com"), ("api", 80, "api.example.com")),
            Gateway("b", "2026-01-02T00:00:00Z", ("web", 80, null))), _options);

        var binds = Binds(result);
        binds["gateway/default/a/listener/web"].Should().Be(binds["gateway/default/a/listener/api"], "listeners of one Gateway on one port share a socket");
        binds["gateway/default/a/listener/web"].Should().NotBe(binds["gateway/default/b/listener/web"]);
        binds.Values.Should().OnlyContain(p => p >= 20000 && p <= 20099);
        result.Snapshot.Listeners.Should().OnlyContain(l => l.PublicPort == 80 && l.Address == "0.0.0.0");
        result.Services.Should().HaveCount(2);
        result.Services.Select(s => s.Spec.Ports.Single().TargetPort).Should().BeEquivalentTo(
            [binds["gateway/default/a/listener/web"].ToString(), binds["gateway/default/b/listener/web"].ToString()]);
    }

    [Fact]
    public void ListenerSetPort_GetsAContainerPortAndAServicePort_OfItsGateway()
    {
        var gateway = Gateway("a", "2026-01-01T00:00:00Z", ("web", 80, null)) + "\n  allowedListeners:\n    namespaces:\n      from: Same";
        const string listenerSet = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: ListenerSet
            metadata:
              name: extra
              namespace: default
            spec:
              parentRef: {name: a}
              listeners:
              - {name: alt, protocol: HTTP, port: 8080}
            """;

        var result = Translator.Translate(Load(GatewayClass, gateway, listenerSet), _options);

        var binds = Binds(result);
        binds.Should().ContainKey("gateway/default/a/listenerset/default/extra/listener/alt");
        binds["gateway/default/a/listenerset/default/extra/listener/alt"].Should().NotBe(binds["gateway/default/a/listener/web"]);
        result.Services.Single().Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort)).Should().BeEquivalentTo(
        [
            ("http-80", 80, binds["gateway/default/a/listener/web"].ToString()),
            ("http-8080", 8080, binds["gateway/default/a/listenerset/default/extra/listener/alt"].ToString()),
        ]);
    }

    [Fact]
    public void ContainerPorts_SurviveARestart_AYoungerGateway_AndAnOlderOneGoing()
    {
        var a = Gateway("a", "2026-01-01T00:00:00Z", ("web", 80, null));
        var b = Gateway("b", "2026-01-02T00:00:00Z", ("web", 80, null), ("alt", 8080, null));
        var first = Binds(Translator.Translate(Load(GatewayClass, a, b), _options));

        Binds(Translator.Translate(Load(GatewayClass, a, b), _options)).Should().Equal(first, "the same objects give the same ports");
        var withYounger = Binds(Translator.Translate(Load(GatewayClass, a, b, Gateway("c", "2026-01-03T00:00:00Z", ("web", 80, null))), _options));
        withYounger.Where(p => !p.Key.Contains("/c/", StringComparison.Ordinal)).Should().Equal(first);

        // What a Gateway's Service targets today is kept (even where the hash would now say otherwise): the cluster
        // remembers the assignment, so an older Gateway going does not move a younger one's ports.
        var withB = Translator.Translate(Load(GatewayClass, b), _options);
        var remembered = withB.Services.Single() with
        {
            Spec = withB.Services.Single().Spec with
            {
                Ports = [.. withB.Services.Single().Spec.Ports.Select(p => p with { TargetPort = p.Port == 80 ? "20042" : "20043" })],
            },
        };
        var resources = Load(GatewayClass, b) with { Services = [remembered] };
        Binds(Translator.Translate(resources, _options)).Should().Equal(new Dictionary<string, int>
        {
            ["gateway/default/b/listener/web"] = 20042,
            ["gateway/default/b/listener/alt"] = 20043,
        });
    }

    [Fact]
    public void ExhaustedRange_LeavesTheYoungestGatewayUnprogrammed_WithNoResources()
    {
        var options = _options with { Services = _options.Services! with { ContainerPorts = new PortRange(20000, 20001) } };

        var result = Translator.Translate(Load(GatewayClass,
            Gateway("old", "2026-01-01T00:00:00Z", ("web", 80, null), ("alt", 81, null)),
            Gateway("new", "2026-01-02T00:00:00Z", ("web", 80, null))), options);

        Binds(result).Keys.Should().BeEquivalentTo(["gateway/default/old/listener/web", "gateway/default/old/listener/alt"]);
        result.Services.Should().ContainSingle().Which.Metadata.Labels![GatewayServices.GatewayNameLabel].Should().Be("old");
        var programmed = result.Statuses.Single(s => s.Name == "new").Status.Should().BeOfType<Model.GatewayApi.GatewayStatus>()
            .Which.Conditions.Single(c => c.Type == "Programmed");
        programmed.Status.Should().Be("False");
        programmed.Reason.Should().Be("NoResources");
    }

    [Fact]
    public void WithoutServiceOptions_ListenersBindTheirOwnPorts_AndNoServiceIsWanted()
    {
        var result = Translator.Translate(Load(GatewayClass, Gateway("a", "2026-01-01T00:00:00Z", ("web", 8080, null))), new TranslatorOptions());

        result.Services.Should().BeEmpty();
        result.Snapshot.Listeners.Single().Port.Should().Be(8080);
        result.Snapshot.Listeners.Single().PublicPort.Should().Be(8080);
    }

    [Theory]
    [InlineData("default", "web")]
    [InlineData("a-b", "c")]
    [InlineData("a", "b-c")]
    [InlineData("team-with-a-rather-long-namespace-name", "gateway.with.dots.and.a.name.far.longer.than.sixty.three.characters.in.total")]
    public void ServiceName_IsADns1035LabelOfAtMost63Characters_UniquePerGateway(string ns, string name)
    {
        var serviceName = GatewayServices.Name(new NamespacedName(ns, name));

        serviceName.Length.Should().BeLessThanOrEqualTo(63);
        Dns1035().IsMatch(serviceName).Should().BeTrue(serviceName);
        serviceName.Should().StartWith("gateway-");
        GatewayServices.Name(new NamespacedName(ns, name)).Should().Be(serviceName, "names are stable");
    }

    [Fact]
    public void ServiceNames_OfGatewaysWhoseNamesJoinTheSame_Differ() =>
        GatewayServices.Name(new NamespacedName("a-b", "c")).Should().NotBe(GatewayServices.Name(new NamespacedName("a", "b-c")));

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();
}
