namespace DeltaLite.Parquet;

/// <summary>Row selection over vectors and batches (any type, nested included).</summary>
public static class VectorOps
{
    /// <summary>The indices of the true entries of <paramref name="mask"/> among the first <paramref name="length"/>.</summary>
    public static int[] Selected(ReadOnlySpan<bool> mask, int length)
    {
        int n = 0;
        for (int i = 0; i < length; i++) if (mask[i]) n++;
        var result = new int[n];
        int k = 0;
        for (int i = 0; i < length; i++) if (mask[i]) result[k++] = i;
        return result;
    }

    /// <summary>The rows of <paramref name="batch"/> at <paramref name="indices"/>, in that order.</summary>
    public static RecordBatch Take(RecordBatch batch, int[] indices)
    {
        if (indices.Length == batch.RowCount && IsIdentity(indices)) return batch;
        var columns = new ColumnVector[batch.Columns.Count];
        for (int c = 0; c < columns.Length; c++) columns[c] = Take(batch.Columns[c], indices);
        return new RecordBatch(batch.Schema, columns, indices.Length);
    }

    /// <summary>The rows where <paramref name="mask"/> is true.</summary>
    public static RecordBatch Filter(RecordBatch batch, ReadOnlySpan<bool> mask) => Take(batch, Selected(mask, batch.RowCount));

    /// <summary>A slice of rows [start, start+count) of a batch.</summary>
    public static RecordBatch Slice(RecordBatch batch, int start, int count)
    {
        if (start == 0 && count == batch.RowCount) return batch;
        var idx = new int[count];
        for (int i = 0; i < count; i++) idx[i] = start + i;
        return Take(batch, idx);
    }

    private static bool IsIdentity(int[] indices)
    {
        for (int i = 0; i < indices.Length; i++) if (indices[i] != i) return false;
        return true;
    }

    private static bool[]? TakeValidity(bool[]? validity, int[] indices)
    {
        if (validity is null) return null;
        var v = new bool[indices.Length];
        bool anyNull = false;
        for (int i = 0; i < indices.Length; i++)
        {
            v[i] = validity[indices[i]];
            anyNull |= !v[i];
        }
        return anyNull ? v : null;
    }

    /// <summary>The values of <paramref name="vector"/> at <paramref name="indices"/>.</summary>
    public static ColumnVector Take(ColumnVector vector, int[] indices)
    {
        var validity = TakeValidity(vector.Validity, indices);
        switch (vector)
        {
            case PrimitiveVector<bool> p: return new PrimitiveVector<bool>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<sbyte> p: return new PrimitiveVector<sbyte>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<short> p: return new PrimitiveVector<short>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<int> p: return new PrimitiveVector<int>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<long> p: return new PrimitiveVector<long>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<byte> p: return new PrimitiveVector<byte>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<ushort> p: return new PrimitiveVector<ushort>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<uint> p: return new PrimitiveVector<uint>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<ulong> p: return new PrimitiveVector<ulong>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<float> p: return new PrimitiveVector<float>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case PrimitiveVector<double> p: return new PrimitiveVector<double>(p.Type, Gather(p.Values, indices), indices.Length, validity);
            case DecimalVector d: return new DecimalVector((DecimalType)d.Type, Gather(d.Unscaled, indices), indices.Length, validity);
            case BinaryVector b:
                {
                    long total = 0;
                    foreach (int i in indices) total += b.Offsets[i + 1] - b.Offsets[i];
                    var builder = new ByteArrayBuilder(indices.Length, (int)Math.Min(total, Array.MaxLength));
                    foreach (int i in indices) builder.Append(b.GetSpan(i));
                    return new BinaryVector(b.Type, builder.Offsets, builder.Data, indices.Length, validity);
                }
            case StructVector s:
                return new StructVector((StructType)s.Type, s.Children.Select(c => Take(c, indices)).ToArray(), indices.Length, validity);
            case ListVector l:
                {
                    var (offsets, inner) = Ranges(l.Offsets, indices);
                    return new ListVector((ListType)l.Type, offsets, Take(l.Values, inner), indices.Length, validity);
                }
            case MapVector m:
                {
                    var (offsets, inner) = Ranges(m.Offsets, indices);
                    return new MapVector((MapType)m.Type, offsets, Take(m.Keys, inner), Take(m.Values, inner), indices.Length, validity);
                }
            default:
                throw new NotSupportedException($"Cannot select rows of a {vector.GetType().Name}.");
        }
    }

    private static T[] Gather<T>(T[] values, int[] indices)
    {
        var r = new T[indices.Length];
        for (int i = 0; i < indices.Length; i++) r[i] = values[indices[i]];
        return r;
    }

    private static (int[] Offsets, int[] Inner) Ranges(int[] offsets, int[] indices)
    {
        var result = new int[indices.Length + 1];
        int total = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            total += offsets[indices[i] + 1] - offsets[indices[i]];
            result[i + 1] = total;
        }
        var inner = new int[total];
        int k = 0;
        foreach (int i in indices)
            for (int j = offsets[i]; j < offsets[i + 1]; j++) inner[k++] = j;
        return (result, inner);
    }
}
