using System.Collections;
using System.Globalization;
using System.Text;

namespace DeltaLite.Parquet;

/// <summary>
/// Builds a <see cref="ColumnVector"/> value by value from CLR objects (the forms <see cref="ColumnVector.GetValue"/>
/// returns, plus common alternatives such as DateTimeOffset, TimeSpan, Guid and numeric conversions).
/// </summary>
public abstract class ColumnBuilder
{
    private bool[]? _validity;

    protected ColumnBuilder(DataType type) => Type = type;

    public DataType Type { get; }

    public int Count { get; private set; }

    /// <summary>A builder for values of <paramref name="type"/>.</summary>
    public static ColumnBuilder Create(DataType type) => type switch
    {
        DecimalType d => new DecimalBuilder(d),
        StructType s => new StructBuilder(s),
        ListType l => new ListBuilder(l),
        MapType m => new MapBuilder(m),
        _ => type.Kind switch
        {
            TypeKind.Boolean => new PrimitiveBuilder<bool>(type, o => Convert.ToBoolean(o, CultureInfo.InvariantCulture)),
            TypeKind.Int8 => new PrimitiveBuilder<sbyte>(type, o => Convert.ToSByte(o, CultureInfo.InvariantCulture)),
            TypeKind.Int16 => new PrimitiveBuilder<short>(type, o => Convert.ToInt16(o, CultureInfo.InvariantCulture)),
            TypeKind.Int32 => new PrimitiveBuilder<int>(type, o => Convert.ToInt32(o, CultureInfo.InvariantCulture)),
            TypeKind.Int64 => new PrimitiveBuilder<long>(type, o => Convert.ToInt64(o, CultureInfo.InvariantCulture)),
            TypeKind.UInt8 => new PrimitiveBuilder<byte>(type, o => Convert.ToByte(o, CultureInfo.InvariantCulture)),
            TypeKind.UInt16 => new PrimitiveBuilder<ushort>(type, o => Convert.ToUInt16(o, CultureInfo.InvariantCulture)),
            TypeKind.UInt32 => new PrimitiveBuilder<uint>(type, o => Convert.ToUInt32(o, CultureInfo.InvariantCulture)),
            TypeKind.UInt64 => new PrimitiveBuilder<ulong>(type, o => Convert.ToUInt64(o, CultureInfo.InvariantCulture)),
            TypeKind.Float => new PrimitiveBuilder<float>(type, o => Convert.ToSingle(o, CultureInfo.InvariantCulture)),
            TypeKind.Double => new PrimitiveBuilder<double>(type, o => Convert.ToDouble(o, CultureInfo.InvariantCulture)),
            TypeKind.Date => new PrimitiveBuilder<int>(type, ToDays),
            TypeKind.Time => new PrimitiveBuilder<long>(type, o => ToTime(o, ((TimeType)type).Unit)),
            TypeKind.Timestamp => new PrimitiveBuilder<long>(type, o => ToTimestamp(o, (TimestampType)type)),
            TypeKind.String or TypeKind.Binary or TypeKind.FixedBinary or TypeKind.Uuid => new BinaryBuilder(type),
            _ => throw new NotSupportedException($"No builder for {type}."),
        },
    };

    /// <summary>Appends a value, or a null for null/DBNull.</summary>
    public void Append(object? value)
    {
        if (value is null or DBNull)
        {
            AppendDefault();
            MarkNull();
        }
        else
        {
            AppendValue(value);
            MarkValid();
        }
    }

    public void AppendNull() => Append(null);

    public abstract ColumnVector Build();

    protected abstract void AppendValue(object value);

    protected abstract void AppendDefault();

    protected bool[]? TakeValidity() => _validity;

    /// <summary>Records that the value just appended by a typed fast path is present.</summary>
    protected void MarkValid()
    {
        if (_validity is not null)
        {
            EnsureValidity(Count + 1);
            _validity[Count] = true;
        }
        Count++;
    }

    private void MarkNull()
    {
        if (_validity is null)
        {
            _validity = new bool[Math.Max(16, Count * 2)];
            Array.Fill(_validity, true, 0, Count);
        }
        EnsureValidity(Count + 1);
        _validity[Count] = false;
        Count++;
    }

    private void EnsureValidity(int n)
    {
        if (_validity!.Length < n) Array.Resize(ref _validity, Math.Max(n, _validity.Length * 2));
    }

    private static int ToDays(object o) => o switch
    {
        DateOnly d => ValueConverters.ToDays(d),
        DateTime dt => ValueConverters.ToDays(DateOnly.FromDateTime(dt)),
        DateTimeOffset dto => ValueConverters.ToDays(DateOnly.FromDateTime(dto.UtcDateTime)),
        string s => ValueConverters.ToDays(DateOnly.Parse(s, CultureInfo.InvariantCulture)),
        _ => Convert.ToInt32(o, CultureInfo.InvariantCulture),
    };

    private static long ToTime(object o, Metadata.TimeUnit unit)
    {
        long ticks = o switch
        {
            TimeOnly t => t.Ticks,
            TimeSpan ts => ts.Ticks,
            _ => long.MinValue,
        };
        if (ticks == long.MinValue) return Convert.ToInt64(o, CultureInfo.InvariantCulture);
        return unit switch
        {
            Metadata.TimeUnit.Millis => ticks / TimeSpan.TicksPerMillisecond,
            Metadata.TimeUnit.Micros => ticks / TimeSpan.TicksPerMicrosecond,
            _ => ticks * 100,
        };
    }

    private static long ToTimestamp(object o, TimestampType t) => o switch
    {
        DateTime dt => ValueConverters.FromDateTime(t.IsAdjustedToUtc ? dt : DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), t.Unit),
        DateTimeOffset dto => ValueConverters.FromDateTime(t.IsAdjustedToUtc ? dto.UtcDateTime : dto.DateTime, t.Unit),
        _ => Convert.ToInt64(o, CultureInfo.InvariantCulture),
    };
}

/// <summary>Builds fixed-width vectors; <see cref="AppendValue(T)"/> is the allocation-free path.</summary>
public sealed class PrimitiveBuilder<T> : ColumnBuilder where T : unmanaged
{
    private readonly Func<object, T> _convert;
    private T[] _values = new T[16];

    internal PrimitiveBuilder(DataType type, Func<object, T> convert) : base(type) => _convert = convert;

    public void AppendValue(T value)
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = value;
        MarkValid();
    }

    protected override void AppendValue(object value) => Store(value is T t ? t : _convert(value));

    protected override void AppendDefault() => Store(default);

    private void Store(T value)
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = value;
    }

    public override ColumnVector Build() => new PrimitiveVector<T>(Type, _values, Count, TakeValidity());
}

/// <summary>Builds decimal vectors from decimal, Int128 (unscaled), integers or invariant text.</summary>
public sealed class DecimalBuilder : ColumnBuilder
{
    private Int128[] _values = new Int128[16];

    internal DecimalBuilder(DecimalType type) : base(type) { }

    private DecimalType DecimalType => (DecimalType)Type;

    protected override void AppendValue(object value)
    {
        var t = DecimalType;
        Int128 unscaled = value switch
        {
            decimal d => ValueConverters.FromDecimal(d, t.Scale),
            Int128 i => i,
            string s => ValueConverters.TryParseDecimal(s, t.Scale, out var u) ? u : throw new FormatException($"'{s}' is not a {t}."),
            double or float => ValueConverters.FromDecimal(Convert.ToDecimal(value, CultureInfo.InvariantCulture), t.Scale),
            _ => ValueConverters.FromDecimal(Convert.ToDecimal(value, CultureInfo.InvariantCulture), t.Scale),
        };
        if (Int128.Abs(unscaled) >= Pow10(t.Precision))
            throw new OverflowException($"{ValueConverters.DecimalToString(unscaled, t.Scale)} does not fit {t}.");
        Store(unscaled);
    }

    protected override void AppendDefault() => Store(0);

    private void Store(Int128 v)
    {
        if (Count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[Count] = v;
    }

    internal static Int128 Pow10(int n)
    {
        Int128 p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    public override ColumnVector Build() => new DecimalVector(DecimalType, _values, Count, TakeValidity());
}

/// <summary>Builds string/binary/fixed/uuid vectors.</summary>
public sealed class BinaryBuilder : ColumnBuilder
{
    private readonly ByteArrayBuilder _values = new();

    internal BinaryBuilder(DataType type) : base(type) { }

    /// <summary>Appends raw bytes (UTF-8 for strings) without boxing.</summary>
    public void AppendBytes(ReadOnlySpan<byte> value)
    {
        _values.Append(value);
        MarkValid();
    }

    protected override void AppendValue(object value)
    {
        switch (value)
        {
            case string s when Type.Kind == TypeKind.Uuid:
                AppendGuid(Guid.Parse(s));
                break;
            case string s:
                {
                    int max = Encoding.UTF8.GetMaxByteCount(s.Length);
                    Span<byte> buf = max <= 512 ? stackalloc byte[max] : new byte[max];
                    int n = Encoding.UTF8.GetBytes(s, buf);
                    _values.Append(buf[..n]);
                    break;
                }
            case byte[] b: _values.Append(b); break;
            case ReadOnlyMemory<byte> m: _values.Append(m.Span); break;
            case Memory<byte> m: _values.Append(m.Span); break;
            case Guid g: AppendGuid(g); break;
            default: throw new InvalidCastException($"Cannot store a {value.GetType().Name} in a {Type} column.");
        }
        if (Type is FixedBinaryType f && _values[_values.Count - 1].Length != f.ByteWidth)
            throw new ArgumentException($"A {Type} value must have {f.ByteWidth} bytes, not {_values[_values.Count - 1].Length}.");
    }

    private void AppendGuid(Guid g)
    {
        Span<byte> bytes = stackalloc byte[16];
        g.TryWriteBytes(bytes, bigEndian: true, out _);
        _values.Append(bytes);
    }

    protected override void AppendDefault()
    {
        if (Type is FixedBinaryType f) _values.Append(new byte[f.ByteWidth]);
        else if (Type.Kind == TypeKind.Uuid) _values.Append(stackalloc byte[16]);
        else _values.AppendEmpty();
    }

    public override ColumnVector Build() => new BinaryVector(Type, _values, TakeValidity());
}

/// <summary>Builds struct vectors from object?[] / IReadOnlyList&lt;object?&gt; (in field order) or IDictionary&lt;string, object?&gt;.</summary>
public sealed class StructBuilder : ColumnBuilder
{
    private readonly ColumnBuilder[] _children;

    internal StructBuilder(StructType type) : base(type) =>
        _children = type.Fields.Select(f => Create(f.Type)).ToArray();

    public IReadOnlyList<ColumnBuilder> Children => _children;

    protected override void AppendValue(object value)
    {
        var fields = ((StructType)Type).Fields;
        switch (value)
        {
            case IDictionary<string, object?> dict:
                for (int i = 0; i < _children.Length; i++) _children[i].Append(dict.TryGetValue(fields[i].Name, out var v) ? v : null);
                break;
            case IReadOnlyList<object?> list:
                if (list.Count != _children.Length) throw new ArgumentException($"A struct value has {list.Count} members; {Type} has {_children.Length}.");
                for (int i = 0; i < _children.Length; i++) _children[i].Append(list[i]);
                break;
            default: throw new InvalidCastException($"Cannot store a {value.GetType().Name} in a {Type} column.");
        }
    }

    protected override void AppendDefault()
    {
        foreach (var c in _children) c.AppendNull();
    }

    public override ColumnVector Build() =>
        new StructVector((StructType)Type, _children.Select(c => c.Build()).ToArray(), Count, TakeValidity());
}

/// <summary>Builds list vectors from any IEnumerable (not string).</summary>
public sealed class ListBuilder : ColumnBuilder
{
    private readonly ColumnBuilder _values;
    private int[] _offsets = new int[17];

    internal ListBuilder(ListType type) : base(type) => _values = Create(type.Element.Type);

    protected override void AppendValue(object value)
    {
        if (value is string or not IEnumerable) throw new InvalidCastException($"Cannot store a {value.GetType().Name} in a {Type} column.");
        foreach (var item in (IEnumerable)value) _values.Append(item);
        Close();
    }

    protected override void AppendDefault() => Close();

    private void Close()
    {
        if (Count + 2 > _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        _offsets[Count + 1] = _values.Count;
    }

    public override ColumnVector Build() => new ListVector((ListType)Type, _offsets, _values.Build(), Count, TakeValidity());
}

/// <summary>Builds map vectors from IEnumerable of KeyValuePair (e.g. a Dictionary) or IDictionary.</summary>
public sealed class MapBuilder : ColumnBuilder
{
    private readonly ColumnBuilder _keys;
    private readonly ColumnBuilder _values;
    private int[] _offsets = new int[17];

    internal MapBuilder(MapType type) : base(type)
    {
        _keys = Create(type.Key.Type);
        _values = Create(type.Value.Type);
    }

    protected override void AppendValue(object value)
    {
        switch (value)
        {
            case IDictionary dict:
                foreach (DictionaryEntry e in dict) { _keys.Append(e.Key); _values.Append(e.Value); }
                break;
            case IEnumerable<KeyValuePair<string, string?>> kvs:
                foreach (var kv in kvs) { _keys.Append(kv.Key); _values.Append(kv.Value); }
                break;
            case IEnumerable<KeyValuePair<object, object?>> kvo:
                foreach (var kv in kvo) { _keys.Append(kv.Key); _values.Append(kv.Value); }
                break;
            default: throw new InvalidCastException($"Cannot store a {value.GetType().Name} in a {Type} column.");
        }
        Close();
    }

    protected override void AppendDefault() => Close();

    private void Close()
    {
        if (Count + 2 > _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        _offsets[Count + 1] = _keys.Count;
    }

    public override ColumnVector Build() =>
        new MapVector((MapType)Type, _offsets, _keys.Build(), _values.Build(), Count, TakeValidity());
}
