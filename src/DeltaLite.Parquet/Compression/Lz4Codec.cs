using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// The LZ4 block format (lz4 doc/lz4_Block_format.md) used by LZ4_RAW, and the deprecated Hadoop framing
/// around it used by Parquet's LZ4 codec. The encoder is a greedy single-probe hash-table matcher.
/// </summary>
internal static unsafe class Lz4Codec
{
    private const string RawName = "LZ4_RAW";
    private const string HadoopName = "LZ4";
    private const int MinMatch = 4;
    private const int MaxOffset = 65535;

    /// <summary>The last match must start at least this many bytes before the end of the block.</summary>
    private const int MatchStartMargin = 12;

    /// <summary>The last this many bytes of a block are always literals.</summary>
    private const int LastLiterals = 5;

    private const int MinHashBits = 8;
    private const int MaxHashBits = 14;

    /// <summary>Worst-case encoded size of <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length)
    {
        long bound = length + length / 255L + 16;
        if (bound > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(length), length, "The input is too large for one LZ4 block.");
        return (int)bound;
    }

    // ---------------------------------------------------------------- decoding

    /// <summary>Decodes one LZ4 block that must fill <paramref name="dst"/> exactly.</summary>
    public static void DecompressRaw(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        string? error = TryDecodeBlock(src, dst, RawName);
        if (error is not null) throw CodecErrors.Corrupt(RawName, error);
    }

    /// <summary>
    /// Decodes the Hadoop framing: repeated [big-endian uncompressed size][big-endian compressed size][LZ4 block]
    /// (a block's output may be split across several such chunks). Pages whose framing does not parse are
    /// decoded as one raw LZ4 block, as some writers produced those under this codec.
    /// </summary>
    public static void DecompressHadoop(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        string? framed = TryDecodeHadoop(src, dst);
        if (framed is null) return;
        string? raw = TryDecodeBlock(src, dst, HadoopName);
        if (raw is null) return;
        throw CodecErrors.Corrupt(HadoopName, $"as Hadoop-framed LZ4: {framed}; as a raw LZ4 block: {raw}");
    }

    private static string? TryDecodeHadoop(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int ip = 0, op = 0;
        if (src.Length < 8) return "the page is shorter than one 8-byte frame header";
        while (ip < src.Length)
        {
            if (src.Length - ip < 8) return $"at byte {ip}, a frame header runs past the end of the input";
            uint blockSize = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(ip));
            ip += 4;
            if (blockSize > (uint)(dst.Length - op)) return $"at byte {ip - 4}, a frame of {blockSize} bytes would pass the {dst.Length} bytes the page header declares";
            int blockEnd = op + (int)blockSize;
            do
            {
                if (src.Length - ip < 4) return $"at byte {ip}, a chunk header runs past the end of the input";
                uint chunkSize = BinaryPrimitives.ReadUInt32BigEndian(src.Slice(ip));
                ip += 4;
                if (chunkSize > (uint)(src.Length - ip)) return $"at byte {ip - 4}, a chunk of {chunkSize} bytes runs past the end of the input";
                int written = DecodeBlockPrefix(src.Slice(ip, (int)chunkSize), dst.Slice(op, blockEnd - op), out string? error);
                if (error is not null) return $"in the chunk at byte {ip}, {error}";
                ip += (int)chunkSize;
                op += written;
                if (written == 0 && op < blockEnd) return $"at byte {ip}, a chunk produced no output";
            }
            while (op < blockEnd);
        }
        return op == dst.Length ? null : $"the frames hold {op} bytes but the page header declares {dst.Length}";
    }

    private static string? TryDecodeBlock(ReadOnlySpan<byte> src, Span<byte> dst, string name)
    {
        int written = DecodeBlockPrefix(src, dst, out string? error);
        if (error is not null) return error;
        return written == dst.Length ? null : $"it decodes to {written} bytes but the page header declares {dst.Length}";
    }

    /// <summary>Decodes a whole block into the start of <paramref name="dst"/>; returns the bytes written, or sets <paramref name="error"/>.</summary>
    private static int DecodeBlockPrefix(ReadOnlySpan<byte> src, Span<byte> dst, out string? error)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            return DecodeSequences(s, s + src.Length, d, d + dst.Length, out error);
        }
    }

    private static int DecodeSequences(byte* s, byte* ipEnd, byte* d, byte* opEnd, out string? error)
    {
        byte* ip = s;
        byte* op = d;
        error = null;
        if (ip == ipEnd)
        {
            error = "the block is empty (an empty block is encoded as a single zero token)";
            return 0;
        }
        while (true)
        {
            if (ip >= ipEnd)
            {
                error = "the block ends after a match instead of with a literal-only sequence";
                return 0;
            }
            uint token = *ip++;

            nuint literals = token >> 4;
            if (literals == 15 && !ReadLengthExtension(ref ip, ipEnd, (nuint)(opEnd - op), ref literals))
            {
                error = $"at byte {ip - s}, a literal length runs past the end of the input or the output";
                return 0;
            }
            if (literals <= 16 && ipEnd - ip >= 16 && opEnd - op >= 16)
            {
                LzCopy.Copy16(op, ip);
            }
            else
            {
                if ((nuint)(ipEnd - ip) < literals)
                {
                    error = $"at byte {ip - s}, {literals} literals run past the end of the input";
                    return 0;
                }
                if ((nuint)(opEnd - op) < literals)
                {
                    error = $"at byte {ip - s}, {literals} literals would write past the {opEnd - d} bytes the page header declares";
                    return 0;
                }
                Buffer.MemoryCopy(ip, op, literals, literals);
            }
            ip += literals;
            op += literals;
            if (ip == ipEnd) return (int)(op - d);

            if (ipEnd - ip < 2)
            {
                error = $"at byte {ip - s}, a match offset runs past the end of the input";
                return 0;
            }
            nuint offset = (nuint)(ip[0] | (ip[1] << 8));
            ip += 2;
            if (offset == 0)
            {
                error = $"at byte {ip - 2 - s}, a match has offset 0";
                return 0;
            }
            if (offset > (nuint)(op - d))
            {
                error = $"at byte {ip - 2 - s}, a match reaches {offset} bytes back but only {op - d} bytes were decoded";
                return 0;
            }
            nuint length = token & 15;
            if (length == 15 && !ReadLengthExtension(ref ip, ipEnd, (nuint)(opEnd - op), ref length))
            {
                error = $"at byte {ip - s}, a match length runs past the end of the input or the output";
                return 0;
            }
            length += MinMatch;
            if ((nuint)(opEnd - op) < length)
            {
                error = $"at byte {ip - s}, a match of {length} bytes would write past the {opEnd - d} bytes the page header declares";
                return 0;
            }
            LzCopy.CopyMatch(op, opEnd, offset, length);
            op += length;
        }
    }

    /// <summary>Adds the 255-continued length bytes; false if they run out or the total exceeds <paramref name="max"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadLengthExtension(ref byte* ip, byte* ipEnd, nuint max, ref nuint length)
    {
        uint b;
        do
        {
            if (ip >= ipEnd) return false;
            b = *ip++;
            length += b;
            if (length > max + MinMatch) return false;
        }
        while (b == 255);
        return true;
    }

    // ---------------------------------------------------------------- encoding

    /// <summary>Compresses <paramref name="src"/> into one LZ4 block in <paramref name="dst"/>, which must hold <see cref="MaxCompressedLength"/> bytes.</summary>
    public static int CompressRaw(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (dst.Length < MaxCompressedLength(src.Length)) throw new ArgumentException("The destination is smaller than the worst-case LZ4 size.", nameof(dst));
        int[] table = ArrayPool<int>.Shared.Rent(1 << MaxHashBits);
        try
        {
            fixed (byte* s = src)
            fixed (byte* d = dst)
            fixed (int* t = table)
            {
                return (int)(EncodeBlock(s, src.Length, d, t) - d);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    private static byte* EncodeBlock(byte* s, int n, byte* op, int* table)
    {
        byte* end = s + n;
        byte* literal = s;
        if (n > MatchStartMargin)
        {
            int hashBits = Math.Clamp(BitOperations.Log2((uint)n - 1) + 1, MinHashBits, MaxHashBits);
            int shift = 32 - hashBits;
            new Span<int>(table, 1 << hashBits).Clear();
            byte* limit = end - MatchStartMargin;    // a match starts before this
            byte* matchEnd = end - LastLiterals;     // and stops at or before this
            byte* ip = s + 1;
            while (ip < limit)
            {
                uint word = Unsafe.ReadUnaligned<uint>(ip);
                uint h = (word * 2654435761u) >> shift;
                byte* candidate = s + table[h];
                table[h] = (int)(ip - s);
                if (candidate >= ip || ip - candidate > MaxOffset || Unsafe.ReadUnaligned<uint>(candidate) != word)
                {
                    ip += 1 + ((ip - literal) >> 6);
                    continue;
                }
                // Grow the match backwards over equal literal bytes, then forwards.
                while (ip > literal && candidate > s && ip[-1] == candidate[-1])
                {
                    ip--;
                    candidate--;
                }
                int length = MinMatch + LzCopy.MatchLength(ip + MinMatch, candidate + MinMatch, matchEnd);
                op = EmitSequence(op, literal, (int)(ip - literal), (int)(ip - candidate), length);
                ip += length;
                literal = ip;
                if (ip < limit)
                {
                    uint prev = Unsafe.ReadUnaligned<uint>(ip - 2);
                    table[(prev * 2654435761u) >> shift] = (int)(ip - 2 - s);
                }
            }
        }
        // The final sequence: literals only.
        int last = (int)(end - literal);
        op = EmitLiteralLength(op, last, 0);
        Buffer.MemoryCopy(literal, op, last, last);
        return op + last;
    }

    private static byte* EmitSequence(byte* op, byte* literal, int literals, int offset, int matchLength)
    {
        int m = matchLength - MinMatch;
        op = EmitLiteralLength(op, literals, Math.Min(m, 15));
        Buffer.MemoryCopy(literal, op, literals, literals);
        op += literals;
        *op++ = (byte)offset;
        *op++ = (byte)(offset >> 8);
        if (m >= 15) op = EmitLengthExtension(op, m - 15);
        return op;
    }

    private static byte* EmitLiteralLength(byte* op, int literals, int matchNibble)
    {
        *op++ = (byte)((Math.Min(literals, 15) << 4) | matchNibble);
        return literals >= 15 ? EmitLengthExtension(op, literals - 15) : op;
    }

    private static byte* EmitLengthExtension(byte* op, int rest)
    {
        while (rest >= 255)
        {
            *op++ = 255;
            rest -= 255;
        }
        *op++ = (byte)rest;
        return op;
    }
}
