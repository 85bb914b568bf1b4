// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// One client TCP connection speaking HTTP/1.1 by hand, so a test controls exactly which socket each request
/// uses and can see when the server closes it (HttpClient hides both).
/// </summary>
internal sealed class RawHttp1Connection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffered = [];

    private RawHttp1Connection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public sealed record Response(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body);

    public static async Task<RawHttp1Connection> OpenAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawHttp1Connection(tcp);
    }

    /// <summary>A GET and its response; null when the server closed the connection without answering.</summary>
    public async Task<Response?> GetAsync(string path, Dictionary<string, string>? headers = null)
    {
        var extra = string.Concat((headers ?? []).Select(h => $"{h.Key}: {h.Value}\r\n"));
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: example.com\r\n{extra}\r\n"));
            return await ReadResponseAsync();
        }
        catch (IOException)
        {
            return null; // Reset by the server.
        }
    }

    /// <summary>The next response; null when the server closed the connection without answering.</summary>
    public async Task<Response?> ReadResponseAsync()
    {
        try
        {
            var head = await ReadHeadAsync();
            if (head is null)
            {
                return null;
            }

            var lines = head.Split("\r\n");
            var responseHeaders = lines.Skip(1)
                .Select(l => l.Split(':', 2))
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var body = responseHeaders.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
                ? await ReadChunkedAsync()
                : await ReadExactlyAsync(int.Parse(responseHeaders.GetValueOrDefault("Content-Length", "0"), CultureInfo.InvariantCulture));
            return new Response(int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), responseHeaders, body);
        }
        catch (IOException)
        {
            return null; // Reset by the server.
        }
    }

    /// <summary>Waits (a few seconds at most) for the server to close the connection: end of stream or reset.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return _buffered.Count == 0 && await _stream.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Half-closes the connection: the server reads the end of the stream, and can still answer.</summary>
    public void EndSending() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Sends bytes as they are, e.g. half a request head.</summary>
    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads (and drops) whatever comes until the server closes the connection; false if it is still open after <paramref name="within"/>.</summary>
    public async Task<bool> ClosedByServerWithinAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<string?> ReadHeadAsync()
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. _buffered]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _buffered.RemoveRange(0, end + 4);
                return text[..end];
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private async Task<string> ReadChunkedAsync()
    {
        var body = new StringBuilder();
        while (true)
        {
            var sizeLine = await ReadLineAsync();
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            body.Append(await ReadExactlyAsync(size));
            await ReadLineAsync();
            if (size == 0)
            {
                return body.ToString();
            }
        }
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var newline = _buffered.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString([.. _buffered[..newline]]).TrimEnd('\r');
                _buffered.RemoveRange(0, newline + 1);
                return line;
            }

            await FillOrThrowAsync();
        }
    }

    private async Task<string> ReadExactlyAsync(int length)
    {
        while (_buffered.Count < length)
        {
            await FillOrThrowAsync();
        }

        var text = Encoding.UTF8.GetString([.. _buffered[..length]]);
        _buffered.RemoveRange(0, length);
        return text;
    }

    private async Task FillOrThrowAsync()
    {
        if (!await FillAsync())
        {
            throw new IOException("The server closed the connection in the middle of a response.");
        }
    }

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[4096];
        var read = await _stream.ReadAsync(buffer);
        _buffered.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }
}
