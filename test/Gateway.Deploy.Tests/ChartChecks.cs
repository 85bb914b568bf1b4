// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Deploy.Tests;

/// <summary>The objects around the gateway pods agree with them: class, channel, disruption budget, monitoring.</summary>
internal static class ChartChecks
{
    /// <summary>The GatewayClass names the controller the pods serve and a ProxyConfig that exists, whose channel is the one in use.</summary>
    public static void GatewayClassMatchesTheGateway(Manifests manifests)
    {
        var gatewayClass = manifests.OfKind("GatewayClass").Should().ContainSingle().Subject;
        var parameters = gatewayClass.Node["spec"]["parametersRef"];
        var proxyConfig = manifests.Single("ProxyConfig", Yaml.Scalar(parameters, "name")!);
        proxyConfig.Namespace.Should().Be(Yaml.Scalar(parameters, "namespace"));

        foreach (var watcher in manifests.Workloads.Where(w => w.Role != "proxy"))
        {
            (watcher.Flag("--controller-name") ?? Translation.TranslatorOptions.DefaultControllerName)
                .Should().Be(Yaml.Scalar(gatewayClass.Node["spec"], "controllerName"), $"{watcher} must serve the GatewayClass");
        }

        var channel = proxyConfig.Node["spec"]["channel"];
        var proxies = manifests.Workloads.Where(w => w.Role == "proxy").ToList();
        Yaml.Scalar(channel, "type").Should().Be(proxies.Count > 0 ? "grpc" : "inProcess");
        foreach (var proxy in proxies)
        {
            Yaml.Scalar(channel["grpc"], "address").Should().Be(proxy.Flag("--controller-address"), "the ProxyConfig mirrors the proxies' channel flags");
        }
    }

    /// <summary>Each proxy's --controller-address is the controller's Service, which leads to the controller's --channel-listen port.</summary>
    public static void ProxiesReachTheControllersChannel(Manifests manifests)
    {
        var controller = manifests.Workloads.Should().ContainSingle(w => w.Role == "controller").Subject;
        Yaml.Scalar(controller.Manifest.Node["spec"], "replicas").Should().Be("1", "each controller replica would start its own channel session");
        var listenPort = controller.Flag("--channel-listen")!.Split(':')[^1];
        controller.Flag("--channel-cert").Should().NotBeNull("snapshots carry TLS private keys: the channel is TLS");
        controller.Flag("--channel-client-ca").Should().NotBeNull("only proxies with a certificate the CA signed get snapshots");

        var proxies = manifests.Workloads.Where(w => w.Role == "proxy").ToList();
        proxies.Should().NotBeEmpty();
        foreach (var proxy in proxies)
        {
            var address = new Uri(proxy.Flag("--controller-address")!);
            address.Scheme.Should().Be("https");
            var host = address.Host.Split('.');
            host.Skip(2).Should().Equal(["svc"], $"{address} is a Service's in-cluster name");
            var service = manifests.Single("Service", host[0]);
            service.Namespace.Should().Be(host[1]);
            Yaml.Selects(Yaml.Map(service.Node["spec"], "selector"), controller.PodLabels).Should().BeTrue($"{service} must lead to the controller");
            Yaml.Selects(Yaml.Map(service.Node["spec"], "selector"), proxy.PodLabels).Should().BeFalse($"{service} must not lead to proxies");

            var port = Yaml.Items(service.Node["spec"], "ports").Should().ContainSingle(p => Yaml.Scalar(p, "port") == address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Subject;
            Yaml.Items(controller.Container, "ports").Should().Contain(
                p => Yaml.Scalar(p, "name") == Yaml.Scalar(port, "targetPort") && Yaml.Scalar(p, "containerPort") == listenPort,
                $"{service}'s target port is the controller's --channel-listen port");
            proxy.Flag("--channel-ca").Should().NotBeNull("the proxy checks the controller's certificate against the CA");
            proxy.Flag("--channel-client-cert").Should().NotBeNull("the controller asks for a client certificate");
        }
    }

    /// <summary>A PodDisruptionBudget protects the pods that serve traffic, and only them.</summary>
    public static void DisruptionBudgetCoversTheServingPods(Manifests manifests)
    {
        var budget = manifests.OfKind("PodDisruptionBudget").Should().ContainSingle().Subject;
        var selector = Yaml.Map(budget.Node["spec"]["selector"], "matchLabels");
        foreach (var workload in manifests.Workloads)
        {
            Yaml.Selects(selector, workload.PodLabels).Should().Be(workload.Role != "controller", $"{budget} and {workload}");
        }
    }

    /// <summary>The ServiceMonitor scrapes /metrics on the admin port of every pod of the release.</summary>
    public static void ServiceMonitorScrapesEveryPod(Manifests manifests)
    {
        var monitor = manifests.OfKind("ServiceMonitor").Should().ContainSingle().Subject;
        var service = manifests.OfKind("Service").Should().ContainSingle(s => Yaml.Selects(Yaml.Map(monitor.Node["spec"]["selector"], "matchLabels"), s.Labels)).Subject;
        var endpoint = Yaml.Items(monitor.Node["spec"], "endpoints").Should().ContainSingle().Subject;
        Yaml.Scalar(endpoint, "path").Should().Be("/metrics");
        var port = Yaml.Items(service.Node["spec"], "ports").Should().ContainSingle(p => Yaml.Scalar(p, "name") == Yaml.Scalar(endpoint, "port")).Subject;

        foreach (var workload in manifests.Workloads)
        {
            Yaml.Selects(Yaml.Map(service.Node["spec"], "selector"), workload.PodLabels).Should().BeTrue($"{service} must select {workload}");
            Yaml.Items(workload.Container, "ports").Should().Contain(p => Yaml.Scalar(p, "name") == Yaml.Scalar(port, "targetPort") && Yaml.Scalar(p, "containerPort") == workload.Flag("--admin-port"),
                $"{workload} serves /metrics on the admin port");
        }
    }
}
