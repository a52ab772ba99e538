using System.Numerics;
using System.Text;

namespace DeltaLite.Parquet;

/// <summary>
/// An immutable column of <see cref="Length"/> values of one <see cref="DataType"/>, with optional validity
/// (null = every value is present). Backing arrays may be longer than <see cref="Length"/>.
/// </summary>
public abstract class ColumnVector
{
    private int _nullCount = -1;

    protected ColumnVector(DataType type, int length, bool[]? validity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (validity is not null && validity.Length < length)
            throw new ArgumentException($"Validity has {validity.Length} entries for {length} values.", nameof(validity));
        Type = type;
        Length = length;
        Validity = validity;
    }

    public DataType Type { get; }

    public int Length { get; }

    /// <summary>Per-value presence; null when no value is null.</summary>
    public bool[]? Validity { get; }

    public bool IsNull(int index) => Validity is not null && !Validity[index];

    public int NullCount
    {
        get
        {
            if (_nullCount < 0)
            {
                int n = 0;
                if (Validity is not null)
                    for (int i = 0; i < Length; i++) if (!Validity[i]) n++;
                _nullCount = n;
            }
            return _nullCount;
        }
    }

    /// <summary>
    /// The value at <paramref name="index"/> as a CLR object (null for null): integers and floats as themselves,
    /// decimals as <see cref="decimal"/> (or <see cref="Int128"/> unscaled text when out of its range: see
    /// <see cref="DecimalVector"/>), strings as string, binaries as byte[], uuids as Guid, dates as DateOnly,
    /// times as TimeOnly, timestamps as DateTime (Kind Utc when UTC-adjusted), structs as object?[],
    /// lists as object?[], maps as KeyValuePair&lt;object, object?&gt;[].
    /// </summary>
    public abstract object? GetValue(int index);
}

/// <summary>Fixed-width values (numbers, booleans, dates, times, timestamps).</summary>
public sealed class PrimitiveVector<T> : ColumnVector where T : unmanaged
{
    public PrimitiveVector(DataType type, T[] values, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (values.Length < length) throw new ArgumentException($"{values.Length} values for length {length}.", nameof(values));
        Values = values;
    }

    public PrimitiveVector(DataType type, T[] values, bool[]? validity = null) : this(type, values, values.Length, validity) { }

    public T[] Values { get; }

    public T this[int index] => Values[index];

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        object v = Values[index];
        return Type switch
        {
            { Kind: TypeKind.Date } => DateOnly.FromDayNumber(ValueConverters.UnixEpochDayNumber + (int)v),
            TimeType t => ValueConverters.ToTimeOnly((long)v, t.Unit),
            TimestampType ts => ValueConverters.ToDateTime((long)v, ts.Unit, ts.IsAdjustedToUtc),
            _ => v,
        };
    }
}

/// <summary>Decimals stored as unscaled 128-bit integers.</summary>
public sealed class DecimalVector : ColumnVector
{
    public DecimalVector(DecimalType type, Int128[] unscaled, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (unscaled.Length < length) throw new ArgumentException($"{unscaled.Length} values for length {length}.", nameof(unscaled));
        Unscaled = unscaled;
    }

    public Int128[] Unscaled { get; }

    public int Scale => ((DecimalType)Type).Scale;

    /// <summary>The value as System.Decimal; throws <see cref="OverflowException"/> past its 28-29 digits.</summary>
    public decimal GetDecimal(int index) => ValueConverters.ToDecimal(Unscaled[index], Scale);

    /// <summary>The value as text with exactly <see cref="Scale"/> digits after the point ("12.340").</summary>
    public string GetString(int index) => ValueConverters.DecimalToString(Unscaled[index], Scale);

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        var u = Unscaled[index];
        return ValueConverters.FitsDecimal(u) ? GetDecimal(index) : GetString(index);
    }
}

/// <summary>Strings (UTF-8), binaries, fixed-width binaries and UUIDs: Count+1 offsets into one data buffer.</summary>
public sealed class BinaryVector : ColumnVector
{
    public BinaryVector(DataType type, int[] offsets, byte[] data, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (offsets.Length < length + 1) throw new ArgumentException($"{offsets.Length} offsets for length {length}.", nameof(offsets));
        Offsets = offsets;
        Data = data;
    }

    public BinaryVector(DataType type, ByteArrayBuilder values, bool[]? validity = null)
        : this(type, values.Offsets, values.Data, values.Count, validity) { }

    public int[] Offsets { get; }

    public byte[] Data { get; }

    public ReadOnlySpan<byte> GetSpan(int index) => Data.AsSpan(Offsets[index], Offsets[index + 1] - Offsets[index]);

    public string GetString(int index) => Encoding.UTF8.GetString(GetSpan(index));

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        return Type.Kind switch
        {
            TypeKind.String => GetString(index),
            TypeKind.Uuid => ValueConverters.ToGuid(GetSpan(index)),
            _ => GetSpan(index).ToArray(),
        };
    }
}

/// <summary>Structs: one child vector per field, all of the struct's length.</summary>
public sealed class StructVector : ColumnVector
{
    public StructVector(StructType type, IReadOnlyList<ColumnVector> children, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (children.Count != type.Fields.Count) throw new ArgumentException($"{children.Count} children for {type.Fields.Count} fields.", nameof(children));
        foreach (var c in children)
            if (c.Length != length) throw new ArgumentException($"A child has {c.Length} values, the struct {length}.", nameof(children));
        Children = children;
    }

    public IReadOnlyList<ColumnVector> Children { get; }

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        var values = new object?[Children.Count];
        for (int i = 0; i < values.Length; i++) values[i] = Children[i].GetValue(index);
        return values;
    }
}

/// <summary>Lists: entry i holds Values[Offsets[i]..Offsets[i+1]).</summary>
public sealed class ListVector : ColumnVector
{
    public ListVector(ListType type, int[] offsets, ColumnVector values, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (offsets.Length < length + 1) throw new ArgumentException($"{offsets.Length} offsets for length {length}.", nameof(offsets));
        Offsets = offsets;
        Values = values;
    }

    public int[] Offsets { get; }

    public ColumnVector Values { get; }

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        int start = Offsets[index], end = Offsets[index + 1];
        var items = new object?[end - start];
        for (int i = start; i < end; i++) items[i - start] = Values.GetValue(i);
        return items;
    }
}

/// <summary>Maps: entry i holds the pairs (Keys[j], Values[j]) for j in [Offsets[i], Offsets[i+1]).</summary>
public sealed class MapVector : ColumnVector
{
    public MapVector(MapType type, int[] offsets, ColumnVector keys, ColumnVector values, int length, bool[]? validity = null) : base(type, length, validity)
    {
        if (offsets.Length < length + 1) throw new ArgumentException($"{offsets.Length} offsets for length {length}.", nameof(offsets));
        if (keys.Length != values.Length) throw new ArgumentException("Map keys and values differ in length.", nameof(values));
        Offsets = offsets;
        Keys = keys;
        Values = values;
    }

    public int[] Offsets { get; }

    public ColumnVector Keys { get; }

    public ColumnVector Values { get; }

    public override object? GetValue(int index)
    {
        if (IsNull(index)) return null;
        int start = Offsets[index], end = Offsets[index + 1];
        var items = new KeyValuePair<object, object?>[end - start];
        for (int i = start; i < end; i++) items[i - start] = new(Keys.GetValue(i) ?? "", Values.GetValue(i));
        return items;
    }
}
