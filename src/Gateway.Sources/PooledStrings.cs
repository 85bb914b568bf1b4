// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Sources;

/// <summary>
/// Reads short JSON strings through a small per-thread table, so a value that recurs in every object (a namespace, a
/// kind, an apiVersion, a parent or backend name, a header name) is one string instance rather than one per object:
/// at 10,000 routes the copies were about 400 bytes per route. The table is a cache, not an intern pool: a slot that a
/// value keeps hitting stays, a value seen once is replaced by the next one that lands in its slot, so unique names
/// (and anything of a deleted object) do not accumulate. Long values (keys, certificates) are never kept.
/// </summary>
internal sealed class PooledStrings : JsonConverter<string>
{
    private const int MaxBytes = 64;
    private const int Slots = 2048;

    [ThreadStatic]
    private static Entry[]? t_table;

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Anything but a plain string goes the built-in way (GetString throws for a number where a string belongs,
        // and the serializer reports that with its path, as without this converter).
        return reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxBytes
            ? reader.GetString()
            : Pooled(reader.ValueSpan);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString()!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value);

    /// <summary>The table's string equal to these UTF-8 bytes, or a new one (which may take the slot).</summary>
    internal static string Pooled(ReadOnlySpan<byte> utf8)
    {
        // Only ASCII is compared against the table; a non-ASCII value would never match itself, and one that recurs
        // would keep evicting a recurring ASCII value of the same slot, so neither would be pooled.
        if (!Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var table = t_table ??= new Entry[Slots];
        ref var slot = ref table[(int)((uint)HashCode(utf8) % Slots)];
        if (slot.Value is { } known && SameAscii(known, utf8))
        {
            if (slot.Hits < 8)
            {
                slot.Hits++;
            }

            return known;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (slot.Hits > 0)
        {
            slot.Hits--; // A value that recurs keeps its slot against values seen once.
        }
        else
        {
            slot = new Entry(value, 0);
        }

        return value;
    }

    private static int HashCode(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }

    private static bool SameAscii(string known, ReadOnlySpan<byte> utf8)
    {
        if (known.Length != utf8.Length)
        {
            return false;
        }

        for (var i = 0; i < utf8.Length; i++)
        {
            // A non-ASCII byte never equals a char here, so a multi-byte value simply never hits.
            if (known[i] != utf8[i] || utf8[i] > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private record struct Entry(string? Value, int Hits);
}
