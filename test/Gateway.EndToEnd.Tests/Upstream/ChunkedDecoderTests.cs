// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using Gateway.Proxy.Upstream;

namespace Gateway.EndToEnd.Tests.Upstream;

/// <summary>Chunked response bodies decoded strictly, in whatever pieces they arrive.</summary>
public sealed class ChunkedDecoderTests
{
    private const string Body = "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: dropped\r\n\r\n";

    /// <summary>Feeds the bytes as a pipe would: what is not consumed is offered again with the next piece.</summary>
    private static (OperationStatus Status, string Data, int Consumed) Feed(byte[] bytes, int piece)
    {
        var decoder = new ChunkedDecoder();
        var output = new ArrayBufferWriter<byte>();
        var start = 0;
        for (var end = Math.Min(piece, bytes.Length); ; end = Math.Min(end + piece, bytes.Length))
        {
            var buffer = new ReadOnlySequence<byte>(bytes, start, end - start);
            var status = decoder.Decode(buffer, output, out var consumed, out _);
            start += (int)buffer.Slice(0, consumed).Length;
            if (status != OperationStatus.NeedMoreData || end == bytes.Length)
            {
                return (status, Encoding.ASCII.GetString(output.WrittenSpan), start);
            }
        }
    }

    [Fact]
    public void Body_IsDecoded_ReadInAnyPieces_AndTrailersAreDropped()
    {
        var bytes = Encoding.ASCII.GetBytes(Body + "NEXT");
        for (var piece = 1; piece <= bytes.Length; piece++)
        {
            var (status, data, consumed) = Feed(bytes, piece);

            status.Should().Be(OperationStatus.Done, $"pieces of {piece}");
            data.Should().Be("helloabcdefghijklmnopqrstuvwxyz");
            consumed.Should().Be(Body.Length, "what follows the body is left for the caller (and makes the connection unfit for reuse)");
        }
    }

    [Fact]
    public void TruncatedBody_NeedsMoreData_NeverDone()
    {
        for (var cut = 0; cut < Body.Length; cut++)
        {
            Feed(Encoding.ASCII.GetBytes(Body[..cut]), 3).Status.Should().Be(OperationStatus.NeedMoreData, $"cut after {cut} bytes");
        }
    }

    [Theory]
    [InlineData("g\r\nx\r\n0\r\n\r\n")]
    [InlineData("\r\n")]
    [InlineData("-1\r\n")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("1000000000000000\r\n")] // 16 hex digits: overflow territory.
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n")] // Data longer than its size.
    [InlineData("5;a\u0001b\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 junk\r\nhello\r\n0\r\n\r\n")]
    [InlineData("0\r\nX-T: a\rb\r\n\r\n")]
    [InlineData("0\r\nX-T: a\n\r\n")]
    public void MalformedEncoding_IsInvalid(string body) => Feed(Encoding.Latin1.GetBytes(body), 1).Status.Should().Be(OperationStatus.InvalidData);

    [Fact]
    public void EndlessSizeLine_IsInvalid_NotBuffered()
    {
        var line = Encoding.ASCII.GetBytes("5;" + new string('x', 5000));

        Feed(line, 1000).Status.Should().Be(OperationStatus.InvalidData);
    }
}
