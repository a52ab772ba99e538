using DeltaLite.Parquet.Encodings;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet;

/// <summary>Statistics of one column chunk, with min and max as CLR values of the column's type (see <see cref="ColumnVector.GetValue"/>).</summary>
public sealed record ColumnStatistics(object? Min, object? Max, long? NullCount, long? DistinctCount, bool IsMinExact = true, bool IsMaxExact = true);

internal static class StatisticsDecoder
{
    public static ColumnStatistics Decode(LeafShape leaf, Statistics s, string? createdBy)
    {
        byte[]? min = s.MinValue, max = s.MaxValue;
        bool legacyOk = leaf.Physical is not (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray or PhysicalType.Int96)
            && leaf.Field.Type.Kind is not (TypeKind.UInt8 or TypeKind.UInt16 or TypeKind.UInt32 or TypeKind.UInt64);
        if (min is null && max is null && legacyOk)
        {
            min = s.Min;
            max = s.Max;
        }
        return new ColumnStatistics(Value(leaf, min), Value(leaf, max), s.NullCount, s.DistinctCount,
            s.IsMinValueExact ?? true, s.IsMaxValueExact ?? true);
    }

    private static object? Value(LeafShape leaf, byte[]? bytes)
    {
        if (bytes is null || leaf.Physical == PhysicalType.Int96) return null;
        var d = new Reading.LeafData();
        try
        {
            switch (leaf.Physical)
            {
                case PhysicalType.Boolean:
                    if (bytes.Length < 1) return null;
                    d.Bools = [bytes[0] != 0];
                    break;
                case PhysicalType.Int32:
                    if (bytes.Length < 4) return null;
                    d.Ints = new int[1];
                    PlainEncoding.DecodeFixed<int>(bytes, d.Ints);
                    break;
                case PhysicalType.Int64:
                    if (bytes.Length < 8) return null;
                    d.Longs = new long[1];
                    PlainEncoding.DecodeFixed<long>(bytes, d.Longs);
                    break;
                case PhysicalType.Float:
                    if (bytes.Length < 4) return null;
                    d.Floats = new float[1];
                    PlainEncoding.DecodeFixed<float>(bytes, d.Floats);
                    break;
                case PhysicalType.Double:
                    if (bytes.Length < 8) return null;
                    d.Doubles = new double[1];
                    PlainEncoding.DecodeFixed<double>(bytes, d.Doubles);
                    break;
                default:
                    d.Bytes = new ByteArrayBuilder(1, bytes.Length);
                    d.Bytes.Append(bytes);
                    break;
            }
            return Reading.ColumnAssembler.BuildDense(leaf, d, 1).GetValue(0);
        }
        catch (Exception e) when (e is ParquetFormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
