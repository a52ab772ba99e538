using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeltaLite.Parquet.Encodings;

/// <summary>The PLAIN encoding (= 0) of every physical type.</summary>
internal static class PlainEncoding
{
    private const string Name = "PLAIN";

    /// <summary>Julian day number of 1970-01-01.</summary>
    private const int JulianDayOfUnixEpoch = 2_440_588;

    private const long NanosPerDay = 86_400_000_000_000L;

    /// <summary>Decodes dst.Length booleans bit-packed LSB first; returns ceil(count/8).</summary>
    public static int DecodeBooleans(ReadOnlySpan<byte> src, Span<bool> dst)
    {
        int n = dst.Length;
        int needed = (int)(((long)n + 7) >> 3);
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{n} booleans");
        int i = 0;
        int byteIndex = 0;
        for (; i + 8 <= n; i += 8, byteIndex++)
        {
            int v = src[byteIndex];
            dst[i] = (v & 1) != 0;
            dst[i + 1] = (v & 2) != 0;
            dst[i + 2] = (v & 4) != 0;
            dst[i + 3] = (v & 8) != 0;
            dst[i + 4] = (v & 16) != 0;
            dst[i + 5] = (v & 32) != 0;
            dst[i + 6] = (v & 64) != 0;
            dst[i + 7] = (v & 128) != 0;
        }
        for (int k = 0; i < n; i++, k++) dst[i] = ((src[byteIndex] >> k) & 1) != 0;
        return needed;
    }

    /// <summary>
    /// Decodes dst.Length little-endian values of a fixed-size type (int, long, float, double and the like);
    /// returns count * sizeof(T).
    /// </summary>
    public static int DecodeFixed<T>(ReadOnlySpan<byte> src, Span<T> dst) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long needed = (long)dst.Length * size;
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{dst.Length} values of {size} bytes");
        Span<byte> target = MemoryMarshal.AsBytes(dst);
        src[..(int)needed].CopyTo(target);
        if (!BitConverter.IsLittleEndian && size > 1)
        {
            for (int i = 0; i < target.Length; i += size) target.Slice(i, size).Reverse();
        }
        return (int)needed;
    }

    /// <summary>
    /// Decodes INT96 timestamps (8 bytes nanoseconds of the day, then 4 bytes Julian day, both little-endian) to
    /// nanoseconds since the Unix epoch; returns count * 12. Throws when a value does not fit in a long.
    /// </summary>
    public static int DecodeInt96(ReadOnlySpan<byte> src, Span<long> nanosSinceUnixEpoch)
    {
        int n = nanosSinceUnixEpoch.Length;
        long needed = (long)n * 12;
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{n} INT96 values");
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> v = src.Slice(i * 12, 12);
            long nanosOfDay = BinaryPrimitives.ReadInt64LittleEndian(v);
            int julianDay = BinaryPrimitives.ReadInt32LittleEndian(v[8..]);
            Int128 nanos = (Int128)(julianDay - (long)JulianDayOfUnixEpoch) * NanosPerDay + nanosOfDay;
            if (nanos < long.MinValue || nanos > long.MaxValue)
                throw EncodingErrors.At(Name, (long)i * 12,
                    $"INT96 timestamp (Julian day {julianDay}, {nanosOfDay} ns of day) is outside the range of 64-bit nanoseconds");
            nanosSinceUnixEpoch[i] = (long)nanos;
        }
        return (int)needed;
    }

    /// <summary>
    /// Decodes INT96 timestamps to microseconds since the Unix epoch (nanoseconds floored), which covers every
    /// date engines write (year 1 to 9999 and beyond); returns count * 12.
    /// </summary>
    public static int DecodeInt96Micros(ReadOnlySpan<byte> src, Span<long> microsSinceUnixEpoch)
    {
        int n = microsSinceUnixEpoch.Length;
        long needed = (long)n * 12;
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{n} INT96 values");
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> v = src.Slice(i * 12, 12);
            long nanosOfDay = BinaryPrimitives.ReadInt64LittleEndian(v);
            int julianDay = BinaryPrimitives.ReadInt32LittleEndian(v[8..]);
            Int128 micros = (Int128)(julianDay - (long)JulianDayOfUnixEpoch) * (NanosPerDay / 1000) + Int128.DivRem(nanosOfDay, 1000).Quotient
                - (nanosOfDay < 0 && nanosOfDay % 1000 != 0 ? 1 : 0);
            if (micros < long.MinValue || micros > long.MaxValue)
                throw EncodingErrors.At(Name, (long)i * 12,
                    $"INT96 timestamp (Julian day {julianDay}, {nanosOfDay} ns of day) is outside the range of 64-bit microseconds");
            microsSinceUnixEpoch[i] = (long)micros;
        }
        return (int)needed;
    }

    /// <summary>Decodes <paramref name="count"/> length-prefixed byte arrays into <paramref name="dst"/>; returns bytes consumed.</summary>
    public static int DecodeByteArrays(ReadOnlySpan<byte> src, int count, ByteArrayBuilder dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        if (count < 0) throw EncodingErrors.NegativeCount(Name, count);
        if ((long)count * 4 > src.Length)
            throw EncodingErrors.Truncated(Name, 0, (long)count * 4, src.Length, $"the length prefixes of {count} byte arrays");
        // First pass validates every length so that nothing is appended from corrupt input.
        int pos = 0;
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            if (src.Length - pos < 4)
                throw EncodingErrors.Truncated(Name, pos, 4, src.Length - pos, $"the length of byte array {i}");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(pos, 4));
            if (length > (uint)(src.Length - pos - 4))
                throw EncodingErrors.Truncated(Name, pos + 4, length, src.Length - pos - 4, $"byte array {i} of {count}");
            pos += 4 + (int)length;
            total += length;
        }
        dst.Reserve(count, (int)total);
        pos = 0;
        for (int i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(src.Slice(pos, 4));
            dst.Append(src.Slice(pos + 4, length));
            pos += 4 + length;
        }
        return pos;
    }

    /// <summary>Decodes <paramref name="count"/> values of <paramref name="width"/> bytes each; returns count * width.</summary>
    public static int DecodeFixedLenByteArrays(ReadOnlySpan<byte> src, int count, int width, ByteArrayBuilder dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        if (count < 0) throw EncodingErrors.NegativeCount(Name, count);
        if (width < 0) throw EncodingErrors.At(Name, 0, $"fixed length byte array width {width} is negative");
        long needed = (long)count * width;
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{count} fixed length byte arrays of {width} bytes");
        dst.Reserve(count, (int)needed);
        for (int i = 0; i < count; i++) dst.Append(src.Slice(i * width, width));
        return (int)needed;
    }

    /// <summary>Appends booleans bit-packed LSB first, the last byte zero-padded.</summary>
    public static void EncodeBooleans(ReadOnlySpan<bool> values, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        int bytes = (values.Length + 7) >> 3;
        if (bytes == 0) return;
        Span<byte> span = dst.GetSpan(bytes);
        int i = 0;
        for (int o = 0; o < bytes; o++)
        {
            int b = 0;
            int end = Math.Min(i + 8, values.Length);
            for (int k = 0; i < end; i++, k++)
            {
                if (values[i]) b |= 1 << k;
            }
            span[o] = (byte)b;
        }
        dst.Advance(bytes);
    }

    /// <summary>Appends fixed-size values little-endian.</summary>
    public static void EncodeFixed<T>(ReadOnlySpan<T> values, ArrayBufferWriter<byte> dst) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(dst);
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (bytes.Length == 0) return;
        Span<byte> span = dst.GetSpan(bytes.Length)[..bytes.Length];
        bytes.CopyTo(span);
        int size = Unsafe.SizeOf<T>();
        if (!BitConverter.IsLittleEndian && size > 1)
        {
            for (int i = 0; i < span.Length; i += size) span.Slice(i, size).Reverse();
        }
        dst.Advance(bytes.Length);
    }

    /// <summary>Appends nanoseconds since the Unix epoch as INT96 (nanoseconds of day, Julian day).</summary>
    public static void EncodeInt96(ReadOnlySpan<long> nanosSinceUnixEpoch, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        int n = nanosSinceUnixEpoch.Length;
        if (n == 0) return;
        if ((long)n * 12 > Array.MaxLength)
            throw new ArgumentException("The encoded INT96 values would exceed the largest possible buffer.", nameof(nanosSinceUnixEpoch));
        Span<byte> span = dst.GetSpan(n * 12);
        for (int i = 0; i < n; i++)
        {
            long nanos = nanosSinceUnixEpoch[i];
            long days = Math.DivRem(nanos, NanosPerDay, out long nanosOfDay);
            if (nanosOfDay < 0)
            {
                days--;
                nanosOfDay += NanosPerDay;
            }
            Span<byte> v = span.Slice(i * 12, 12);
            BinaryPrimitives.WriteInt64LittleEndian(v, nanosOfDay);
            BinaryPrimitives.WriteInt32LittleEndian(v[8..], (int)(days + JulianDayOfUnixEpoch));
        }
        dst.Advance(n * 12);
    }

    /// <summary>Appends <paramref name="count"/> byte arrays, each as a 4-byte little-endian length and its bytes.</summary>
    public static void EncodeByteArrays(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int count, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ValueSpans.Validate(offsets, data, count);
        if (count == 0) return;
        long total = (long)count * 4 + (offsets[count] - offsets[0]);
        if (total > Array.MaxLength)
            throw new ArgumentException("The encoded byte arrays would exceed the largest possible buffer.", nameof(data));
        Span<byte> span = dst.GetSpan((int)total);
        int o = 0;
        for (int i = 0; i < count; i++)
        {
            int start = offsets[i];
            int length = offsets[i + 1] - start;
            BinaryPrimitives.WriteInt32LittleEndian(span.Slice(o, 4), length);
            data.Slice(start, length).CopyTo(span[(o + 4)..]);
            o += 4 + length;
        }
        dst.Advance(o);
    }

    /// <summary>Appends <paramref name="count"/> values that must each be exactly <paramref name="width"/> bytes long.</summary>
    public static void EncodeFixedLenByteArrays(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int count, int width, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ValueSpans.Validate(offsets, data, count);
        for (int i = 0; i < count; i++)
        {
            if (offsets[i + 1] - offsets[i] != width)
                throw new ArgumentException($"Value {i} is {offsets[i + 1] - offsets[i]} bytes long, not {width}.", nameof(offsets));
        }
        if (count == 0 || width == 0) return;
        int total = offsets[count] - offsets[0];
        data.Slice(offsets[0], total).CopyTo(dst.GetSpan(total));
        dst.Advance(total);
    }
}
