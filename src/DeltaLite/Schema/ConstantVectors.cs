using DeltaLite.Parquet;

namespace DeltaLite.Schema;

/// <summary>Vectors holding one value (or null) many times, built directly without per-value builders.</summary>
internal static class ConstantVectors
{
    /// <summary>A vector of <paramref name="length"/> nulls of any type.</summary>
    public static ColumnVector Nulls(DataType type, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var validity = new bool[length];
        switch (type)
        {
            case DecimalType d: return new DecimalVector(d, new Int128[length], length, validity);
            case StructType s:
                return new StructVector(s, s.Fields.Select(f => Nulls(f.Type, length)).ToArray(), length, validity);
            case ListType l: return new ListVector(l, new int[length + 1], Nulls(l.Element.Type, 0), length, validity);
            case MapType m: return new MapVector(m, new int[length + 1], Nulls(m.Key.Type, 0), Nulls(m.Value.Type, 0), length, validity);
        }
        return type.Kind switch
        {
            TypeKind.Boolean => new PrimitiveVector<bool>(type, new bool[length], length, validity),
            TypeKind.Int8 => new PrimitiveVector<sbyte>(type, new sbyte[length], length, validity),
            TypeKind.Int16 => new PrimitiveVector<short>(type, new short[length], length, validity),
            TypeKind.Int32 or TypeKind.Date => new PrimitiveVector<int>(type, new int[length], length, validity),
            TypeKind.Int64 or TypeKind.Time or TypeKind.Timestamp => new PrimitiveVector<long>(type, new long[length], length, validity),
            TypeKind.UInt8 => new PrimitiveVector<byte>(type, new byte[length], length, validity),
            TypeKind.UInt16 => new PrimitiveVector<ushort>(type, new ushort[length], length, validity),
            TypeKind.UInt32 => new PrimitiveVector<uint>(type, new uint[length], length, validity),
            TypeKind.UInt64 => new PrimitiveVector<ulong>(type, new ulong[length], length, validity),
            TypeKind.Float => new PrimitiveVector<float>(type, new float[length], length, validity),
            TypeKind.Double => new PrimitiveVector<double>(type, new double[length], length, validity),
            TypeKind.String or TypeKind.Binary or TypeKind.FixedBinary or TypeKind.Uuid =>
                new BinaryVector(type, new int[length + 1], [], length, validity),
            _ => throw new ArgumentException($"No null vector for type {type}.", nameof(type)),
        };
    }

    /// <summary>A fixed-width vector holding <paramref name="value"/> <paramref name="length"/> times.</summary>
    public static PrimitiveVector<T> Repeat<T>(DataType type, T value, int length) where T : unmanaged
    {
        var values = new T[length];
        Array.Fill(values, value);
        return new PrimitiveVector<T>(type, values, length);
    }

    /// <summary>A string or binary vector holding <paramref name="bytes"/> <paramref name="length"/> times.</summary>
    public static BinaryVector RepeatBytes(DataType type, ReadOnlySpan<byte> bytes, int length)
    {
        var offsets = new int[length + 1];
        var data = new byte[checked(bytes.Length * length)];
        for (int i = 0; i < length; i++)
        {
            bytes.CopyTo(data.AsSpan(i * bytes.Length));
            offsets[i + 1] = (i + 1) * bytes.Length;
        }
        return new BinaryVector(type, offsets, data, length);
    }
}
