using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Writing;

/// <summary>Turns rows of nested vectors into definition/repetition levels and dense physical values per leaf.</summary>
internal static class Shredder
{
    /// <summary>Appends rows [start, start+count) of <paramref name="vector"/> to the leaf buffers under <paramref name="shape"/>.</summary>
    public static void Shred(ColumnShape shape, ColumnVector vector, int start, int count, IReadOnlyList<LeafBuffer> buffers)
    {
        if (shape is LeafShape leaf)
        {
            ShredFlat(leaf, vector, start, count, buffers[leaf.Index]);
            return;
        }
        for (int i = start; i < start + count; i++) Emit(shape, vector, i, 0, buffers);
    }

    private static void NotNullable(ColumnShape node, int index) =>
        throw new ArgumentException($"Column '{node.Field.Name}' is not nullable but value {index} is null.");

    private static void Emit(ColumnShape node, ColumnVector v, int i, int rep, IReadOnlyList<LeafBuffer> buffers)
    {
        if (v.IsNull(i))
        {
            if (!node.Field.Nullable) NotNullable(node, i);
            foreach (var l in node.Leaves) buffers[l.Index].AddLevel(node.DefLevel - 1, rep);
            return;
        }
        switch (node)
        {
            case LeafShape leaf:
                {
                    var b = buffers[leaf.Index];
                    b.EnsureValues(1);
                    AppendValue(leaf, v, i, b);
                    b.AddLevel(leaf.DefLevel, rep);
                    break;
                }
            case StructShape st:
                {
                    var sv = (StructVector)v;
                    for (int c = 0; c < st.Children.Count; c++) Emit(st.Children[c], sv.Children[c], i, rep, buffers);
                    break;
                }
            case ListShape list:
                {
                    var lv = (ListVector)v;
                    int a = lv.Offsets[i], e = lv.Offsets[i + 1];
                    if (a == e)
                    {
                        foreach (var l in node.Leaves) buffers[l.Index].AddLevel(list.ElementDefLevel - 1, rep);
                        break;
                    }
                    for (int k = a; k < e; k++) Emit(list.Element, lv.Values, k, k == a ? rep : list.RepLevel, buffers);
                    break;
                }
            case MapShape map:
                {
                    var mv = (MapVector)v;
                    int a = mv.Offsets[i], e = mv.Offsets[i + 1];
                    if (a == e)
                    {
                        foreach (var l in node.Leaves) buffers[l.Index].AddLevel(map.ElementDefLevel - 1, rep);
                        break;
                    }
                    for (int k = a; k < e; k++)
                    {
                        int r = k == a ? rep : map.RepLevel;
                        if (mv.Keys.IsNull(k)) throw new ArgumentException($"Map column '{node.Field.Name}' has a null key.");
                        Emit(map.Key, mv.Keys, k, r, buffers);
                        Emit(map.Value, mv.Values, k, r, buffers);
                    }
                    break;
                }
        }
    }

    /// <summary>A top-level primitive column: levels and values in bulk.</summary>
    private static void ShredFlat(LeafShape leaf, ColumnVector v, int start, int count, LeafBuffer b)
    {
        b.EnsureLevels(count);
        var validity = v.Validity;
        int nonNull = count;
        if (b.Def is not null)
        {
            var def = b.Def.AsSpan(b.LevelCount, count);
            if (validity is null) def.Fill(1);
            else
            {
                nonNull = 0;
                for (int i = 0; i < count; i++)
                {
                    bool ok = validity[start + i];
                    def[i] = ok ? 1 : 0;
                    if (ok) nonNull++;
                }
            }
        }
        else if (validity is not null)
        {
            for (int i = 0; i < count; i++) if (!validity[start + i]) NotNullable(leaf, start + i);
        }
        b.LevelCount += count;
        b.EnsureValues(nonNull);
        if (validity is null || nonNull == count)
        {
            AppendRange(leaf, v, start, count, b);
            return;
        }
        // Runs of present values are appended in bulk; nulls carry no value.
        int end = start + count, at = start;
        while (at < end)
        {
            while (at < end && !validity[at]) at++;
            int runStart = at;
            while (at < end && validity[at]) at++;
            if (at > runStart) AppendRange(leaf, v, runStart, at - runStart, b);
        }
    }

    /// <summary>Appends the non-null values [start, start+count) in bulk where the vector and leaf types allow. Capacity must be ensured.</summary>
    private static void AppendRange(LeafShape leaf, ColumnVector v, int start, int count, LeafBuffer b)
    {
        switch (v)
        {
            case PrimitiveVector<int> p when leaf.Physical == PhysicalType.Int32:
                p.Values.AsSpan(start, count).CopyTo(b.Ints.AsSpan(b.ValueCount));
                b.ValueCount += count;
                return;
            case PrimitiveVector<long> p when leaf.Physical == PhysicalType.Int64:
                p.Values.AsSpan(start, count).CopyTo(b.Longs.AsSpan(b.ValueCount));
                b.ValueCount += count;
                return;
            case PrimitiveVector<double> p:
                p.Values.AsSpan(start, count).CopyTo(b.Doubles.AsSpan(b.ValueCount));
                b.ValueCount += count;
                return;
            case PrimitiveVector<float> p:
                p.Values.AsSpan(start, count).CopyTo(b.Floats.AsSpan(b.ValueCount));
                b.ValueCount += count;
                return;
            case DecimalVector d when leaf.Physical == PhysicalType.Int64:
                Narrow(d.Unscaled.AsSpan(start, count), b.Longs.AsSpan(b.ValueCount, count));
                b.ValueCount += count;
                return;
            case DecimalVector d when leaf.Physical == PhysicalType.Int32:
                Narrow(d.Unscaled.AsSpan(start, count), b.Ints.AsSpan(b.ValueCount, count));
                b.ValueCount += count;
                return;
            case BinaryVector bv when leaf.Physical == PhysicalType.ByteArray:
                b.Bytes!.AppendRange(bv.Offsets, bv.Data, start, count);
                b.ValueCount += count;
                return;
        }
        for (int i = start; i < start + count; i++) AppendValue(leaf, v, i, b);
    }

    /// <summary>Unscaled decimals to the leaf's INT32/INT64 storage; a value that does not fit throws <see cref="OverflowException"/>.</summary>
    private static void Narrow<T>(ReadOnlySpan<Int128> source, Span<T> target) where T : System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < source.Length; i++) target[i] = T.CreateChecked(source[i]);
    }

    /// <summary>Appends one non-null value, converted to the leaf's physical type. Capacity must be ensured.</summary>
    private static void AppendValue(LeafShape leaf, ColumnVector v, int i, LeafBuffer b)
    {
        switch (v)
        {
            case PrimitiveVector<bool> p: b.Bools![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<sbyte> p: b.Ints![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<short> p: b.Ints![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<byte> p: b.Ints![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<ushort> p: b.Ints![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<uint> p: b.Ints![b.ValueCount++] = unchecked((int)p.Values[i]); break;
            case PrimitiveVector<int> p: b.Ints![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<ulong> p: b.Longs![b.ValueCount++] = unchecked((long)p.Values[i]); break;
            case PrimitiveVector<long> p when leaf.Physical == PhysicalType.Int32: b.Ints![b.ValueCount++] = checked((int)p.Values[i]); break;
            case PrimitiveVector<long> p: b.Longs![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<float> p: b.Floats![b.ValueCount++] = p.Values[i]; break;
            case PrimitiveVector<double> p: b.Doubles![b.ValueCount++] = p.Values[i]; break;
            case DecimalVector d:
                {
                    var u = d.Unscaled[i];
                    switch (leaf.Physical)
                    {
                        case PhysicalType.Int32: b.Ints![b.ValueCount++] = checked((int)u); break;
                        case PhysicalType.Int64: b.Longs![b.ValueCount++] = checked((long)u); break;
                        default:
                            {
                                int width = leaf.Physical == PhysicalType.FixedLenByteArray ? leaf.TypeLength : 16;
                                Span<byte> buf = stackalloc byte[16];
                                WriteBigEndian(u, buf);
                                b.Bytes!.Append(buf[(16 - width)..]);
                                b.ValueCount++;
                                break;
                            }
                    }
                    break;
                }
            case BinaryVector bv:
                {
                    var span = bv.GetSpan(i);
                    if (leaf.Physical == PhysicalType.FixedLenByteArray && span.Length != leaf.TypeLength)
                        throw new ArgumentException($"Column '{leaf.DottedPath}' holds {leaf.TypeLength}-byte values; value {i} has {span.Length} bytes.");
                    b.Bytes!.Append(span);
                    b.ValueCount++;
                    break;
                }
            default:
                throw new ArgumentException($"Column '{leaf.DottedPath}' ({leaf.Field.Type}) cannot take a {v.GetType().Name}.");
        }
    }

    internal static void WriteBigEndian(Int128 value, Span<byte> dst16)
    {
        var u = (UInt128)value;
        for (int k = 15; k >= 0; k--)
        {
            dst16[k] = (byte)u;
            u >>= 8;
        }
    }
}
