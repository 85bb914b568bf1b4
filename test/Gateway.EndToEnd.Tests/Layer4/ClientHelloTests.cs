// SPDX-License-Identifier: Apache-2.0
using System.Net.Security;
using System.Net.Sockets;
using Gateway.Proxy.Layer4;

namespace Gateway.EndToEnd.Tests.Layer4;

/// <summary>The SNI reader on real ClientHellos (what SslStream sends), whole, cut short, split across records, and on other bytes.</summary>
public sealed class ClientHelloTests
{
    [Fact]
    public async Task WholeHello_GivesTheServerName_Lowercased()
    {
        var hello = await CaptureHelloAsync("Api.Example.COM");

        ClientHello.TryRead(hello, out var name).Should().Be(ClientHello.Outcome.Complete);
        name.Should().Be("api.example.com");
    }

    [Fact]
    public async Task EveryShorterPrefix_AsksForMore()
    {
        var hello = await CaptureHelloAsync("api.example.com");

        for (var length = 0; length < hello.Length; length += 7)
        {
            ClientHello.TryRead(hello.AsSpan(0, length), out _).Should().Be(ClientHello.Outcome.NeedMore, $"{length} of {hello.Length} bytes");
        }
    }

    [Fact]
    public async Task HelloSplitAcrossTwoRecords_IsJoined()
    {
        var hello = await CaptureHelloAsync("split.example.com");
        var message = hello.AsSpan(5).ToArray(); // One record: its handshake message.
        var cut = message.Length / 2;
        var split = Record(message[..cut]).Concat(Record(message[cut..])).ToArray();

        ClientHello.TryRead(split, out var name).Should().Be(ClientHello.Outcome.Complete);
        name.Should().Be("split.example.com");
        ClientHello.TryRead(split.AsSpan(0, split.Length - 1), out _).Should().Be(ClientHello.Outcome.NeedMore);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0000\u0000")]
    public void OtherBytes_AreInvalid(string text) =>
        ClientHello.TryRead(System.Text.Encoding.Latin1.GetBytes(text), out _).Should().Be(ClientHello.Outcome.Invalid);

    private static byte[] Record(byte[] fragment) => [22, 3, 1, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment];

    /// <summary>The first bytes an SslStream client sends for this SNI name (its ClientHello record).</summary>
    private static async Task<byte[]> CaptureHelloAsync(string serverName)
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(client.GetStream());
        _ = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });

        var buffer = new byte[16 * 1024];
        var received = 0;
        var stream = server.GetStream();
        while (received < 5 || received < 5 + ((buffer[3] << 8) | buffer[4]))
        {
            received += await stream.ReadAsync(buffer.AsMemory(received));
        }

        client.Close();
        return buffer[..received];
    }
}
