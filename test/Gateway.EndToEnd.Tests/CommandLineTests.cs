// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Cli;

namespace Gateway.EndToEnd.Tests;

/// <summary>--role and the config channel's flags: what they set, and the combinations refused before anything starts.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-cli-").FullName;

    private static (GatewayOptions? Options, string Errors) Bind(params string[] args)
    {
        using var errors = new StringWriter();
        var parse = CommandLine.Build().Parse(args);
        parse.Errors.Should().BeEmpty();
        return (CommandLine.Bind(parse, errors: errors), errors.ToString());
    }

    [Fact]
    public void NoRole_IsAll()
    {
        var (options, _) = Bind("--config-dir", _dir);

        options!.Role.Should().Be(GatewayRole.All);
    }

    [Fact]
    public void Drain_IsFiveSecondsByDefault_ButTheDemoStopsAtOnceUnlessAsked()
    {
        static GatewayOptions? Demo(params string[] args)
        {
            var parse = CommandLine.Build().Parse(["demo", .. args]);
            return CommandLine.Bind(parse, demo: true, errors: TextWriter.Null);
        }

        Bind("--config-dir", _dir).Options!.DrainPeriod.Should().Be(TimeSpan.FromSeconds(5));
        Demo()!.DrainPeriod.Should().Be(TimeSpan.Zero, "Ctrl-C on the demo has no load balancer to wait for");
        Demo("--drain-period", "2s")!.DrainPeriod.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Controller_ReadsTheListenAddress()
    {
        var (options, errors) = Bind("--role", "controller", "--config-dir", _dir, "--channel-listen", "127.0.0.1:18123", "--channel-keepalive", "10s");

        errors.Should().BeEmpty();
        options!.Role.Should().Be(GatewayRole.Controller);
        options.Channel.Listen.Should().Be(new IPEndPoint(IPAddress.Loopback, 18123));
        options.Channel.Keepalive.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Proxy_ReadsItsConnectionFlags()
    {
        var ca = Path.Combine(_dir, "ca.crt");
        File.WriteAllText(ca, "");

        var (options, errors) = Bind("--role", "proxy", "--controller-address", "https://controller.gateway-system:18000", "--channel-ca", ca,
            "--channel-server-name", "controller", "--node-id", "node-a", "--channel-connect-timeout", "2s", "--channel-max-retries", "3",
            "--channel-retry-backoff", "250ms", "--state-dir", Path.Combine(_dir, "state"), "--state-include-secrets");

        errors.Should().BeEmpty();
        var channel = options!.Channel;
        (channel.StateDir, channel.StateIncludesPrivateKeys).Should().Be((Path.Combine(_dir, "state"), true));
        channel.ControllerAddress.Should().Be(new Uri("https://controller.gateway-system:18000"));
        (channel.CaFile, channel.ServerName, channel.NodeId).Should().Be((ca, "controller", "node-a"));
        (channel.ConnectTimeout, channel.MaxRetries, channel.RetryBackoff).Should().Be((TimeSpan.FromSeconds(2), 3, TimeSpan.FromMilliseconds(250)));
    }

    [Theory]
    [InlineData("--config-dir is read by the controller", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--config-dir", ".")]
    [InlineData("--in-cluster is read by the controller", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--in-cluster")]
    [InlineData("--gateway-addresses is read by the controller", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--gateway-addresses", "127.0.10.0/24")]
    [InlineData("--role proxy needs --controller-address", "--role", "proxy")]
    [InlineData("is not http://HOST:PORT", "--role", "proxy", "--controller-address", "controller:18000")]
    [InlineData("plaintext to another host", "--role", "proxy", "--controller-address", "http://10.1.2.3:18000")]
    [InlineData("--channel-server-name needs an https://", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--channel-server-name", "c")]
    [InlineData("--channel-connect-timeout soon is not a positive duration", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--channel-connect-timeout", "soon")]
    [InlineData("--channel-max-retries -1 is negative", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--channel-max-retries", "-1")]
    [InlineData("--controller-address is a flag of --role proxy", "--config-dir", "DIR", "--controller-address", "http://127.0.0.1:18000")]
    [InlineData("--channel-listen is a flag of --role controller", "--config-dir", "DIR", "--channel-listen", "127.0.0.1:18000")]
    [InlineData("--channel-keepalive is a flag of --role controller or proxy", "--config-dir", "DIR", "--channel-keepalive", "5s")]
    [InlineData("in the clear", "--role", "controller", "--config-dir", "DIR")]
    [InlineData("--channel-cert and --channel-key go together", "--role", "controller", "--config-dir", "DIR", "--channel-cert", "DIR")]
    [InlineData("is not ADDRESS:PORT", "--role", "controller", "--config-dir", "DIR", "--channel-listen", "localhost")]
    [InlineData("--channel-client-ca needs --channel-cert", "--role", "controller", "--config-dir", "DIR", "--channel-listen", "127.0.0.1:18000", "--channel-client-ca", "DIR")]
    [InlineData("--channel-client-ca is a flag of --role controller", "--role", "proxy", "--controller-address", "https://127.0.0.1:18000", "--channel-client-ca", "DIR")]
    [InlineData("--channel-client-cert and --channel-client-key go together", "--role", "proxy", "--controller-address", "https://127.0.0.1:18000", "--channel-client-cert", "DIR")]
    [InlineData("--channel-client-cert needs an https://", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--channel-client-cert", "DIR", "--channel-client-key", "DIR")]
    [InlineData("--access-log is a data-plane flag", "--role", "controller", "--config-dir", "DIR", "--channel-listen", "127.0.0.1:18000", "--access-log")]
    [InlineData("--state-include-secrets needs --state-dir", "--role", "proxy", "--controller-address", "http://127.0.0.1:18000", "--state-include-secrets")]
    [InlineData("--state-dir is a flag of --role proxy", "--config-dir", "DIR", "--state-dir", "DIR")]
    [InlineData("say where objects come from", "--role", "controller", "--channel-listen", "127.0.0.1:18000")]
    [InlineData("--max-client-connections is a data-plane flag", "--role", "controller", "--config-dir", "DIR", "--channel-listen", "127.0.0.1:18000", "--max-client-connections", "10")]
    [InlineData("--max-client-connections must be at least 1", "--config-dir", "DIR", "--max-client-connections", "0")]
    public void ConflictingOrIncompleteFlags_AreRefusedWithAReason(string reason, params string[] args)
    {
        var (options, errors) = Bind([.. args.Select(a => a == "DIR" ? _dir : a)]);

        options.Should().BeNull();
        errors.Should().Contain(reason);
    }

    [Fact]
    public void ControllerOnANonLoopbackAddress_WithPlaintextAllowed_IsAccepted()
    {
        var (options, errors) = Bind("--role", "controller", "--config-dir", _dir, "--channel-plaintext");

        errors.Should().BeEmpty();
        options!.Channel.Listen.Should().Be(new IPEndPoint(IPAddress.Any, 18000));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
