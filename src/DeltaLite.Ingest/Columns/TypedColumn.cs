using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Columns;

/// <summary>
/// One column of a batch being read from a source, appended with typed values (never boxed) into arrays sized for the
/// batch, then handed to a <see cref="ColumnVector"/> by <see cref="Build"/>. Unlike the codec's ColumnBuilder, the
/// values of the row being read can be taken back (<see cref="Truncate"/>), so a row that turns out bad or below the
/// watermark is dropped after its values were parsed.
/// </summary>
internal abstract class TypedColumn
{
    private bool[]? _validity;

    protected TypedColumn(DataType type) => Type = type;

    public DataType Type { get; }

    /// <summary>Values appended since the last <see cref="Build"/>.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// A column for <paramref name="type"/> with room for <paramref name="capacity"/> values before it grows (and, for
    /// strings and binary values, for <paramref name="dataBytes"/> bytes when given).
    /// </summary>
    public static TypedColumn Create(DataType type, int capacity, int dataBytes = 0) => type switch
    {
        DecimalType d => new DecimalColumn(d, capacity),
        _ => type.Kind switch
        {
            TypeKind.Boolean => new FixedColumn<bool>(type, capacity),
            TypeKind.Int8 => new FixedColumn<sbyte>(type, capacity),
            TypeKind.Int16 => new FixedColumn<short>(type, capacity),
            TypeKind.Int32 or TypeKind.Date => new FixedColumn<int>(type, capacity),
            TypeKind.Int64 or TypeKind.Timestamp => new FixedColumn<long>(type, capacity),
            TypeKind.Float => new FixedColumn<float>(type, capacity),
            TypeKind.Double => new FixedColumn<double>(type, capacity),
            TypeKind.String or TypeKind.Binary => new BytesColumn(type, capacity, dataBytes),
            _ => new ObjectColumn(type),
        },
    };

    public void AppendNull()
    {
        AppendDefault();
        if (_validity is null)
        {
            _validity = new bool[Math.Max(16, Capacity)];
            Array.Fill(_validity, true, 0, Count);
        }
        else if (_validity.Length <= Count) Array.Resize(ref _validity, Math.Max(Count + 1, _validity.Length * 2));
        _validity[Count] = false;
        Count++;
    }

    /// <summary>Records that a value was just stored at index <see cref="Count"/>.</summary>
    protected void Appended()
    {
        if (_validity is not null)
        {
            if (_validity.Length <= Count) Array.Resize(ref _validity, Math.Max(Count + 1, _validity.Length * 2));
            _validity[Count] = true;
        }
        Count++;
    }

    /// <summary>Drops the values after the first <paramref name="count"/>.</summary>
    public void Truncate(int count)
    {
        if (count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        TruncateValues(count);
        Count = count;
    }

    /// <summary>Appends the values <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of <paramref name="source"/>, a column of the same type.</summary>
    public void AppendFrom(TypedColumn source, int start, int count)
    {
        if (source.GetType() != GetType() || start < 0 || count < 0 || start + count > source.Count) throw new ArgumentOutOfRangeException(nameof(source));
        CopyValues(source, start, count);
        if (_validity is not null || source._validity is not null)
        {
            if (_validity is null)
            {
                _validity = new bool[Math.Max(Math.Max(16, Capacity), Count + count)];
                Array.Fill(_validity, true, 0, Count);
            }
            else if (_validity.Length < Count + count) Array.Resize(ref _validity, Math.Max(Count + count, _validity.Length * 2));
            if (source._validity is null) Array.Fill(_validity, true, Count, count);
            else Array.Copy(source._validity, start, _validity, Count, count);
        }
        Count += count;
    }

    /// <summary>The value at <paramref name="index"/> as the codec's vectors give it (for the rare per-row uses: watermarks).</summary>
    public object? GetValue(int index) => _validity is not null && !_validity[index] ? null : GetStored(index);

    /// <summary>The vector of the values appended so far; the column starts empty again with fresh storage.</summary>
    public ColumnVector Build()
    {
        var vector = BuildVector(Count, _validity, renew: true);
        _validity = null;
        Count = 0;
        return vector;
    }

    /// <summary>
    /// The vector of the values appended; the column gives its storage to the vector (no fresh storage is allocated)
    /// and may not be appended to afterwards.
    /// </summary>
    public ColumnVector BuildLast()
    {
        var vector = BuildVector(Count, _validity, renew: false);
        _validity = null;
        Count = 0;
        return vector;
    }

    protected abstract int Capacity { get; }

    protected abstract void AppendDefault();

    protected abstract void TruncateValues(int count);

    /// <summary>Stores <paramref name="count"/> values of <paramref name="source"/> (same type) from index <see cref="Count"/> on.</summary>
    protected abstract void CopyValues(TypedColumn source, int start, int count);

    protected abstract object? GetStored(int index);

    protected abstract ColumnVector BuildVector(int count, bool[]? validity, bool renew);
}

/// <summary>Fixed-width values (integers, floats, booleans, dates as days, timestamps as micros).</summary>
internal sealed class FixedColumn<T>(DataType type, int capacity) : TypedColumn(type) where T : unmanaged
{
    private T[] _values = new T[Math.Max(16, capacity)];

    protected override int Capacity => _values.Length;

    public void Append(T value)
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = value;
        Appended();
    }

    protected override void AppendDefault()
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = default;
    }

    protected override void CopyValues(TypedColumn source, int start, int count)
    {
        if (_values.Length < Count + count) Array.Resize(ref _values, Math.Max(Count + count, _values.Length * 2));
        Array.Copy(((FixedColumn<T>)source)._values, start, _values, Count, count);
    }

    protected override void TruncateValues(int count) { }

    protected override object? GetStored(int index) => new PrimitiveVector<T>(Type, _values, Count).GetValue(index);

    protected override ColumnVector BuildVector(int count, bool[]? validity, bool renew)
    {
        var vector = new PrimitiveVector<T>(Type, _values, count, validity);
        _values = renew ? new T[_values.Length] : [];
        return vector;
    }
}

/// <summary>Decimals as unscaled 128-bit integers of the column's scale, checked against its precision.</summary>
internal sealed class DecimalColumn(DecimalType type, int capacity) : TypedColumn(type)
{
    private readonly Int128 _limit = Pow10(type.Precision);
    private Int128[] _values = new Int128[Math.Max(16, capacity)];

    public DecimalType DecimalType => (DecimalType)Type;

    protected override int Capacity => _values.Length;

    /// <summary>Appends an unscaled value; throws <see cref="OverflowException"/> when it needs more digits than the precision.</summary>
    public void AppendUnscaled(Int128 unscaled)
    {
        if (Int128.Abs(unscaled) >= _limit)
            throw new OverflowException($"{ValueConverters.DecimalToString(unscaled, DecimalType.Scale)} does not fit {DecimalType}");
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = unscaled;
        Appended();
    }

    /// <summary>Appends an unscaled value when it fits the precision; false (nothing appended) when it does not.</summary>
    public bool TryAppendUnscaled(Int128 unscaled)
    {
        if (Int128.Abs(unscaled) >= _limit) return false;
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = unscaled;
        Appended();
        return true;
    }

    /// <summary>Appends a decimal; throws <see cref="OverflowException"/> when it has more places than the scale or too many digits.</summary>
    public void Append(decimal value) => AppendUnscaled(Unscaled(value, DecimalType.Scale));

    /// <summary>The unscaled value of <paramref name="value"/> at <paramref name="scale"/>, without allocating.</summary>
    public static Int128 Unscaled(decimal value, int scale) => TryUnscaled(value, scale, out var unscaled) ? unscaled
        : throw new OverflowException($"{value.ToString(System.Globalization.CultureInfo.InvariantCulture)} has more than {scale} decimal places");

    /// <summary>The unscaled value at <paramref name="scale"/>; false when the value has more decimal places than that.</summary>
    public static bool TryUnscaled(decimal value, int scale, out Int128 unscaled)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int valueScale = (bits[3] >> 16) & 0xFF;
        Int128 magnitude = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        while (valueScale < scale) { magnitude *= 10; valueScale++; }
        while (valueScale > scale)
        {
            if (magnitude % 10 != 0)
            {
                unscaled = 0;
                return false;
            }
            magnitude /= 10;
            valueScale--;
        }
        unscaled = bits[3] < 0 ? -magnitude : magnitude;
        return true;
    }

    private static Int128 Pow10(int n)
    {
        Int128 p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    protected override void AppendDefault()
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = 0;
    }

    protected override void CopyValues(TypedColumn source, int start, int count)
    {
        if (_values.Length < Count + count) Array.Resize(ref _values, Math.Max(Count + count, _values.Length * 2));
        Array.Copy(((DecimalColumn)source)._values, start, _values, Count, count);
    }

    protected override void TruncateValues(int count) { }

    protected override object? GetStored(int index) => ValueConverters.ToDecimal(_values[index], DecimalType.Scale);

    protected override ColumnVector BuildVector(int count, bool[]? validity, bool renew)
    {
        var vector = new DecimalVector(DecimalType, _values, count, validity);
        _values = renew ? new Int128[_values.Length] : [];
        return vector;
    }
}

/// <summary>Strings (UTF-8) and binary values, in one data buffer with offsets.</summary>
internal sealed class BytesColumn(DataType type, int capacity, int dataBytes = 0) : TypedColumn(type)
{
    private int[] _offsets = new int[Math.Max(16, capacity) + 1];
    private byte[] _data = new byte[Math.Max(256, dataBytes > 0 ? dataBytes : capacity * 8)];

    /// <summary>The bytes of the values appended so far.</summary>
    public int DataBytes => _offsets[Count];

    protected override int Capacity => _offsets.Length - 1;

    public void Append(ReadOnlySpan<byte> value)
    {
        int start = _offsets[Count];
        Reserve(start + value.Length);
        value.CopyTo(_data.AsSpan(start));
        _offsets[Count + 1] = start + value.Length;
        Appended();
    }

    /// <summary>Appends <paramref name="value"/> as UTF-8.</summary>
    public void Append(string value)
    {
        int start = _offsets[Count];
        Reserve(start + System.Text.Encoding.UTF8.GetMaxByteCount(value.Length));
        int n = System.Text.Encoding.UTF8.GetBytes(value, _data.AsSpan(start));
        _offsets[Count + 1] = start + n;
        Appended();
    }

    private void Reserve(int bytes)
    {
        if (Count + 1 >= _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        if (bytes > _data.Length) Array.Resize(ref _data, Math.Max(bytes, _data.Length * 2));
    }

    protected override void AppendDefault()
    {
        Reserve(_offsets[Count]);
        _offsets[Count + 1] = _offsets[Count];
    }

    protected override void CopyValues(TypedColumn source, int start, int count)
    {
        var from = (BytesColumn)source;
        int first = from._offsets[start], bytes = from._offsets[start + count] - first, at = _offsets[Count];
        if (_offsets.Length < Count + count + 1) Array.Resize(ref _offsets, Math.Max(Count + count + 1, _offsets.Length * 2));
        if (_data.Length < at + bytes) Array.Resize(ref _data, Math.Max(at + bytes, _data.Length * 2));
        Array.Copy(from._data, first, _data, at, bytes);
        for (int i = 1; i <= count; i++) _offsets[Count + i] = from._offsets[start + i] - first + at;
    }

    protected override void TruncateValues(int count) { }

    protected override object? GetStored(int index) => new BinaryVector(Type, _offsets, _data, Count).GetValue(index);

    protected override ColumnVector BuildVector(int count, bool[]? validity, bool renew)
    {
        var vector = new BinaryVector(Type, _offsets, _data, count, validity);
        // The next batch starts with room for as many bytes as this one used.
        int used = _offsets[count];
        _offsets = renew ? new int[_offsets.Length] : [0];
        _data = renew ? new byte[Math.Max(256, used + used / 8)] : [];
        return vector;
    }
}

/// <summary>Any other type, through the codec's ColumnBuilder when the batch is built (values boxed: not a hot path).</summary>
internal sealed class ObjectColumn(DataType type) : TypedColumn(type)
{
    private readonly List<object?> _values = [];

    protected override int Capacity => Math.Max(16, _values.Capacity);

    public void Append(object value)
    {
        _values.Add(value);
        Appended();
    }

    protected override void AppendDefault() => _values.Add(null);

    protected override void CopyValues(TypedColumn source, int start, int count) => _values.AddRange(((ObjectColumn)source)._values.GetRange(start, count));

    protected override void TruncateValues(int count) => _values.RemoveRange(count, _values.Count - count);

    protected override object? GetStored(int index) => _values[index];

    protected override ColumnVector BuildVector(int count, bool[]? validity, bool renew)
    {
        var builder = ColumnBuilder.Create(Type);
        foreach (var v in _values) builder.Append(v);
        _values.Clear();
        return builder.Build();
    }
}
