// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Net;
using Gateway.Channel;
using Gateway.Demo;
using Gateway.Hosting;

namespace Gateway.Cli;

/// <summary>The gateway's flags and verbs.</summary>
public static class CommandLine
{
    private static readonly Option<string?> _configDir = new("--config-dir") { Description = "Serve the Gateway API objects in this directory (*.yaml, *.yml, *.json), watching it for changes.", Recursive = true };
    private static readonly Option<string> _controllerName = new("--controller-name") { Description = "Serve only GatewayClasses with this controllerName.", DefaultValueFactory = _ => Translation.TranslatorOptions.DefaultControllerName, Recursive = true };
    private static readonly Option<string?> _gatewayAddresses = new("--gateway-addresses") { Description = "IPv4 CIDR or first-last range; each Gateway without spec.addresses gets a stable address from it.", Recursive = true };
    private static readonly Option<string> _listenAddress = new("--listen-address") { Description = "Address Gateways bind when --gateway-addresses is not set.", DefaultValueFactory = _ => "0.0.0.0", Recursive = true };
    private static readonly Option<string> _adminAddress = new("--admin-address") { Description = "Admin server address (/healthz /readyz /metrics /status /config).", DefaultValueFactory = _ => "127.0.0.1", Recursive = true };
    private static readonly Option<int> _adminPort = new("--admin-port") { Description = "Admin server port.", DefaultValueFactory = _ => GatewayOptions.DefaultAdminPort, Recursive = true };
    private static readonly Option<string> _logFormat = new("--log-format") { Description = "text or json (json by default in a container).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER") == "true" ? "json" : "text", Recursive = true };
    private static readonly Option<string> _logLevel = new("--log-level") { Description = "Verbose, Debug, Information, Warning, Error or Fatal.", DefaultValueFactory = _ => "Information", Recursive = true };
    private static readonly Option<bool> _accessLog = new("--access-log") { Description = "Log one line per proxied request.", Recursive = true };
    private static readonly Option<bool> _accessLogQuery = new("--access-log-query") { Description = "Include the query string in access-log paths (off: queries may carry tokens).", Recursive = true };
    private static readonly Option<int?> _maxClientConnections = new("--max-client-connections") { Description = "Client connections all Gateway sockets may hold together, shared equally (default: half the open-files limit left after a reserve of 256).", Recursive = true };
    private static readonly Option<string> _upstreamClient = new("--upstream-client") { Description = "Client for plain-HTTP/1.1 backends: http1 (the gateway's own, pooled keep-alive connections) or yarp (YARP's forwarder, as before).", DefaultValueFactory = _ => "http1", Recursive = true };
    private static readonly Option<bool> _adminExposeAll = new("--admin-expose-all") { Description = "Serve /status and /config to non-loopback clients too.", Recursive = true };
    private static readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "Watch the Kubernetes API using this kubeconfig (or set KUBECONFIG).", Recursive = true };
    private static readonly Option<bool> _inCluster = new("--in-cluster") { Description = "Watch the Kubernetes API with the pod's service account.", Recursive = true };
    private static readonly Option<bool> _leaderElect = new("--leader-elect") { Description = "Elect one replica (Lease) to write status; false for a single replica.", DefaultValueFactory = _ => true, Recursive = true };
    private static readonly Option<string> _leaderElectionNamespace = new("--leader-election-namespace") { Description = "Namespace of the status-writer Lease.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "gateway-system", Recursive = true };
    private static readonly Option<string> _leaderElectionName = new("--leader-election-name") { Description = "Name of the status-writer Lease.", DefaultValueFactory = _ => "gateway-status-writer", Recursive = true };
    private static readonly Option<string> _containerPorts = new("--container-ports") { Description = "In a cluster without --gateway-addresses: the container ports the per-Gateway Services target.", DefaultValueFactory = _ => "20000-29999", Recursive = true };
    private static readonly Option<string> _serviceNamespace = new("--service-namespace") { Description = "Namespace of the per-Gateway Services.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? Translation.GatewayServiceOptions.DefaultNamespace, Recursive = true };
    private static readonly Option<string> _serviceSelector = new("--service-selector") { Description = "Labels of the gateway pods, as key=value,...: the per-Gateway Services' selector.", DefaultValueFactory = _ => "app.kubernetes.io/name=gateway", Recursive = true };
    private static readonly Option<int> _backendPort = new("--backend-port") { Description = "Port of the demo echo backend.", DefaultValueFactory = _ => DemoCommand.DefaultBackendPort };

    public static RootCommand Build()
    {
        _logFormat.AcceptOnlyFromAmong("text", "json");
        _upstreamClient.AcceptOnlyFromAmong("http1", "yarp");
        ChannelFlags.Role.AcceptOnlyFromAmong("all", "controller", "proxy");
        var root = new RootCommand("gateway: a Kubernetes Gateway API implementation; controller and proxy in one binary.")
        {
            _configDir, _controllerName, _gatewayAddresses, _listenAddress, _adminAddress, _adminPort, _logFormat, _logLevel, _accessLog, _accessLogQuery, _maxClientConnections, _upstreamClient,
            _adminExposeAll, _kubeconfig, _inCluster, _leaderElect, _leaderElectionNamespace, _leaderElectionName,
            _containerPorts, _serviceNamespace, _serviceSelector,
        };
        foreach (var option in ChannelFlags.Options.Concat(ShutdownFlags.Options))
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            if (Bind(parse) is not { } options)
            {
                return 2;
            }

            await using var app = GatewayHost.Build(options);

            // Resolved before running: RunAsync disposes the host's services when it returns.
            var channelClient = app.Services.GetService<ConfigChannelClient>();
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return channelClient?.GaveUp == true ? 1 : 0;
        });

        var demo = new Command("demo", "Start the gateway with the example config and a demo echo backend, ready for curl.") { _backendPort };
        demo.SetAction(async (parse, cancellationToken) => Bind(parse, demo: true) is { } options
            ? await DemoCommand.RunAsync(options, parse.GetValue(_backendPort), cancellationToken).ConfigureAwait(false)
            : 2);
        root.Subcommands.Add(demo);

        var directory = new Argument<string>("DIR") { Description = "A directory of Gateway API objects, as --config-dir reads it." };
        var validate = new Command("validate", "Check a config directory strictly (fields, types), translate it and print every object's conditions; exit 1 on errors.") { directory };
        validate.SetAction((parse, cancellationToken) => Validate.ValidateCommand.RunAsync(
            parse.GetValue(directory)!, parse.GetValue(_controllerName)!, Console.Out, cancellationToken));
        root.Subcommands.Add(validate);
        root.Subcommands.Add(ExplainCommandLine());
        var status = new Command("status", "A table of GatewayClasses, Gateways, listeners and routes with their conditions, and the objects the gateway ignores and why, "
            + "for the objects in --config-dir or else the running gateway's admin server (--admin-address, --admin-port).");
        status.SetAction((parse, cancellationToken) => Status.StatusCommand.RunAsync(ReadOnlySource(parse), Console.Out, cancellationToken));
        root.Subcommands.Add(status);
        return root;
    }

    private static Command ExplainCommandLine()
    {
        var url = new Argument<string>("URL") { Description = "The request's URL: scheme, host (the Host header and, when an IP, the address it arrives at), port, path and query." };
        var header = new Option<string[]>("--header", "-H") { Description = "A request header, as Name:Value (repeatable; Host:NAME sets the Host header).", AllowMultipleArgumentsPerToken = false };
        var method = new Option<string>("--method", "-X") { Description = "The request method.", DefaultValueFactory = _ => "GET" };
        var address = new Option<string?>("--address") { Description = "The address the connection arrives at, when the URL's host is a name and several addresses bind its port." };
        var explain = new Command("explain", "Say which listener, virtual host, route, rule and backend a request would reach, and why earlier routes did not match, "
            + "for the objects in --config-dir or else the running gateway's admin server (--admin-address, --admin-port); exit 1 when no route matches.")
        {
            url, header, method, address,
        };
        explain.SetAction((parse, cancellationToken) => Explain.ExplainCommand.RunAsync(
            ReadOnlySource(parse),
            parse.GetValue(url)!, parse.GetValue(method)!, parse.GetValue(header) ?? [], parse.GetValue(address), Console.Out, cancellationToken));
        return explain;
    }

    private static ConfigSource ReadOnlySource(ParseResult parse) => new(
        parse.GetValue(_configDir), ConfigSources.AdminUri(parse.GetValue(_adminAddress)!, parse.GetValue(_adminPort)), parse.GetValue(_controllerName)!, parse.GetValue(_listenAddress)!);

    /// <summary>Reads and checks the flags; prints what is wrong and returns null when they cannot work.</summary>
    internal static GatewayOptions? Bind(ParseResult parse, bool demo = false, TextWriter? errors = null)
    {
        var options = new GatewayOptions
        {
            ConfigDir = parse.GetValue(_configDir),
            ControllerName = parse.GetValue(_controllerName)!,
            GatewayAddresses = parse.GetValue(_gatewayAddresses),
            ListenAddress = parse.GetValue(_listenAddress)!,
            AdminAddress = parse.GetValue(_adminAddress)!,
            AdminPort = parse.GetValue(_adminPort),
            LogFormat = parse.GetValue(_logFormat)!,
            LogLevel = parse.GetValue(_logLevel)!,
            AccessLog = parse.GetValue(_accessLog),
            AccessLogQuery = parse.GetValue(_accessLogQuery),
            MaxClientConnections = parse.GetValue(_maxClientConnections),
            UpstreamClient = parse.GetValue(_upstreamClient) == "yarp" ? Proxy.Upstream.UpstreamClient.Yarp : Proxy.Upstream.UpstreamClient.Http1,
            AdminExposeAll = parse.GetValue(_adminExposeAll),
            Kubeconfig = parse.GetValue(_kubeconfig) ?? KubeconfigFromEnvironment(parse, !demo),
            InCluster = parse.GetValue(_inCluster),
            LeaderElect = parse.GetValue(_leaderElect),
            LeaderElectionNamespace = parse.GetValue(_leaderElectionNamespace)!,
            LeaderElectionName = parse.GetValue(_leaderElectionName)!,
            ContainerPorts = parse.GetValue(_containerPorts)!,
            ServiceNamespace = parse.GetValue(_serviceNamespace)!,
            ServiceSelector = parse.GetValue(_serviceSelector)!,
        };
        if (!demo)
        {
            options.Role = ChannelFlags.ParseRole(parse);
        }

        var problem = (demo ? null : CheckRole(parse, options) ?? ChannelFlags.Bind(parse, options)) ?? ShutdownFlags.Bind(parse, options, demo) ?? Check(options);
        if (problem is not null)
        {
            (errors ?? Console.Error).WriteLine($"gateway: {problem}");
            return null;
        }

        return options;
    }

    /// <summary>
    /// KUBECONFIG counts as an explicit choice only when no other source was named on the command line, and never
    /// for a proxy, which reads no objects.
    /// </summary>
    private static string? KubeconfigFromEnvironment(ParseResult parse, bool allowed) =>
        allowed && !parse.GetValue(_inCluster) && parse.GetValue(_configDir) is null && parse.GetValue(ChannelFlags.Role) != "proxy"
            && Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : null;

    /// <summary>Flags that only one side reads are refused on the other, rather than silently ignored.</summary>
    private static string? CheckRole(ParseResult parse, GatewayOptions options)
    {
        Option[] controllerSide = [_configDir, _kubeconfig, _inCluster, _controllerName, _gatewayAddresses, _listenAddress, _leaderElect, _leaderElectionNamespace, _leaderElectionName];
        if (options.Role == GatewayRole.Proxy && controllerSide.FirstOrDefault(o => ChannelFlags.IsGiven(parse, o)) is { } flag)
        {
            return $"{flag.Name} is read by the controller; a proxy gets its config from --controller-address";
        }

        if (options.Role != GatewayRole.Proxy && options.ConfigDir is null && !options.UsesKubernetes)
        {
            return "say where objects come from: --config-dir DIR, --kubeconfig FILE (or KUBECONFIG), or --in-cluster";
        }

        Option[] dataPlaneSide = [_accessLog, _accessLogQuery, _maxClientConnections, _upstreamClient];
        if (options.Role == GatewayRole.Controller && dataPlaneSide.FirstOrDefault(o => ChannelFlags.IsGiven(parse, o)) is { } dataPlane)
        {
            return $"{dataPlane.Name} is a data-plane flag; a controller serves no traffic";
        }

        return options.MaxClientConnections < 1 ? "--max-client-connections must be at least 1" : null;
    }

    private static string? Check(GatewayOptions options)
    {
        if (options.ConfigDir is not null && options.UsesKubernetes)
        {
            return "--config-dir and the Kubernetes API (--kubeconfig, KUBECONFIG, --in-cluster) are alternatives; choose one";
        }

        if (options.Kubeconfig is not null && options.InCluster)
        {
            return "--kubeconfig and --in-cluster are alternatives; choose one";
        }

        if (options.Kubeconfig is { } kubeconfig && !File.Exists(kubeconfig))
        {
            return $"kubeconfig {kubeconfig} does not exist";
        }

        if (options.ConfigDir is { } dir && !Directory.Exists(dir))
        {
            return $"--config-dir {dir} does not exist";
        }

        if (!IPAddress.TryParse(options.AdminAddress, out _))
        {
            return $"--admin-address {options.AdminAddress} is not an IP address";
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            return $"--listen-address {options.ListenAddress} is not an IP address";
        }

        if (options.AdminPort is < 1 or > 65535)
        {
            return $"--admin-port {options.AdminPort} is not a port";
        }

        try
        {
            _ = options.GatewayAddresses is { } range ? AddressRange.Parse(range) : [];
        }
        catch (FormatException e)
        {
            return $"--gateway-addresses {e.Message}";
        }

        try
        {
            _ = ServiceFlags.ParsePorts(options.ContainerPorts);
            _ = ServiceFlags.ParseSelector(options.ServiceSelector);
        }
        catch (FormatException e)
        {
            return $"--container-ports/--service-selector: {e.Message}";
        }

        return null;
    }
}
