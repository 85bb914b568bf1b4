// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.EndToEnd.Tests.Performance;

/// <summary>
/// One keep-alive HTTP/1.1 client connection that sends the same GET again and again and reads each answer into one
/// reused buffer: it allocates nothing per request, so it does not blur an allocation count of the server it talks to.
/// Answers must carry a Content-Length (no chunked bodies).
/// </summary>
internal sealed class KeepAliveClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[64 * 1024];

    public KeepAliveClient(string path, string host) =>
        _request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: allocation-budget\r\nAccept: */*\r\n\r\n");

    public Task ConnectAsync(int port) => _socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>Sends the request and reads its whole answer; returns the status code.</summary>
    public async ValueTask<int> SendAsync()
    {
        await _socket.SendAsync(_request.AsMemory(), SocketFlags.None);
        var length = 0;
        var headEnd = -1;
        var total = -1;
        while (total < 0 || length < total)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(length), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            length += read;
            if (headEnd < 0 && (headEnd = _buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) >= 0)
            {
                total = headEnd + 4 + ContentLength(_buffer.AsSpan(0, headEnd));
            }
        }

        return (_buffer[9] - '0') * 100 + (_buffer[10] - '0') * 10 + (_buffer[11] - '0');
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        var name = "\r\ncontent-length:"u8;
        for (var i = 0; i + name.Length <= head.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(head.Slice(i, name.Length), name))
            {
                var value = head[(i + name.Length)..];
                var end = value.IndexOf("\r\n"u8);
                var digits = (end < 0 ? value : value[..end]).Trim(" "u8);
                var result = 0;
                foreach (var digit in digits)
                {
                    result = (result * 10) + (digit - '0');
                }

                return result;
            }
        }

        throw new InvalidDataException("The answer has no Content-Length.");
    }

    public void Dispose() => _socket.Dispose();
}
