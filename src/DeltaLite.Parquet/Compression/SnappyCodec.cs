using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// The raw Snappy block format (google/snappy format_description.txt, no framing): a varint uncompressed
/// length followed by literal and copy elements. The encoder is a greedy single-probe hash-table matcher
/// over independent 64 KiB blocks, like the reference compressor's output shape.
/// </summary>
internal static unsafe class SnappyCodec
{
    private const string Name = "SNAPPY";
    private const int BlockSize = 1 << 16;
    private const int MinHashBits = 8;
    private const int MaxHashBits = 14;

    /// <summary>Blocks shorter than this are stored as one literal.</summary>
    private const int MinMatchInput = 16;

    /// <summary>Worst-case encoded size of <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length)
    {
        long bound = 32L + length + length / 6;
        if (bound > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(length), length, "The input is too large for one SNAPPY block.");
        return (int)bound;
    }

    // ---------------------------------------------------------------- decoding

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int start = ReadPreamble(src, out ulong declared);
        if (declared != (ulong)dst.Length)
        {
            CodecErrors.ThrowCorrupt(Name, $"the block declares {declared} uncompressed bytes but the page header declares {dst.Length}");
        }
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            DecodeElements(s, s + start, s + src.Length, d, d + dst.Length);
        }
    }

    private static int ReadPreamble(ReadOnlySpan<byte> src, out ulong value)
    {
        value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (i >= src.Length) CodecErrors.ThrowCorrupt(Name, "the input ends inside the uncompressed-length preamble");
            byte b = src[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (value > uint.MaxValue) break;
                return i + 1;
            }
        }
        CodecErrors.ThrowCorrupt(Name, "the uncompressed-length preamble is longer than 32 bits");
        return 0;
    }

    private static void DecodeElements(byte* s, byte* ip, byte* ipEnd, byte* d, byte* opEnd)
    {
        byte* op = d;
        while (ip < ipEnd)
        {
            uint tag = *ip++;
            nuint length;
            if ((tag & 3) == 0)
            {
                length = (tag >> 2) + 1;
                if (length > 60)
                {
                    int extra = (int)length - 60;
                    if (ipEnd - ip < extra) ThrowAt(s, ip - 1, "the length of a literal runs past the end of the input");
                    ulong n = 0;
                    for (int i = 0; i < extra; i++) n |= (ulong)ip[i] << (8 * i);
                    ip += extra;
                    if (n >= (ulong)(opEnd - op)) ThrowOutputOverrun(s, ip, d, op, opEnd, "literal", n + 1);
                    length = (nuint)n + 1;
                }
                if (length <= 16 && ipEnd - ip >= 16 && opEnd - op >= 16)
                {
                    LzCopy.Copy16(op, ip);
                }
                else
                {
                    if ((nuint)(ipEnd - ip) < length) ThrowAt(s, ip, $"a literal of {length} bytes runs past the end of the input");
                    if ((nuint)(opEnd - op) < length) ThrowOutputOverrun(s, ip, d, op, opEnd, "literal", length);
                    Buffer.MemoryCopy(ip, op, length, length);
                }
                ip += length;
                op += length;
                continue;
            }

            nuint offset;
            switch (tag & 3)
            {
                case 1:
                    if (ip >= ipEnd) ThrowAt(s, ip - 1, "a copy with a 1-byte offset runs past the end of the input");
                    length = ((tag >> 2) & 7) + 4;
                    offset = ((tag >> 5) << 8) | *ip;
                    ip += 1;
                    break;
                case 2:
                    if (ipEnd - ip < 2) ThrowAt(s, ip - 1, "a copy with a 2-byte offset runs past the end of the input");
                    length = (tag >> 2) + 1;
                    offset = (nuint)(ip[0] | (ip[1] << 8));
                    ip += 2;
                    break;
                default:
                    if (ipEnd - ip < 4) ThrowAt(s, ip - 1, "a copy with a 4-byte offset runs past the end of the input");
                    length = (tag >> 2) + 1;
                    offset = ip[0] | ((nuint)ip[1] << 8) | ((nuint)ip[2] << 16) | ((nuint)ip[3] << 24);
                    ip += 4;
                    break;
            }
            if (offset == 0) ThrowAt(s, ip, "a copy has offset 0");
            if (offset > (nuint)(op - d)) ThrowAt(s, ip, $"a copy reaches {offset} bytes back but only {op - d} bytes were decoded");
            if ((nuint)(opEnd - op) < length) ThrowOutputOverrun(s, ip, d, op, opEnd, "copy", length);
            LzCopy.CopyMatch(op, opEnd, offset, length);
            op += length;
        }
        if (op != opEnd) CodecErrors.ThrowTooSmall(Name, op - d, (int)(opEnd - d));
    }

    private static void ThrowAt(byte* s, byte* at, string what) =>
        CodecErrors.ThrowCorrupt(Name, $"at byte {at - s}, {what}");

    private static void ThrowOutputOverrun(byte* s, byte* at, byte* d, byte* op, byte* opEnd, string element, ulong length) =>
        CodecErrors.ThrowCorrupt(Name,
            $"at byte {at - s}, a {element} of {length} bytes would write past the {opEnd - d} bytes the page header declares (at output byte {op - d})");

    // ---------------------------------------------------------------- encoding

    /// <summary>Compresses <paramref name="src"/> into <paramref name="dst"/>, which must hold <see cref="MaxCompressedLength"/> bytes.</summary>
    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (dst.Length < MaxCompressedLength(src.Length)) throw new ArgumentException("The destination is smaller than the worst-case SNAPPY size.", nameof(dst));
        ushort[] table = ArrayPool<ushort>.Shared.Rent(1 << MaxHashBits);
        try
        {
            fixed (byte* s = src)
            fixed (byte* d = dst)
            fixed (ushort* t = table)
            {
                byte* op = d;
                uint n = (uint)src.Length;
                while (n >= 0x80)
                {
                    *op++ = (byte)(n | 0x80);
                    n >>= 7;
                }
                *op++ = (byte)n;
                for (int pos = 0; pos < src.Length; pos += BlockSize)
                {
                    op = EncodeBlock(s + pos, Math.Min(BlockSize, src.Length - pos), op, t);
                }
                return (int)(op - d);
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(table);
        }
    }

    private static byte* EncodeBlock(byte* block, int n, byte* op, ushort* table)
    {
        if (n < MinMatchInput) return EmitLiteral(op, block, n);

        int hashBits = Math.Clamp(BitOperations.Log2((uint)n - 1) + 1, MinHashBits, MaxHashBits);
        int shift = 32 - hashBits;
        new Span<ushort>(table, 1 << hashBits).Clear();

        // Matches start at or before `limit`, so the 4-byte probe never reads past the block;
        // extension reads stop at the block's end.
        byte* end = block + n;
        byte* limit = end - 4;
        byte* literal = block;
        byte* ip = block + 1;
        while (ip <= limit)
        {
            uint word = Unsafe.ReadUnaligned<uint>(ip);
            uint h = Hash(word, shift);
            byte* candidate = block + table[h];
            table[h] = (ushort)(ip - block);
            if (candidate >= ip || Unsafe.ReadUnaligned<uint>(candidate) != word)
            {
                // Step further the longer the current run without matches, so incompressible data is fast.
                ip += 1 + ((ip - literal) >> 5);
                continue;
            }

            if (ip > literal) op = EmitLiteral(op, literal, (int)(ip - literal));
            int length = 4 + LzCopy.MatchLength(ip + 4, candidate + 4, end);
            op = EmitCopy(op, (int)(ip - candidate), length);
            ip += length;
            literal = ip;
            if (ip <= limit)
            {
                // Index the position just before the new one as well, to find overlapping repeats.
                table[Hash(Unsafe.ReadUnaligned<uint>(ip - 1), shift)] = (ushort)(ip - 1 - block);
            }
        }
        if (literal < end) op = EmitLiteral(op, literal, (int)(end - literal));
        return op;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint word, int shift) => (word * 0x9E3779B1u) >> shift;

    private static byte* EmitLiteral(byte* op, byte* from, int length)
    {
        int n = length - 1;
        if (n < 60)
        {
            *op++ = (byte)(n << 2);
        }
        else
        {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
            *op++ = (byte)((59 + bytes) << 2);
            for (int i = 0; i < bytes; i++) *op++ = (byte)(n >> (8 * i));
        }
        Buffer.MemoryCopy(from, op, length, length);
        return op + length;
    }

    private static byte* EmitCopy(byte* op, int offset, int length)
    {
        // Elements hold at most 64 bytes; keep every piece at least 4 long so the last one may use the short form.
        while (length >= 68)
        {
            op = EmitCopy2(op, offset, 64);
            length -= 64;
        }
        if (length > 64)
        {
            op = EmitCopy2(op, offset, 60);
            length -= 60;
        }
        if (length <= 11 && offset < 2048)
        {
            *op++ = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            *op++ = (byte)offset;
            return op;
        }
        return EmitCopy2(op, offset, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* EmitCopy2(byte* op, int offset, int length)
    {
        op[0] = (byte)(2 | ((length - 1) << 2));
        op[1] = (byte)offset;
        op[2] = (byte)(offset >> 8);
        return op + 3;
    }
}
