using System.Buffers.Binary;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Writing;

/// <summary>Min/max of a leaf's physical values under the sort order its logical type requires.</summary>
internal sealed class ChunkStatistics
{
    public byte[]? Min;
    public byte[]? Max;
    public bool MinExact = true;
    public bool MaxExact = true;
    public long NullCount;
    public long ValueCount;

    /// <summary>How values of this leaf compare: signed, unsigned, bytewise unsigned, or as a signed decimal.</summary>
    internal enum Order { Signed, Unsigned, Bytes, DecimalBytes, None }

    public static Order SortOrder(LeafShape leaf)
    {
        var t = leaf.Field.Type;
        return leaf.Physical switch
        {
            PhysicalType.Int96 => Order.None,
            PhysicalType.ByteArray or PhysicalType.FixedLenByteArray when t is DecimalType => Order.DecimalBytes,
            PhysicalType.ByteArray or PhysicalType.FixedLenByteArray => t.Kind == TypeKind.Float ? Order.None : Order.Bytes,
            _ when t.Kind is TypeKind.UInt8 or TypeKind.UInt16 or TypeKind.UInt32 or TypeKind.UInt64 => Order.Unsigned,
            _ => Order.Signed,
        };
    }

    /// <summary>
    /// Statistics of the buffered values. For byte arrays, <paramref name="distinct"/> (the dictionary's distinct values,
    /// when there is one) is scanned instead of every value: same min and max, far fewer comparisons.
    /// </summary>
    public static ChunkStatistics Compute(LeafBuffer b, int truncate, ByteArrayBuilder? distinct = null)
    {
        var leaf = b.Leaf;
        var s = new ChunkStatistics { ValueCount = b.LevelCount, NullCount = CountNulls(b) };
        int n = b.ValueCount;
        if (n == 0) return s;
        var order = SortOrder(leaf);
        switch (leaf.Physical)
        {
            case PhysicalType.Boolean:
                {
                    bool any0 = false, any1 = false;
                    for (int i = 0; i < n; i++) { if (b.Bools![i]) any1 = true; else any0 = true; }
                    s.Min = [any0 ? (byte)0 : (byte)1];
                    s.Max = [any1 ? (byte)1 : (byte)0];
                    break;
                }
            case PhysicalType.Int32:
                {
                    var v = b.Ints.AsSpan(0, n);
                    int min, max;
                    if (order == Order.Unsigned)
                    {
                        uint lo = uint.MaxValue, hi = 0;
                        foreach (int x in v) { uint u = (uint)x; if (u < lo) lo = u; if (u > hi) hi = u; }
                        min = (int)lo; max = (int)hi;
                    }
                    else
                    {
                        min = int.MaxValue; max = int.MinValue;
                        foreach (int x in v) { if (x < min) min = x; if (x > max) max = x; }
                    }
                    s.Min = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(s.Min, min);
                    s.Max = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(s.Max, max);
                    break;
                }
            case PhysicalType.Int64:
                {
                    var v = b.Longs.AsSpan(0, n);
                    long min, max;
                    if (order == Order.Unsigned)
                    {
                        ulong lo = ulong.MaxValue, hi = 0;
                        foreach (long x in v) { ulong u = (ulong)x; if (u < lo) lo = u; if (u > hi) hi = u; }
                        min = (long)lo; max = (long)hi;
                    }
                    else
                    {
                        min = long.MaxValue; max = long.MinValue;
                        foreach (long x in v) { if (x < min) min = x; if (x > max) max = x; }
                    }
                    s.Min = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(s.Min, min);
                    s.Max = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(s.Max, max);
                    break;
                }
            case PhysicalType.Float:
                {
                    float min = float.PositiveInfinity, max = float.NegativeInfinity;
                    bool any = false;
                    foreach (float x in b.Floats.AsSpan(0, n))
                    {
                        if (float.IsNaN(x)) continue;
                        any = true;
                        if (x < min || (x == 0 && min == 0 && float.IsNegative(x))) min = x;
                        if (x > max || (x == 0 && max == 0 && !float.IsNegative(x))) max = x;
                    }
                    if (!any) break;
                    if (min == 0) min = -0.0f;
                    if (max == 0) max = 0.0f;
                    s.Min = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(s.Min, min);
                    s.Max = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(s.Max, max);
                    break;
                }
            case PhysicalType.Double:
                {
                    double min = double.PositiveInfinity, max = double.NegativeInfinity;
                    bool any = false;
                    foreach (double x in b.Doubles.AsSpan(0, n))
                    {
                        if (double.IsNaN(x)) continue;
                        any = true;
                        if (x < min) min = x;
                        if (x > max) max = x;
                    }
                    if (!any) break;
                    if (min == 0) min = -0.0;
                    if (max == 0) max = 0.0;
                    s.Min = new byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(s.Min, min);
                    s.Max = new byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(s.Max, max);
                    break;
                }
            case PhysicalType.ByteArray:
            case PhysicalType.FixedLenByteArray:
                {
                    if (order == Order.None) break;
                    var bytes = distinct ?? b.Bytes!;
                    int minI = 0, maxI = 0;
                    for (int i = 1; i < bytes.Count; i++)
                    {
                        if (Compare(bytes[i], bytes[minI], order) < 0) minI = i;
                        if (Compare(bytes[i], bytes[maxI], order) > 0) maxI = i;
                    }
                    s.Min = bytes[minI].ToArray();
                    s.Max = bytes[maxI].ToArray();
                    if (order == Order.Bytes && leaf.Physical == PhysicalType.ByteArray) s.Truncate(truncate);
                    break;
                }
        }
        return s;
    }

    /// <summary>Level entries without a value: nulls at the leaf or above it (as parquet-mr counts them).</summary>
    private static long CountNulls(LeafBuffer b) => b.LevelCount - b.ValueCount;

    /// <summary>Keeps at most <paramref name="length"/> bytes: min as a prefix, max as a prefix rounded up.</summary>
    private void Truncate(int length)
    {
        if (Min is not null && Min.Length > length)
        {
            Min = Min[..length];
            MinExact = false;
        }
        if (Max is not null && Max.Length > length)
        {
            var m = Max[..length];
            int k = m.Length - 1;
            while (k >= 0 && m[k] == 0xFF) k--;
            if (k >= 0)
            {
                m[k]++;
                Max = m[..(k + 1)];
                MaxExact = false;
            }
        }
    }

    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Order order)
    {
        if (order == Order.DecimalBytes)
            return Reading.ColumnAssembler.FromBigEndian(a, "").CompareTo(Reading.ColumnAssembler.FromBigEndian(b, ""));
        return a.SequenceCompareTo(b);
    }

    /// <summary>Merges another chunk's statistics into this one (for whole-file figures).</summary>
    public void Merge(ChunkStatistics other, LeafShape leaf)
    {
        NullCount += other.NullCount;
        ValueCount += other.ValueCount;
        if (other.Min is null) return;
        if (Min is null)
        {
            Min = other.Min; Max = other.Max; MinExact = other.MinExact; MaxExact = other.MaxExact;
            return;
        }
        if (ComparePhysical(other.Min, Min, leaf) < 0) { Min = other.Min; MinExact = other.MinExact; }
        if (ComparePhysical(other.Max!, Max!, leaf) > 0) { Max = other.Max; MaxExact = other.MaxExact; }
    }

    private static int ComparePhysical(byte[] a, byte[] b, LeafShape leaf)
    {
        var order = SortOrder(leaf);
        return leaf.Physical switch
        {
            PhysicalType.Boolean => a[0].CompareTo(b[0]),
            PhysicalType.Int32 when order == Order.Unsigned => BinaryPrimitives.ReadUInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt32LittleEndian(b)),
            PhysicalType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b)),
            PhysicalType.Int64 when order == Order.Unsigned => BinaryPrimitives.ReadUInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt64LittleEndian(b)),
            PhysicalType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b)),
            PhysicalType.Float => BinaryPrimitives.ReadSingleLittleEndian(a).CompareTo(BinaryPrimitives.ReadSingleLittleEndian(b)),
            PhysicalType.Double => BinaryPrimitives.ReadDoubleLittleEndian(a).CompareTo(BinaryPrimitives.ReadDoubleLittleEndian(b)),
            _ => Compare(a, b, order),
        };
    }

    public Statistics ToThrift(LeafShape leaf)
    {
        var t = new Statistics { NullCount = NullCount, MinValue = Min, MaxValue = Max };
        if (Min is not null && !MinExact) t.IsMinValueExact = false;
        if (Max is not null && !MaxExact) t.IsMaxValueExact = false;
        if (Min is not null && SortOrder(leaf) == Order.Signed && leaf.Physical != PhysicalType.Boolean)
        {
            // The deprecated fields, for readers that predate min_value/max_value: valid only for signed orders.
            t.Min = Min;
            t.Max = Max;
        }
        return t;
    }
}
