using System.Buffers.Binary;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Reading;

/// <summary>
/// Turns decoded leaves (definition and repetition levels plus dense values) back into nested vectors:
/// record assembly, done per nesting level. A "slot" is one value position at some level of the tree,
/// spanning the level entries [start, end) that belong to it.
/// </summary>
internal static class ColumnAssembler
{
    private sealed class Slots
    {
        public int[]? Starts;
        public int[]? Ends;
        public int Count;

        public int Start(int i) => Starts is null ? i : Starts[i];
        public int End(int i) => Ends is null ? i + 1 : Ends[i];
    }

    /// <summary>Assembles the vector of one top-level column from the decoded leaves under it.</summary>
    public static ColumnVector Build(ColumnShape column, IReadOnlyDictionary<int, LeafData> leaves, long rowCount, string file, int rowGroup)
    {
        var slots = new Dictionary<int, Slots>();
        foreach (var leaf in column.Leaves)
        {
            var d = leaves[leaf.Index];
            Slots s;
            if (leaf.RepLevel == 0)
            {
                s = new Slots { Count = d.LevelCount };
            }
            else
            {
                var rep = d.Rep!;
                int rows = 0;
                for (int e = 0; e < d.LevelCount; e++) if (rep[e] == 0) rows++;
                var starts = new int[rows];
                var ends = new int[rows];
                int r = -1;
                for (int e = 0; e < d.LevelCount; e++)
                {
                    if (rep[e] == 0)
                    {
                        if (r >= 0) ends[r] = e;
                        starts[++r] = e;
                    }
                }
                if (r >= 0) ends[r] = d.LevelCount;
                s = new Slots { Starts = starts, Ends = ends, Count = rows };
            }
            if (s.Count != rowCount)
                throw new ParquetFormatException($"{file}: row group {rowGroup}, column '{leaf.DottedPath}' holds {s.Count} rows; the row group has {rowCount}.")
                { FilePath = file, RowGroup = rowGroup, Column = leaf.DottedPath };
            slots[leaf.Index] = s;
        }
        return BuildNode(column, leaves, slots);
    }

    private static int DefAt(LeafData d, int entry) => d.Def is null ? int.MaxValue : d.Def[entry];

    private static ColumnVector BuildNode(ColumnShape node, IReadOnlyDictionary<int, LeafData> leaves, Dictionary<int, Slots> slots)
    {
        switch (node)
        {
            case LeafShape leaf:
                return BuildLeaf(leaf, leaves[leaf.Index], slots[leaf.Index]);
            case StructShape st:
                {
                    var first = st.Leaves.First();
                    var s = slots[first.Index];
                    var validity = Validity(node, leaves[first.Index], s);
                    var children = st.Children.Select(c => BuildNode(c, leaves, slots)).ToArray();
                    return new StructVector((StructType)st.Field.Type, children, s.Count, validity);
                }
            case ListShape list:
                {
                    var (offsets, validity, count, childSlots) = Split(list, list.ElementDefLevel, list.RepLevel, leaves, slots);
                    var values = BuildNode(list.Element, leaves, childSlots);
                    return new ListVector((ListType)list.Field.Type, offsets, values, count, validity);
                }
            case MapShape map:
                {
                    var (offsets, validity, count, childSlots) = Split(map, map.ElementDefLevel, map.RepLevel, leaves, slots);
                    var keys = BuildNode(map.Key, leaves, childSlots);
                    var values = BuildNode(map.Value, leaves, childSlots);
                    return new MapVector((MapType)map.Field.Type, offsets, keys, values, count, validity);
                }
            default:
                throw new InvalidOperationException($"Unknown shape {node.GetType().Name}.");
        }
    }

    private static bool[]? Validity(ColumnShape node, LeafData d, Slots s)
    {
        if (!node.Field.Nullable || d.Def is null) return null;
        var validity = new bool[s.Count];
        bool anyNull = false;
        for (int i = 0; i < s.Count; i++)
        {
            bool v = d.Def[s.Start(i)] >= node.DefLevel;
            validity[i] = v;
            anyNull |= !v;
        }
        return anyNull ? validity : null;
    }

    /// <summary>Splits each slot of a list/map node into element slots, for every leaf below it.</summary>
    private static (int[] Offsets, bool[]? Validity, int Count, Dictionary<int, Slots> Child) Split(
        ColumnShape node, int elementDef, int repLevel, IReadOnlyDictionary<int, LeafData> leaves, Dictionary<int, Slots> slots)
    {
        int[]? offsets = null;
        bool[]? validity = null;
        int count = 0;
        var child = new Dictionary<int, Slots>();
        bool first = true;
        foreach (var leaf in node.Leaves)
        {
            var d = leaves[leaf.Index];
            var s = slots[leaf.Index];
            var rep = d.Rep!;
            var starts = new List<int>(s.Count);
            var ends = new List<int>(s.Count);
            var offs = first ? new int[s.Count + 1] : null;
            for (int i = 0; i < s.Count; i++)
            {
                int a = s.Start(i), b = s.End(i);
                if (DefAt(d, a) >= elementDef)
                {
                    int cur = a;
                    for (int k = a + 1; k < b; k++)
                    {
                        if (rep[k] <= repLevel)
                        {
                            starts.Add(cur);
                            ends.Add(k);
                            cur = k;
                        }
                    }
                    starts.Add(cur);
                    ends.Add(b);
                }
                if (offs is not null) offs[i + 1] = starts.Count;
            }
            if (first)
            {
                offsets = offs;
                validity = Validity(node, d, s);
                count = s.Count;
                first = false;
            }
            child[leaf.Index] = new Slots { Starts = starts.ToArray(), Ends = ends.ToArray(), Count = starts.Count };
        }
        return (offsets!, validity, count, child);
    }

    /// <summary>A vector of <paramref name="n"/> non-null values decoded without levels (used for statistics).</summary>
    internal static ColumnVector BuildDense(LeafShape leaf, LeafData d, int n)
    {
        d.ValueCount = n;
        d.LevelCount = n;
        d.Def = null;
        return BuildLeaf(leaf, d, new Slots { Count = n });
    }

    private static ColumnVector BuildLeaf(LeafShape leaf, LeafData d, Slots s)
    {
        int n = s.Count;
        int maxDef = leaf.DefLevel;
        // Map slot -> dense value index (-1 for null).
        // Flat and as many values as slots: every slot is present (values are counted at the maximum definition level).
        bool dense = s.Starts is null && (d.Def is null || (d.ValueCount == n && d.LevelCount == n));
        bool[]? validity = null;
        int[]? index = null;
        if (!dense)
        {
            index = new int[n];
            int v = 0;
            bool anyNull = false;
            for (int i = 0; i < n; i++)
            {
                if (DefAt(d, s.Start(i)) >= maxDef) index[i] = v++;
                else { index[i] = -1; anyNull = true; }
            }
            if (v != d.ValueCount)
                throw new ParquetFormatException($"column '{leaf.DottedPath}': levels describe {v} values but {d.ValueCount} were decoded.") { Column = leaf.DottedPath };
            if (anyNull)
            {
                validity = new bool[n];
                for (int i = 0; i < n; i++) validity[i] = index[i] >= 0;
            }
            else if (s.Starts is null)
            {
                index = null; // every slot i holds dense value i
            }
        }
        else if (d.ValueCount != n)
        {
            throw new ParquetFormatException($"column '{leaf.DottedPath}': {n} slots but {d.ValueCount} values were decoded.") { Column = leaf.DottedPath };
        }

        var type = leaf.Field.Type;
        switch (type)
        {
            case DecimalType dt:
                return new DecimalVector(dt, Map(d, leaf, n, index, DecimalValue), n, validity);
            case TimeType t when t.Unit == TimeUnit.Millis && leaf.Physical == PhysicalType.Int32:
                return new PrimitiveVector<long>(type, Map(d.Ints!, n, index, x => (long)x), n, validity);
        }
        switch (type.Kind)
        {
            case TypeKind.Boolean: return new PrimitiveVector<bool>(type, Scatter(d.Bools ?? [], n, index), n, validity);
            case TypeKind.Int8: return new PrimitiveVector<sbyte>(type, Map(d.Ints!, n, index, x => (sbyte)x), n, validity);
            case TypeKind.Int16: return new PrimitiveVector<short>(type, Map(d.Ints!, n, index, x => (short)x), n, validity);
            case TypeKind.UInt8: return new PrimitiveVector<byte>(type, Map(d.Ints!, n, index, x => (byte)x), n, validity);
            case TypeKind.UInt16: return new PrimitiveVector<ushort>(type, Map(d.Ints!, n, index, x => (ushort)x), n, validity);
            case TypeKind.UInt32: return new PrimitiveVector<uint>(type, Map(d.Ints!, n, index, x => (uint)x), n, validity);
            case TypeKind.Int32:
            case TypeKind.Date: return new PrimitiveVector<int>(type, Scatter(d.Ints ?? [], n, index), n, validity);
            case TypeKind.UInt64: return new PrimitiveVector<ulong>(type, Map(d.Longs!, n, index, x => (ulong)x), n, validity);
            case TypeKind.Int64:
            case TypeKind.Time:
            case TypeKind.Timestamp: return new PrimitiveVector<long>(type, Scatter(d.Longs ?? [], n, index), n, validity);
            case TypeKind.Double: return new PrimitiveVector<double>(type, Scatter(d.Doubles ?? [], n, index), n, validity);
            case TypeKind.Float when leaf.Physical == PhysicalType.FixedLenByteArray:
                {
                    var b = d.Bytes ?? new ByteArrayBuilder();
                    var half = new float[Math.Max(n, 1)];
                    for (int i = 0; i < n; i++)
                    {
                        int vi = index is null ? i : index[i];
                        if (vi >= 0) half[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b[vi]));
                    }
                    return new PrimitiveVector<float>(type, half, n, validity);
                }
            case TypeKind.Float: return new PrimitiveVector<float>(type, Scatter(d.Floats ?? [], n, index), n, validity);
            default:
                {
                    var b = d.Bytes ?? new ByteArrayBuilder();
                    if (index is null) return new BinaryVector(type, b.Offsets, b.Data, n, validity);
                    var offsets = new int[n + 1];
                    int next = 0;
                    for (int i = 0; i < n; i++)
                    {
                        if (index[i] >= 0) next = index[i] + 1;
                        offsets[i + 1] = b.Offsets[next];
                    }
                    return new BinaryVector(type, offsets, b.Data, n, validity);
                }
        }
    }

    private static T[] Scatter<T>(T[] dense, int n, int[]? index)
    {
        if (index is null) return dense.Length >= n ? dense : Resize(dense, n);
        var result = new T[n];
        for (int i = 0; i < n; i++)
        {
            int v = index[i];
            if (v >= 0) result[i] = dense[v];
        }
        return result;
    }

    private static T[] Resize<T>(T[] a, int n)
    {
        var r = new T[n];
        a.AsSpan().CopyTo(r);
        return r;
    }

    private static TOut[] Map<TIn, TOut>(TIn[] dense, int n, int[]? index, Func<TIn, TOut> f)
    {
        var result = new TOut[n];
        if (index is null)
        {
            for (int i = 0; i < n; i++) result[i] = f(dense[i]);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                int v = index[i];
                if (v >= 0) result[i] = f(dense[v]);
            }
        }
        return result;
    }

    private static Int128[] Map(LeafData d, LeafShape leaf, int n, int[]? index, Func<LeafData, LeafShape, int, Int128> f)
    {
        var result = new Int128[n];
        if (index is null && leaf.Physical == PhysicalType.Int64)
        {
            var src = d.Longs.AsSpan(0, n);
            for (int i = 0; i < src.Length; i++) result[i] = src[i];
            return result;
        }
        if (index is null && leaf.Physical == PhysicalType.Int32)
        {
            var src = d.Ints.AsSpan(0, n);
            for (int i = 0; i < src.Length; i++) result[i] = src[i];
            return result;
        }
        for (int i = 0; i < n; i++)
        {
            int v = index is null ? i : index[i];
            if (v >= 0) result[i] = f(d, leaf, v);
        }
        return result;
    }

    private static Int128 DecimalValue(LeafData d, LeafShape leaf, int v) => leaf.Physical switch
    {
        PhysicalType.Int32 => d.Ints![v],
        PhysicalType.Int64 => d.Longs![v],
        _ => FromBigEndian(d.Bytes![v], leaf.DottedPath),
    };

    /// <summary>A big-endian two's complement integer of up to 16 bytes (longer only with sign-extension bytes).</summary>
    internal static Int128 FromBigEndian(ReadOnlySpan<byte> bytes, string column)
    {
        if (bytes.Length == 0) return 0;
        if (bytes.Length > 16)
        {
            byte sign = (bytes[0] & 0x80) != 0 ? (byte)0xFF : (byte)0;
            for (int i = 0; i < bytes.Length - 16; i++)
                if (bytes[i] != sign) throw new ParquetFormatException($"column '{column}': a decimal of {bytes.Length} bytes overflows 128 bits.") { Column = column };
            bytes = bytes[^16..];
        }
        Int128 value = (bytes[0] & 0x80) != 0 ? -1 : 0;
        foreach (byte b in bytes) value = (value << 8) | b;
        return value;
    }
}
