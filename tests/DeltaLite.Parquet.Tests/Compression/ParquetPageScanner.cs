using System.Buffers.Binary;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>
/// Just enough of Parquet to find the compressed pages of a real file, for codec interop tests: a generic
/// Thrift compact-protocol reader (structs become field-id maps) and a walk over each column chunk's pages.
/// Independent of DeltaLite's own metadata reader on purpose.
/// </summary>
internal static class ParquetPageScanner
{
    internal sealed record Page(CompressionCodec Codec, int PageType, int Offset, byte[] Compressed, int UncompressedSize);

    public static IEnumerable<Page> Pages(byte[] file)
    {
        if (file.Length < 12 || !file.AsSpan(0, 4).SequenceEqual("PAR1"u8) || !file.AsSpan(file.Length - 4).SequenceEqual("PAR1"u8))
        {
            throw new InvalidDataException("not a plain (unencrypted) Parquet file");
        }
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        int pos = file.Length - 8 - footerLength;
        var meta = ReadStruct(file, ref pos);
        foreach (Dictionary<short, object> rowGroup in List(meta, 4))
        {
            foreach (Dictionary<short, object> chunk in List(rowGroup, 1))
            {
                var column = (Dictionary<short, object>)chunk[3];
                var codec = (CompressionCodec)(long)column[4];
                long start = (long)column[9];
                if (column.TryGetValue(11, out object? dictionary) && (long)dictionary > 0) start = Math.Min(start, (long)dictionary);
                long end = start + (long)column[7];
                for (int at = (int)start; at < end;)
                {
                    int headerStart = at;
                    var header = ReadStruct(file, ref at);
                    int type = (int)(long)header[1];
                    int uncompressed = (int)(long)header[2];
                    int compressed = (int)(long)header[3];
                    int body = at;
                    at += compressed;
                    if (type is 0 or 2)
                    {
                        yield return new Page(codec, type, headerStart, file[body..at], uncompressed);
                    }
                    else if (type == 3)
                    {
                        // DATA_PAGE_V2: the levels precede the (optionally) compressed values, uncompressed.
                        var v2 = (Dictionary<short, object>)header[8];
                        int levels = (int)(long)v2[5] + (int)(long)v2[6];
                        bool isCompressed = !v2.TryGetValue(7, out object? flag) || (bool)flag;
                        if (isCompressed) yield return new Page(codec, type, headerStart, file[(body + levels)..at], uncompressed - levels);
                    }
                }
            }
        }
    }

    private static IEnumerable<object> List(Dictionary<short, object> s, short field) =>
        s.TryGetValue(field, out object? v) ? (List<object>)v : [];

    private static Dictionary<short, object> ReadStruct(byte[] b, ref int pos, int depth = 0)
    {
        if (depth > 32) throw new InvalidDataException("Thrift nesting too deep");
        var fields = new Dictionary<short, object>();
        short last = 0;
        while (true)
        {
            byte header = b[pos++];
            if (header == 0) return fields;
            int delta = header >> 4;
            short id = delta == 0 ? (short)ZigZag(Varint(b, ref pos)) : (short)(last + delta);
            last = id;
            fields[id] = ReadValue(b, ref pos, header & 15, depth);
        }
    }

    private static object ReadValue(byte[] b, ref int pos, int type, int depth)
    {
        switch (type)
        {
            case 1: return true;
            case 2: return false;
            case 3: return (long)(sbyte)b[pos++];
            case 4: case 5: case 6: return ZigZag(Varint(b, ref pos));
            case 7: pos += 8; return 0.0;
            case 8:
                int length = (int)Varint(b, ref pos);
                byte[] bytes = b[pos..(pos + length)];
                pos += length;
                return bytes;
            case 9:
            case 10:
                byte listHeader = b[pos++];
                int count = listHeader >> 4;
                if (count == 15) count = (int)Varint(b, ref pos);
                var items = new List<object>(count);
                for (int i = 0; i < count; i++) items.Add(ReadElement(b, ref pos, listHeader & 15, depth));
                return items;
            case 11:
                int pairs = (int)Varint(b, ref pos);
                if (pairs == 0) return new List<object>();
                byte kinds = b[pos++];
                var map = new List<object>(pairs * 2);
                for (int i = 0; i < pairs; i++)
                {
                    map.Add(ReadElement(b, ref pos, kinds >> 4, depth));
                    map.Add(ReadElement(b, ref pos, kinds & 15, depth));
                }
                return map;
            case 12: return ReadStruct(b, ref pos, depth + 1);
            default: throw new InvalidDataException($"unknown Thrift compact type {type} at byte {pos}");
        }
    }

    private static object ReadElement(byte[] b, ref int pos, int type, int depth) =>
        type is 1 or 2 ? b[pos++] == 1 : ReadValue(b, ref pos, type, depth);

    private static ulong Varint(byte[] b, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte x = b[pos++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return value;
        }
        throw new InvalidDataException("varint too long");
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}
