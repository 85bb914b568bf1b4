// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using System.Net;
using Gateway.Admin;
using Gateway.Channel;
using Gateway.Cli;
using Gateway.Kubernetes;
using Gateway.Proxy;
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Forwarding;
using Gateway.Proxy.Layer4;
using Gateway.Proxy.Listeners;
using Gateway.Proxy.Pipeline;
using Gateway.Proxy.Tls;
using Gateway.Proxy.Upstream;
using Gateway.Sources;
using Gateway.Sources.Files;
using Gateway.Sources.Kubernetes;
using k8s;
using Gateway.Status;
using Gateway.Translation;
using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Events;

namespace Gateway.Hosting;

/// <summary>
/// Wires one process by its role: source → translator → snapshot feed (controller side), proxy state → Kestrel (data
/// plane side), both with the feed handed over in memory (all), and the admin server in every role.
/// </summary>
public static class GatewayHost
{
    public static WebApplication Build(GatewayOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder, options);
        var dataPlane = options.Role != GatewayRole.Controller;
        var controlPlane = options.Role != GatewayRole.Proxy;

        var endpoints = new ListenerEndpointsSource();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            if (dataPlane)
            {
                var certificates = kestrel.ApplicationServices.GetRequiredService<ServerCertificateSelector>();
                var clientValidation = kestrel.ApplicationServices.GetRequiredService<ClientCertificateValidator>();
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificateSelector = certificates.Select;
                    https.OnAuthenticate = clientValidation.OnAuthenticate;
                });
                kestrel.ApplicationServices.GetRequiredService<ClientTimeouts>().Attach(kestrel);
                kestrel.ApplicationServices.GetRequiredService<Http2ServerLimits>().Attach(kestrel);
            }

            kestrel.Listen(IPAddress.Parse(options.AdminAddress), options.AdminPort);
            if (dataPlane)
            {
                // After the admin endpoint, so only Gateway sockets (bound from configuration) get connection limits,
                // lingering close and cleartext HTTP/2. The limiter comes first, so it counts HTTP/1.1 and HTTP/2
                // connections alike; lingering close sits below TLS and the protocol selector, on the raw socket.
                var limiter = kestrel.ApplicationServices.GetRequiredService<ConnectionLimiter>();
                var protocols = kestrel.ApplicationServices.GetRequiredService<CleartextProtocolSelector>();
                kestrel.ConfigureEndpointDefaults(listen =>
                {
                    limiter.Attach(listen);
                    LingeringClose.Attach(listen);
                    protocols.Attach(listen);
                });
                kestrel.Configure(new ConfigurationBuilder().Add(endpoints).Build(), reloadOnChange: true);
            }
            else
            {
                ChannelHosting.ListenForProxies(kestrel, options.Channel);
            }
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        if (dataPlane)
        {
            AddDataPlane(services, options, endpoints);
        }

        if (controlPlane)
        {
            AddControlPlane(services, options);
        }

        switch (options.Role)
        {
            case GatewayRole.All:
                // The in-process channel: each published snapshot goes live on the control loop's thread.
                services.AddSingleton<InProcessChannel>();
                services.AddSingleton(sp =>
                {
                    var feed = new SnapshotFeed();
                    feed.Published += sp.GetRequiredService<InProcessChannel>().Apply;
                    return feed;
                });
                break;
            case GatewayRole.Controller:
                services.AddSingleton<SnapshotFeed>();
                ChannelHosting.AddServer(services);
                break;
            case GatewayRole.Proxy:
                ChannelHosting.AddClient(services, options.Channel);
                break;
        }

        // "System.Runtime" is .NET's built-in runtime meter (GC heap and collections, allocations, working set,
        // thread pool, exceptions, …): memory growth is visible on /metrics without a package.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ProxyMetrics.MeterName, ControlPlaneMetrics.MeterName, ChannelMetrics.MeterName, "System.Runtime")
            .AddView(SmallInstrumentView)
            .AddPrometheusExporter());
        if (dataPlane)
        {
            Tracing.Add(services, builder.Configuration);
        }

        var app = builder.Build();
        app.MapWhen(context => IsAdmin(context, options), admin =>
        {
            admin.UseOpenTelemetryPrometheusScrapingEndpoint();
            admin.Run(AdminEndpoints.HandleAsync);
        });
        if (dataPlane)
        {
            app.Use(app.Services.GetRequiredService<ConnectionDrain>().CloseWhileDraining);
            app.UseMiddleware<GatewayProxyMiddleware>();
        }
        else
        {
            app.MapGrpcService<ConfigChannelService>();
        }

        return app;
    }

    /// <summary>
    /// The SDK sets aside room for 2,000 tag combinations per instrument up front (about 150 KB each): 5 MB for the
    /// thirty-odd instruments here. Only the proxy's instruments (per code, per endpoint, per route when asked) can
    /// need that many; the runtime's and the control plane's have a handful (measured: 3.8 MB less RSS idle).
    /// </summary>
    private static MetricStreamConfiguration? SmallInstrumentView(Instrument instrument) =>
        instrument.Meter.Name == ProxyMetrics.MeterName ? null : new MetricStreamConfiguration { CardinalityLimit = SmallInstrumentCardinality };

    /// <summary>Tag combinations kept for an instrument outside the proxy; more are counted in the overflow series.</summary>
    internal const int SmallInstrumentCardinality = 64;

    /// <summary>Gateway listeners, TLS, routing and forwarding: roles all and proxy.</summary>
    private static void AddDataPlane(IServiceCollection services, GatewayOptions options, ListenerEndpointsSource endpoints)
    {
        services.AddSingleton(endpoints);
        services.AddSingleton<ProxyState>();
        services.AddSingleton<ServerCertificateSelector>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<CleartextProtocolSelector>();
        services.AddSingleton<Http2ServerLimits>();
        services.AddSingleton<ConnectionDrain>();
        services.AddSingleton<ClientConnectionBudget>();
        services.AddSingleton<ClientTimeouts>();
        services.Configure<ProxyOptions>(p =>
        {
            p.AccessLog = options.AccessLog;
            p.AccessLogQuery = options.AccessLogQuery;
            p.MaxClientConnections = options.MaxClientConnections;
            p.UpstreamClient = options.UpstreamClient;
        });
        services.AddHttpForwarder();
        services.AddSingleton<Http1Forwarder>();
        // Read by the StatusStore when this process keeps status too (--role all): a listener it cannot bind is not programmed.
        services.AddSingleton<ListenerBindStatus>();
        services.AddHostedService<ListenerBindingService>();
        services.AddSingleton<Layer4Metrics>();
        services.AddSingleton<Layer4Listeners>();
        services.AddHostedService(sp => sp.GetRequiredService<Layer4Listeners>());
        services.AddHostedService<ActiveHealthChecker>();
        services.AddHostedService<MemoryTrimService>();
        services.AddHostedService<GracefulShutdown>();
    }

    /// <summary>Source, translator and status: roles all and controller.</summary>
    private static void AddControlPlane(IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(new TranslatorOptions
        {
            ControllerName = options.ControllerName,
            ListenAddress = options.ListenAddress,
            AddressPool = options.GatewayAddresses is { } range ? AddressRange.Parse(range) : [],
            LocalAddresses = options.GatewayAddresses is null && !options.UsesGatewayServices ? MachineAddresses.Read() : null,
            Services = options.UsesGatewayServices
                ? new GatewayServiceOptions
                {
                    Namespace = options.ServiceNamespace,
                    Selector = ServiceFlags.ParseSelector(options.ServiceSelector),
                    ContainerPorts = ServiceFlags.ParsePorts(options.ContainerPorts),
                }
                : null,
        });
        if (options.UsesKubernetes)
        {
            AddKubernetes(services, options);
        }
        else
        {
            services.AddSingleton<IResourceSource>(sp => new DirectorySource(
                options.ConfigDir ?? throw new InvalidOperationException("--config-dir is required"),
                sp.GetRequiredService<ILogger<DirectorySource>>()));
        }

        // A controller's ProxyRegistry tells the store what ProxyConfig status says; without one it is in process.
        services.AddSingleton<StatusStore>();
        services.AddSingleton<GatewayServiceStore>();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddHostedService<ControllerService>();
    }

    /// <summary>
    /// Cluster mode: objects come from the API server; every replica serves traffic, and only the Lease holder writes
    /// status. The API configuration is chosen explicitly (--kubeconfig, KUBECONFIG or --in-cluster), never guessed.
    /// </summary>
    private static void AddKubernetes(IServiceCollection services, GatewayOptions options)
    {
        var configuration = options.InCluster
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig);
        services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(configuration));
        services.AddSingleton<IResourceSource>(sp => new KubernetesSource(configuration, sp.GetRequiredService<ILogger<KubernetesSource>>(),
            new KubernetesSourceOptions { MaxBackoff = options.KubernetesMaxBackoff }));
        services.AddSingleton(new LeaderElectionOptions
        {
            Enabled = options.LeaderElect,
            Namespace = options.LeaderElectionNamespace,
            LeaseName = options.LeaderElectionName,
            Identity = options.LeaderElectionIdentity,
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.LeaseRenewDeadline,
            RetryPeriod = options.LeaseRetryPeriod,
        });
        services.AddSingleton<LeaderElectionService>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElectionService>());
        services.AddSingleton(sp => new EventRecorder(sp.GetRequiredService<IKubernetes>(), options.ControllerName, sp.GetRequiredService<ILogger<EventRecorder>>()));
        services.AddSingleton(sp => new StatusWriter(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<StatusStore>(), options.ControllerName,
            sp.GetRequiredService<EventRecorder>(), sp.GetRequiredService<ILogger<StatusWriter>>()));
        AddLeaderWriter<StatusWriter, StatusStore>(services);
        if (options.UsesGatewayServices)
        {
            services.AddSingleton<ServiceWriter>();
            AddLeaderWriter<ServiceWriter, GatewayServiceStore>(services);
        }
    }

    // Not AddHostedService: it registers one hosted service per implementation type, and both writers run in a LeaderWriterService.
    private static void AddLeaderWriter<TWriter, TChanges>(IServiceCollection services)
        where TWriter : ILeaderWriter
        where TChanges : IChangeNotifier =>
        services.AddSingleton<IHostedService>(sp => new LeaderWriterService(sp.GetRequiredService<TWriter>(), sp.GetRequiredService<TChanges>(),
            sp.GetRequiredService<LeaderElectionService>(), sp.GetRequiredService<ILogger<LeaderWriterService>>()));

    /// <summary>Admin pages answer only on the admin socket, never on a Gateway listener that shares its port number.</summary>
    private static bool IsAdmin(HttpContext context, GatewayOptions options)
    {
        var connection = context.Connection;
        if (connection.LocalPort != options.AdminPort || connection.LocalIpAddress is not { } local)
        {
            return false;
        }

        var admin = IPAddress.Parse(options.AdminAddress);
        return admin.Equals(IPAddress.Any) || admin.Equals(IPAddress.IPv6Any)
            || admin.Equals(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);
    }

    /// <summary>The logger ASP.NET Core's hosting asks per request whether to create an Activity and a log scope.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static void ConfigureLogging(WebApplicationBuilder builder, GatewayOptions options)
    {
        var level = Enum.TryParse<LogEventLevel>(options.LogLevel, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                // Off, not Warning: while this logger answers enabled at any level, ASP.NET Core's hosting starts an
                // Activity and a log scope for every request (HostingApplicationDiagnostics.BeginRequest), and it has
                // nothing to say that Kestrel and the proxy do not log themselves.
                .MinimumLevel.Override(HostingDiagnosticsCategory, LevelAlias.Off)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                // YARP logs every failed upstream attempt with a stack trace; the forwarder logs one line instead.
                .MinimumLevel.Override("Yarp", LogEventLevel.Error)
                // The proxy decides per request (the flag, or the listener's ProxyConfig); the logger lets it through.
                .MinimumLevel.Override(AccessLog.Category, LogEventLevel.Information)
                .Enrich.FromLogContext();
            if (options.LogFormat == "json")
            {
                logger.WriteTo.Console(new AccessLogJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });
    }
}
