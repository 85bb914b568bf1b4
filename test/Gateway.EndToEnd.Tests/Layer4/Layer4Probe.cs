// SPDX-License-Identifier: Apache-2.0
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Layer4;

/// <summary>Clients for layer-4 listeners: the line protocol of <see cref="LineEchoBackend"/>, plain or over TLS, and refusal checks.</summary>
internal static class Layer4Probe
{
    /// <summary>What one conversation with a line backend showed.</summary>
    /// <param name="Pod">The backend pod that answered (service-0).</param>
    /// <param name="ServerName">The SNI name the backend saw (null over plain TCP).</param>
    /// <param name="CertificateSubject">The certificate the client was shown (empty over plain TCP).</param>
    public sealed record LineAnswer(bool BackendIsTls, string Pod, string Namespace, string? ServerName, string CertificateSubject);

    /// <summary>Welcome, PING, IS_TLS and TEST, as upstream's MakeTCPRequestAndExpectEventuallyValidResponse asks them.</summary>
    /// <param name="serverName">TLS with this SNI name; null: plain TCP.</param>
    /// <param name="caPem">The CA the server certificate must chain to (and match the name); null accepts any.</param>
    public static async Task<LineAnswer> LineExchangeAsync(string address, int port, string? serverName = null, string? caPem = null)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(address, port, timeout.Token);
        Stream stream = tcp.GetStream();
        var subject = "";
        if (serverName is not null)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsClientAsync(ClientOptions(serverName, caPem), timeout.Token);
            subject = tls.RemoteCertificate?.Subject ?? "";
            stream = tls;
        }

        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            var welcome = await reader.ReadLineAsync(timeout.Token);
            welcome.Should().Be(LineEchoBackend.Welcome);
            await writer.WriteLineAsync("PING");
            (await reader.ReadLineAsync(timeout.Token)).Should().Be("PONG");
            await writer.WriteLineAsync("IS_TLS");
            var isTls = await reader.ReadLineAsync(timeout.Token) == "true";
            await writer.WriteLineAsync("TEST");
            var test = JsonNode.Parse(await reader.ReadLineAsync(timeout.Token) ?? "null")!;
            return new LineAnswer(isTls, test["pod"]!.GetValue<string>(), test["namespace"]!.GetValue<string>(), test["serverName"]?.GetValue<string>(), subject);
        }
    }

    /// <summary>
    /// True when a TLS handshake with this SNI name is refused (the connection is closed or reset before it completes),
    /// as upstream's MakeTLSConnectionAndExpectEventuallyConnectionRejection requires; false when it completes.
    /// </summary>
    public static async Task<bool> TlsIsRejectedAsync(string address, int port, string serverName)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tcp.ConnectAsync(address, port, timeout.Token);
        }
        catch (SocketException)
        {
            return true;
        }

        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(serverName, caPem: null), timeout.Token);
            return false;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return true;
        }
    }

    /// <summary>TLS 1.2 or later, with the certificate checked against <paramref name="caPem"/> (name included) when given.</summary>
    public static SslClientAuthenticationOptions ClientOptions(string serverName, string? caPem) => new()
    {
        TargetHost = serverName,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => caPem is null || ChainsTo(certificate, caPem, errors),
    };

    private static bool ChainsTo(X509Certificate? certificate, string caPem, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(caPem));
        return chain.Build(new X509Certificate2(certificate));
    }
}
