// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Gateway.EndToEnd.Tests.Layer4;

/// <summary>
/// A TCP backend (optionally TLS) that speaks first and answers line by line, as the upstream suite's tcp-backend pods
/// do: a welcome line, then PING → PONG, IS_TLS → true/false, TEST → one JSON line naming the pod (service-0), its
/// namespace and the SNI name it was reached with; any other line comes back as it was.
/// </summary>
internal sealed class LineEchoBackend : IDisposable
{
    public const string Welcome = "WELCOME";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _namespace;
    private readonly string _service;
    private readonly X509Certificate2? _certificate;

    private LineEchoBackend(string ns, string service, X509Certificate2? certificate) =>
        (_namespace, _service, _certificate) = (ns, service, certificate);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private int _accepted;

    public static LineEchoBackend Start(string ns, string service, X509Certificate2? certificate)
    {
        var backend = new LineEchoBackend(ns, service, certificate);
        backend._listener.Start();
        _ = AcceptAllAsync(backend._listener, backend.ServeAsync, () => Interlocked.Increment(ref backend._accepted));
        return backend;
    }

    /// <summary>Hands every connection the listener accepts to <paramref name="serve"/>, until the listener stops.</summary>
    internal static async Task AcceptAllAsync(TcpListener listener, Func<TcpClient, Task> serve, Action? accepted = null)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            accepted?.Invoke();
            _ = serve(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                string? serverName = null;
                if (_certificate is { } certificate)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateSelectionCallback = (_, name) =>
                        {
                            serverName = name;
                            return certificate;
                        },
                    });
                    stream = tls;
                }

                await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await writer.WriteLineAsync(Welcome);
                while (await reader.ReadLineAsync() is { } line)
                {
                    await writer.WriteLineAsync(line switch
                    {
                        "PING" => "PONG",
                        "IS_TLS" => _certificate is null ? "false" : "true",
                        "TEST" => JsonSerializer.Serialize(new { pod = $"{_service}-0", @namespace = _namespace, serverName }),
                        _ => line,
                    });
                }
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }

    public void Dispose() => _listener.Stop();
}
