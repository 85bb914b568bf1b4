// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Gateway.Channel;

/// <summary>The config channel's settings: the controller's listener and the proxy's connection (flags mirror ProxyConfig spec.channel.grpc).</summary>
public sealed class ConfigChannelOptions
{
    public const int DefaultPort = 18000;

    /// <summary>Controller: where the channel is served.</summary>
    public IPEndPoint Listen { get; set; } = new(IPAddress.Any, DefaultPort);

    /// <summary>Controller: PEM certificate and key files; both null means plaintext HTTP/2.</summary>
    public string? CertificateFile { get; set; }
    public string? KeyFile { get; set; }

    /// <summary>Controller: PEM CA bundle that must have signed every proxy's client certificate (mutual TLS); null accepts any proxy.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Proxy: PEM client certificate and key presented to a controller that asks for one.</summary>
    public string? ClientCertificateFile { get; set; }
    public string? ClientKeyFile { get; set; }

    /// <summary>Proxy: the controller, http://host:port (plaintext HTTP/2) or https://host:port.</summary>
    public Uri? ControllerAddress { get; set; }

    /// <summary>Proxy: PEM CA bundle that must have signed the controller's certificate (system roots when null).</summary>
    public string? CaFile { get; set; }

    /// <summary>Proxy: the name the controller's certificate must carry (the address's host when null).</summary>
    public string? ServerName { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary>This proxy's name in the controller's view and logs.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>HTTP/2 ping interval, both ways; a peer that does not answer a ping within the same time is gone.</summary>
    public TimeSpan Keepalive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failed attempts after which a proxy gives up and exits; 0 retries forever.</summary>
    public int MaxRetries { get; set; }

    /// <summary>The first reconnect waits up to this long; each further failure doubles it, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts (not a flag).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Proxy: where the last applied snapshot is kept, to serve it after a restart before the controller answers; null keeps nothing.</summary>
    public string? StateDir { get; set; }

    /// <summary>Proxy: keep serving certificates' private keys in the state file too (in the clear, mode 0600).</summary>
    public bool StateIncludesPrivateKeys { get; set; }

    public bool UsesTls => CertificateFile is not null;
}
