// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel;

namespace Gateway.Cli;

/// <summary>What one process runs: everything, or one side of the config channel.</summary>
public enum GatewayRole
{
    /// <summary>Controller and data plane in one process; the snapshot is handed over in memory.</summary>
    All,

    /// <summary>Source, translator and status; serves snapshots to proxies and binds no Gateway listener.</summary>
    Controller,

    /// <summary>Data plane only: serves what the controller at --controller-address sends.</summary>
    Proxy,
}

/// <summary>Everything the command line sets (startup only).</summary>
public sealed class GatewayOptions
{
    public const int DefaultAdminPort = 9901;

    public GatewayRole Role { get; set; } = GatewayRole.All;

    /// <summary>The config channel (roles controller and proxy).</summary>
    public ConfigChannelOptions Channel { get; set; } = new();

    public string? ConfigDir { get; set; }
    public string ControllerName { get; set; } = Translation.TranslatorOptions.DefaultControllerName;
    public string? GatewayAddresses { get; set; }
    public string ListenAddress { get; set; } = "0.0.0.0";
    public string AdminAddress { get; set; } = "127.0.0.1";
    public int AdminPort { get; set; } = DefaultAdminPort;
    public string LogFormat { get; set; } = "text";
    public string LogLevel { get; set; } = "Information";
    public bool AccessLog { get; set; }

    /// <summary>Access-log paths include the query string.</summary>
    public bool AccessLogQuery { get; set; }

    /// <summary>Client connections all Gateway sockets may hold together; null derives it from the open-files limit.</summary>
    public int? MaxClientConnections { get; set; }

    /// <summary>The client for plain-HTTP/1.1 backends (--upstream-client): the gateway's own, or YARP's forwarder.</summary>
    public Proxy.Upstream.UpstreamClient UpstreamClient { get; set; } = Proxy.Upstream.UpstreamClient.Http1;

    /// <summary>After SIGTERM, how long listeners keep serving while /readyz says 503 (a ProxyConfig may ask for longer).</summary>
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After the drain period, how long requests in flight may take before their connections are closed.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Answer /status and /config to non-loopback clients too (they are loopback-only by default).</summary>
    public bool AdminExposeAll { get; set; }

    /// <summary>Watch the Kubernetes API using this kubeconfig file.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Watch the Kubernetes API with the pod's service account.</summary>
    public bool InCluster { get; set; }

    public bool LeaderElect { get; set; } = true;
    public string LeaderElectionNamespace { get; set; } = "gateway-system";
    public string LeaderElectionName { get; set; } = "gateway-status-writer";

    /// <summary>Per-Gateway Services (a cluster without --gateway-addresses): the container ports they target, their namespace and selector.</summary>
    public string ContainerPorts { get; set; } = "20000-29999";
    public string ServiceNamespace { get; set; } = Translation.GatewayServiceOptions.DefaultNamespace;
    public string ServiceSelector { get; set; } = "app.kubernetes.io/name=gateway";

    /// <summary>The longest wait between reconnect attempts to the API server (not a flag: tests shorten it).</summary>
    public TimeSpan KubernetesMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>This replica's name in the Lease: the pod name (hostname) in a cluster.</summary>
    public string LeaderElectionIdentity { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Lease timings (not flags: tests shorten them; the defaults suit a cluster).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan LeaseRenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan LeaseRetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when objects come from the Kubernetes API rather than a directory.</summary>
    public bool UsesKubernetes => Kubeconfig is not null || InCluster;

    /// <summary>In a cluster without an address pool, each Gateway gets a Service and its listeners container ports of their own.</summary>
    public bool UsesGatewayServices => UsesKubernetes && GatewayAddresses is null;
}
