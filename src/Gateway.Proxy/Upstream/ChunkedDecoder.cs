// SPDX-License-Identifier: Apache-2.0
using System.Buffers;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Decodes a chunked body (RFC 9112 §7.1) as it arrives, in any split, writing the chunk data on. Strict: a chunk
/// size is 1 to 15 hex digits, extensions hold no control characters, every line ends in CRLF, a size line is at most
/// 4 KiB and trailers at most 64 KiB together. Trailers are read and dropped: they are not forwarded.
/// </summary>
internal struct ChunkedDecoder
{
    private const int MaxSizeLine = 4096;
    private const int MaxTrailers = 64 * 1024;

    private State _state;
    private long _remaining;
    private int _trailerBytes;

    private enum State
    {
        Size,
        Data,
        DataEnd,
        Trailers,
        Done,
    }

    /// <summary>
    /// Reads what it can of <paramref name="buffer"/>. Done once the last chunk and trailers are read (consumed is then
    /// just past them), NeedMoreData otherwise, InvalidData when the encoding is broken.
    /// </summary>
    public OperationStatus Decode(in ReadOnlySequence<byte> buffer, IBufferWriter<byte> output, out SequencePosition consumed, out long written)
    {
        var reader = new SequenceReader<byte>(buffer);
        written = 0;
        var status = DecodeCore(ref reader, output, ref written);
        consumed = reader.Position;
        return status;
    }

    private OperationStatus DecodeCore(ref SequenceReader<byte> reader, IBufferWriter<byte> output, ref long written)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Size:
                    if (!reader.TryReadTo(out ReadOnlySpan<byte> sizeLine, (byte)'\n'))
                    {
                        return reader.Remaining > MaxSizeLine ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
                    }

                    if (sizeLine.Length > MaxSizeLine || !TryChunkSize(sizeLine, out _remaining))
                    {
                        return OperationStatus.InvalidData;
                    }

                    _state = _remaining == 0 ? State.Trailers : State.Data;
                    break;
                case State.Data:
                    if (reader.End)
                    {
                        return OperationStatus.NeedMoreData;
                    }

                    var span = reader.UnreadSpan;
                    var take = (int)Math.Min(span.Length, _remaining);
                    output.Write(span[..take]);
                    reader.Advance(take);
                    written += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }

                    break;
                case State.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        return OperationStatus.NeedMoreData;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        return OperationStatus.InvalidData;
                    }

                    _state = State.Size;
                    break;
                case State.Trailers:
                    if (!reader.TryReadTo(out ReadOnlySpan<byte> trailer, (byte)'\n'))
                    {
                        return _trailerBytes + reader.Remaining > MaxTrailers ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
                    }

                    _trailerBytes += trailer.Length + 1;
                    if (_trailerBytes > MaxTrailers || trailer.IsEmpty || trailer[^1] != '\r' || trailer[..^1].IndexOfAny((byte)'\r', (byte)'\0') >= 0)
                    {
                        return OperationStatus.InvalidData;
                    }

                    if (trailer.Length == 1)
                    {
                        _state = State.Done;
                        return OperationStatus.Done;
                    }

                    break;
                default:
                    return OperationStatus.Done;
            }
        }
    }

    /// <summary>"hex[;ext]\r": the size, with extensions checked for control characters and otherwise ignored.</summary>
    private static bool TryChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        if (line.IsEmpty || line[^1] != '\r')
        {
            return false;
        }

        line = line[..^1];
        var digits = 0;
        for (; digits < line.Length; digits++)
        {
            var value = HexValue(line[digits]);
            if (value < 0)
            {
                break;
            }

            size = (size << 4) | (uint)value;
        }

        if (digits is 0 or > 15)
        {
            return false;
        }

        var extension = line[digits..].TrimStart(" \t"u8);
        return extension.IsEmpty || (extension[0] == ';' && !extension.ContainsAnyInRange((byte)0, (byte)8) && !extension.ContainsAnyInRange((byte)10, (byte)31) && !extension.Contains((byte)0x7F));
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
