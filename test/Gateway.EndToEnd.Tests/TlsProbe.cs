// SPDX-License-Identifier: Apache-2.0
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// One HTTP/1.1 request over TLS with the SNI name and the Host header chosen independently (HttpClient ties
/// them together), returning the status, the body and the certificate the server presented.
/// </summary>
internal static class TlsProbe
{
    public sealed record Result(int StatusCode, string Body, string CertificateSubject);

    public static async Task<Result> GetAsync(string address, int port, string serverName, string host, string path, X509Certificate2? clientCertificate = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address, port);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate? presented = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate;
                return true; // Self-signed test certificates; the subject is asserted instead.
            },
        });

        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        if (response.Length == 0)
        {
            // With TLS 1.3 a refused client certificate surfaces after the handshake, as a closed connection.
            throw new IOException("The server closed the connection without an HTTP response.");
        }

        var statusLine = response[..response.IndexOf("\r\n", StringComparison.Ordinal)];
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return new Result(int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response[bodyStart..], presented?.Subject ?? "");
    }
}
