// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Gateway.Proxy.Upstream;

namespace Gateway.EndToEnd.Tests.Upstream;

/// <summary>The HTTP/1.1 client's response head parser: what it accepts, what it refuses (502), in any split.</summary>
public sealed class Http1ResponseHeadTests
{
    private static string? Parse(string head, out Http1ResponseHead parsed) => Http1ResponseHead.TryParse(Encoding.Latin1.GetBytes(head), out parsed);

    [Fact]
    public void ValidHead_GivesStatusFramingAndReuse()
    {
        Parse("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: b c\r\n\r\n", out var parsed).Should().BeNull();

        parsed.StatusCode.Should().Be(201);
        parsed.Framing(headRequest: false).Should().Be(ResponseBodyFraming.ContentLength);
        parsed.ContentLength.Should().Be(5);
        parsed.KeepAlive.Should().BeTrue();
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, "Chunked")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", false, "UntilClose")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, "None")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, "None")] // HEAD
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false, "None")]
    [InlineData("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, "None")]
    [InlineData("HTTP/1.1 200\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\n", false, "ContentLength")]
    public void Framing_FollowsRfc9112(string head, bool headRequest, string framing)
    {
        Parse(head, out var parsed).Should().BeNull();

        parsed.Framing(headRequest).ToString().Should().Be(framing);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n")]
    public void CloseOrHttp10_IsNotReused(string head)
    {
        Parse(head, out var parsed).Should().BeNull();

        parsed.KeepAlive.Should().BeFalse();
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\rInjected: b\r\n\r\n")] // Response splitting with a bare CR.
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\nInjected: b\r\n\r\n")] // ... with a bare LF.
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n")] // obs-fold
    [InlineData("HTTP/1.1 200 OK\r\nX-A : a\r\n\r\n")] // whitespace before the colon
    [InlineData("HTTP/1.1 200 OK\r\n: a\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("HTTP/2.0 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 O\0K\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\n\r\n")]
    [InlineData("ICY 200 OK\r\n\r\n")]
    public void AmbiguousOrMalformedHead_IsRefused(string head) => Parse(head, out _).Should().NotBeNull();

    [Fact]
    public void HeadEnd_IsFoundOnlyOnceWhole_WhateverTheSplit()
    {
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Long: abcdefghij\r\n\r\nhi");
        var headLength = bytes.Length - 2;
        for (var split = 0; split <= bytes.Length; split++)
        {
            for (var seen = 0; seen <= bytes.Length; seen += Math.Max(1, bytes.Length / 7))
            {
                var available = bytes[..seen];
                var sequence = split < seen ? Segments.Of(available[..split], available[split..]) : Segments.Of(available);
                Http1ResponseHead.Find(sequence).Should().Be(seen >= headLength ? headLength : -1, $"split at {split}, {seen} bytes seen");
            }
        }
    }
}
