// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Writes text straight into a buffer writer's memory (a connection's pipe), asking for more only when the span in
/// hand is full, so a request head costs no intermediate string or array. Text is written as Latin-1: request header
/// values reach us from Kestrel as ASCII, and anything outside Latin-1 (only from config) becomes '?'.
/// </summary>
internal ref struct HeadWriter(IBufferWriter<byte> output)
{
    private const int Chunk = 2048;
    private Span<byte> _span = output.GetSpan(Chunk);
    private int _used;

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _span.Length - _used)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_span[_used..]);
        _used += bytes.Length;
    }

    public void Write(scoped ReadOnlySpan<char> text)
    {
        if (text.Length > _span.Length - _used)
        {
            Grow(text.Length);
        }

        _used += Encoding.Latin1.GetBytes(text, _span[_used..]);
    }

    public void Write(long value)
    {
        if (20 > _span.Length - _used)
        {
            Grow(20);
        }

        value.TryFormat(_span[_used..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _used += written;
    }

    public void WriteHex(long value)
    {
        if (16 > _span.Length - _used)
        {
            Grow(16);
        }

        value.TryFormat(_span[_used..], out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
        _used += written;
    }

    /// <summary>"name: value\r\n".</summary>
    public void WriteHeader(scoped ReadOnlySpan<char> name, scoped ReadOnlySpan<char> value)
    {
        Write(name);
        Write(": "u8);
        Write(value);
        Write("\r\n"u8);
    }

    /// <summary>Hands what was written to the output; the writer must not be used after.</summary>
    public void Commit()
    {
        output.Advance(_used);
        _used = 0;
        _span = default;
    }

    private void Grow(int needed)
    {
        output.Advance(_used);
        _used = 0;
        _span = output.GetSpan(Math.Max(Chunk, needed));
    }
}
