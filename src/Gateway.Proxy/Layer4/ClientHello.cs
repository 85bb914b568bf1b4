// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// Reads the server name (SNI) from the first bytes a TLS client sends, without terminating anything: the TLS records
/// are parsed only as far as the ClientHello's server_name extension, and the bytes are relayed unchanged afterwards.
/// A ClientHello may span several records; its handshake fragments are joined (within <see cref="MaxBytes"/>).
/// </summary>
internal static class ClientHello
{
    /// <summary>The most bytes read before giving up: a ClientHello is a few hundred bytes, post-quantum ones a few KiB.</summary>
    public const int MaxBytes = 16 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostName = 0;

    public enum Outcome
    {
        /// <summary>The bytes so far are a valid beginning; read more.</summary>
        NeedMore,

        /// <summary>A complete ClientHello (its server name, if any, is set).</summary>
        Complete,

        /// <summary>Not a TLS ClientHello.</summary>
        Invalid,
    }

    /// <summary>Looks at what has arrived so far; <paramref name="serverName"/> is lowercase, null when the client sent none.</summary>
    public static Outcome TryRead(ReadOnlySpan<byte> received, out string? serverName)
    {
        serverName = null;
        // The handshake message is the concatenation of the fragments in consecutive handshake records.
        byte[]? joined = null;
        var offset = 0;
        var messageLength = -1;
        var gathered = 0;
        while (true)
        {
            if (received.Length - offset < 5)
            {
                return Outcome.NeedMore;
            }

            if (received[offset] != HandshakeRecord || received[offset + 1] != 3)
            {
                return Outcome.Invalid;
            }

            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(received[(offset + 3)..]);
            if (recordLength == 0 || received.Length - offset - 5 < recordLength)
            {
                return recordLength == 0 ? Outcome.Invalid : Outcome.NeedMore;
            }

            var fragment = received.Slice(offset + 5, recordLength);
            offset += 5 + recordLength;
            if (messageLength < 0)
            {
                if (fragment.Length < 4)
                {
                    return Outcome.Invalid; // A first fragment this short is legal but never sent; refusing it keeps the code simple.
                }

                if (fragment[0] != ClientHelloMessage)
                {
                    return Outcome.Invalid;
                }

                messageLength = (fragment[1] << 16) | (fragment[2] << 8) | fragment[3];
                if (messageLength > MaxBytes)
                {
                    return Outcome.Invalid;
                }

                if (fragment.Length - 4 >= messageLength)
                {
                    return Parse(fragment.Slice(4, messageLength), out serverName);
                }

                joined = new byte[messageLength];
            }

            var body = gathered == 0 ? fragment[4..] : fragment;
            var take = Math.Min(body.Length, messageLength - gathered);
            body[..take].CopyTo(joined!.AsSpan(gathered));
            gathered += take;
            if (gathered == messageLength)
            {
                return Parse(joined!, out serverName);
            }
        }
    }

    /// <summary>Walks a ClientHello body to its extensions and reads server_name.</summary>
    private static Outcome Parse(ReadOnlySpan<byte> hello, out string? serverName)
    {
        serverName = null;
        var reader = new SpanCursor(hello);
        if (!reader.Skip(2 + 32) || !reader.SkipVector(1) || !reader.SkipVector(2) || !reader.SkipVector(1))
        {
            return Outcome.Invalid;
        }

        if (reader.Remaining == 0)
        {
            return Outcome.Complete; // No extensions at all.
        }

        if (!reader.ReadVector(2, out var extensions))
        {
            return Outcome.Invalid;
        }

        var list = new SpanCursor(extensions);
        while (list.Remaining > 0)
        {
            if (!list.ReadUInt16(out var type) || !list.ReadVector(2, out var data))
            {
                return Outcome.Invalid;
            }

            if (type == ServerNameExtension)
            {
                return ReadServerName(data, out serverName) ? Outcome.Complete : Outcome.Invalid;
            }
        }

        return Outcome.Complete;
    }

    private static bool ReadServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        var cursor = new SpanCursor(data);
        if (!cursor.ReadVector(2, out var names))
        {
            return false;
        }

        var list = new SpanCursor(names);
        while (list.Remaining > 0)
        {
            if (!list.ReadByte(out var type) || !list.ReadVector(2, out var name))
            {
                return false;
            }

            if (type == HostName)
            {
                if (name.Length == 0 || name.Length > 255 || name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0)
                {
                    return false;
                }

                serverName = Encoding.ASCII.GetString(name).TrimEnd('.').ToLowerInvariant();
                return true;
            }
        }

        return true;
    }

    /// <summary>A bounds-checked reader over a span: every read says whether the bytes were there.</summary>
    private ref struct SpanCursor(ReadOnlySpan<byte> span)
    {
        private ReadOnlySpan<byte> _rest = span;

        public readonly int Remaining => _rest.Length;

        public bool Skip(int count)
        {
            if (_rest.Length < count)
            {
                return false;
            }

            _rest = _rest[count..];
            return true;
        }

        public bool ReadByte(out byte value)
        {
            value = _rest.Length > 0 ? _rest[0] : (byte)0;
            return Skip(1);
        }

        public bool ReadUInt16(out ushort value)
        {
            value = _rest.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_rest) : (ushort)0;
            return Skip(2);
        }

        /// <summary>A vector with a 1- or 2-byte length prefix.</summary>
        public bool ReadVector(int lengthBytes, out ReadOnlySpan<byte> value)
        {
            value = default;
            int length;
            if (lengthBytes == 1)
            {
                if (!ReadByte(out var b))
                {
                    return false;
                }

                length = b;
            }
            else
            {
                if (!ReadUInt16(out var s))
                {
                    return false;
                }

                length = s;
            }

            if (_rest.Length < length)
            {
                return false;
            }

            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }

        public bool SkipVector(int lengthBytes) => ReadVector(lengthBytes, out _);
    }
}
