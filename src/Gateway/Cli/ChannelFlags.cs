// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Net;
using Gateway.Channel;

namespace Gateway.Cli;

/// <summary>--role and the config channel's flags (they mirror ProxyConfig spec.channel.grpc), and which role each belongs to.</summary>
internal static class ChannelFlags
{
    public static readonly Option<string> Role = new("--role") { Description = "all (controller and data plane in one process), controller (serves the config channel, binds no Gateway listener) or proxy (data plane fed by --controller-address).", DefaultValueFactory = _ => "all" };
    public static readonly Option<string> Listen = new("--channel-listen") { Description = "Controller: ADDRESS:PORT to serve the config channel on.", DefaultValueFactory = _ => $"0.0.0.0:{ConfigChannelOptions.DefaultPort}" };
    public static readonly Option<string?> Certificate = new("--channel-cert") { Description = "Controller: PEM certificate file for the channel's TLS (with --channel-key)." };
    public static readonly Option<string?> Key = new("--channel-key") { Description = "Controller: PEM private key file for --channel-cert." };
    public static readonly Option<string?> ClientCa = new("--channel-client-ca") { Description = "Controller: PEM CA bundle; only proxies presenting a certificate it signed get config (mutual TLS, needs --channel-cert)." };
    public static readonly Option<string?> ClientCertificate = new("--channel-client-cert") { Description = "Proxy: PEM client certificate for a controller that requires one (with --channel-client-key)." };
    public static readonly Option<string?> ClientKey = new("--channel-client-key") { Description = "Proxy: PEM private key file for --channel-client-cert." };
    public static readonly Option<bool> Plaintext = new("--channel-plaintext") { Description = "Allow an unencrypted channel on a non-loopback address; snapshots hold TLS private keys, so only inside a trusted network." };
    public static readonly Option<string?> ControllerAddress = new("--controller-address") { Description = "Proxy: the controller's channel, http://HOST:PORT (plaintext) or https://HOST:PORT." };
    public static readonly Option<string?> Ca = new("--channel-ca") { Description = "Proxy: PEM CA bundle the controller's certificate must chain to (system roots otherwise)." };
    public static readonly Option<string?> ServerName = new("--channel-server-name") { Description = "Proxy: the name the controller's certificate must carry (the address's host otherwise)." };
    public static readonly Option<bool> InsecureSkipVerify = new("--channel-insecure-skip-verify") { Description = "Proxy: accept any controller certificate (testing only)." };
    public static readonly Option<string> NodeId = new("--node-id") { Description = "Proxy: its name in the controller's logs and counts (the pod name in a cluster).", DefaultValueFactory = _ => Environment.MachineName };
    public static readonly Option<string> ConnectTimeout = new("--channel-connect-timeout") { Description = "Proxy: time allowed to connect to the controller (e.g. 5s).", DefaultValueFactory = _ => "5s" };
    public static readonly Option<string> Keepalive = new("--channel-keepalive") { Description = "HTTP/2 ping interval on the channel; a peer silent for as long again is gone.", DefaultValueFactory = _ => "30s" };
    public static readonly Option<int> MaxRetries = new("--channel-max-retries") { Description = "Proxy: consecutive failed attempts before it exits non-zero; 0 retries forever.", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> RetryBackoff = new("--channel-retry-backoff") { Description = "Proxy: the first reconnect waits a random time up to this; it doubles per failure, up to 30s.", DefaultValueFactory = _ => "500ms" };

    public static readonly Option<string?> StateDir = new("--state-dir") { Description = "Proxy: directory where the last applied config is kept (mode 0600), to serve it after a restart while the controller is away." };
    public static readonly Option<bool> StateIncludeSecrets = new("--state-include-secrets") { Description = "Proxy: keep TLS private keys in --state-dir too (in the clear), so HTTPS listeners also serve before the controller answers." };

    public static Option[] Options => [Role, Listen, Certificate, Key, ClientCa, Plaintext, ControllerAddress, Ca, ServerName, InsecureSkipVerify, ClientCertificate, ClientKey,
        NodeId, ConnectTimeout, Keepalive, MaxRetries, RetryBackoff, StateDir, StateIncludeSecrets];

    private static readonly Option[] _controllerOnly = [Listen, Certificate, Key, ClientCa];
    private static readonly Option[] _proxyOnly = [ControllerAddress, Ca, ServerName, InsecureSkipVerify, ClientCertificate, ClientKey, NodeId, ConnectTimeout, MaxRetries, RetryBackoff,
        StateDir, StateIncludeSecrets];
    private static readonly Option[] _splitOnly = [Keepalive, Plaintext];

    public static GatewayRole ParseRole(ParseResult parse) => Enum.Parse<GatewayRole>(parse.GetValue(Role)!, ignoreCase: true);

    /// <summary>Sets the channel options for options.Role; returns what is wrong, or null.</summary>
    public static string? Bind(ParseResult parse, GatewayOptions options)
    {
        var wrongRole = _controllerOnly.Where(o => options.Role != GatewayRole.Controller).Select(o => (o, "--role controller"))
            .Concat(_proxyOnly.Where(o => options.Role != GatewayRole.Proxy).Select(o => (o, "--role proxy")))
            .Concat(_splitOnly.Where(o => options.Role == GatewayRole.All).Select(o => (o, "--role controller or proxy")))
            .FirstOrDefault(x => IsGiven(parse, x.o));
        if (wrongRole.o is not null)
        {
            return $"{wrongRole.o.Name} is a flag of {wrongRole.Item2}";
        }

        var channel = options.Channel;
        channel.CertificateFile = parse.GetValue(Certificate);
        channel.KeyFile = parse.GetValue(Key);
        channel.ClientCaFile = parse.GetValue(ClientCa);
        channel.ClientCertificateFile = parse.GetValue(ClientCertificate);
        channel.ClientKeyFile = parse.GetValue(ClientKey);
        channel.CaFile = parse.GetValue(Ca);
        channel.ServerName = parse.GetValue(ServerName);
        channel.InsecureSkipVerify = parse.GetValue(InsecureSkipVerify);
        channel.NodeId = parse.GetValue(NodeId)!;
        channel.MaxRetries = parse.GetValue(MaxRetries);
        channel.StateDir = parse.GetValue(StateDir);
        channel.StateIncludesPrivateKeys = parse.GetValue(StateIncludeSecrets);
        return DurationFlags.Bind(parse, ConnectTimeout, t => channel.ConnectTimeout = t)
            ?? DurationFlags.Bind(parse, Keepalive, t => channel.Keepalive = t)
            ?? DurationFlags.Bind(parse, RetryBackoff, t => channel.RetryBackoff = t)
            ?? (channel.MaxRetries < 0 ? $"--channel-max-retries {channel.MaxRetries} is negative" : null)
            ?? options.Role switch
            {
                GatewayRole.Controller => CheckController(parse, options),
                GatewayRole.Proxy => CheckProxy(parse, channel),
                _ => null,
            };
    }

    /// <summary>True when the flag is on the command line (not just its default).</summary>
    public static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static string? CheckController(ParseResult parse, GatewayOptions options)
    {
        var channel = options.Channel;
        var listen = parse.GetValue(Listen)!;
        if (!IPEndPoint.TryParse(listen, out var endpoint) || endpoint.Port == 0)
        {
            return $"--channel-listen {listen} is not ADDRESS:PORT";
        }

        channel.Listen = endpoint;
        if (endpoint.Port == options.AdminPort)
        {
            return $"--channel-listen {listen} and the admin server want the same port";
        }

        if ((channel.CertificateFile is null) != (channel.KeyFile is null))
        {
            return "--channel-cert and --channel-key go together";
        }

        if (channel.ClientCaFile is not null && !channel.UsesTls)
        {
            return "--channel-client-ca needs --channel-cert: client certificates are checked in the TLS handshake";
        }

        if (new[] { channel.CertificateFile, channel.KeyFile, channel.ClientCaFile }.FirstOrDefault(f => f is not null && !File.Exists(f)) is { } missing)
        {
            return $"{missing} does not exist";
        }

        return !channel.UsesTls && !IPAddress.IsLoopback(endpoint.Address) && !parse.GetValue(Plaintext)
            ? $"--channel-listen {listen} without --channel-cert would send snapshots, TLS private keys included, in the clear; add --channel-plaintext to allow that inside a trusted network"
            : null;
    }

    private static string? CheckProxy(ParseResult parse, ConfigChannelOptions channel)
    {
        if (parse.GetValue(ControllerAddress) is not { } address)
        {
            return "--role proxy needs --controller-address http://HOST:PORT or https://HOST:PORT";
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
        {
            return $"--controller-address {address} is not http://HOST:PORT or https://HOST:PORT";
        }

        channel.ControllerAddress = uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (new Option[] { Ca, ServerName, InsecureSkipVerify, ClientCertificate, ClientKey }.FirstOrDefault(o => IsGiven(parse, o)) is { } tlsFlag)
            {
                return $"{tlsFlag.Name} needs an https:// --controller-address";
            }

            if (!uri.IsLoopback && !parse.GetValue(Plaintext))
            {
                return $"--controller-address {address} is plaintext to another host; use https:// or add --channel-plaintext inside a trusted network";
            }
        }

        if (channel.InsecureSkipVerify && channel.CaFile is not null)
        {
            return "--channel-ca and --channel-insecure-skip-verify are alternatives; choose one";
        }

        if ((channel.ClientCertificateFile is null) != (channel.ClientKeyFile is null))
        {
            return "--channel-client-cert and --channel-client-key go together";
        }

        if (channel.StateIncludesPrivateKeys && channel.StateDir is null)
        {
            return "--state-include-secrets needs --state-dir";
        }

        if (channel.StateDir is { } stateDir && File.Exists(stateDir))
        {
            return $"--state-dir {stateDir} is a file, not a directory";
        }

        return new[] { channel.CaFile, channel.ClientCertificateFile, channel.ClientKeyFile }.FirstOrDefault(f => f is not null && !File.Exists(f)) is { } missing
            ? $"{missing} does not exist"
            : null;
    }
}
