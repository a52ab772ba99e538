using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.RoundTrip;

/// <summary>Seeded random schemas and rows, for property tests of the codec.</summary>
internal sealed class RandomTables(int seed)
{
    private readonly Random _rng = new(seed);
    private int _names;

    public static readonly DataType[] Primitives =
    [
        DataType.Boolean, DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64,
        DataType.UInt8, DataType.UInt16, DataType.UInt32, DataType.UInt64,
        DataType.Float, DataType.Double, DataType.String, DataType.Binary, DataType.Uuid, DataType.Date,
        new DecimalType(9, 2), new DecimalType(18, 6), new DecimalType(38, 10), new DecimalType(5, 0),
        new FixedBinaryType(3), new TimeType(TimeUnit.Millis), new TimeType(TimeUnit.Micros),
        new TimestampType(TimeUnit.Millis, true), new TimestampType(TimeUnit.Micros, true),
        new TimestampType(TimeUnit.Micros, false), new TimestampType(TimeUnit.Nanos, false),
    ];

    public Schema NextSchema(int columns, int maxDepth)
    {
        var fields = new Field[columns];
        for (int i = 0; i < columns; i++) fields[i] = NextField(maxDepth);
        return new Schema(fields);
    }

    private Field NextField(int depth)
    {
        string name = "c" + _names++;
        bool nullable = _rng.Next(3) != 0;
        return new Field(name, NextType(depth), nullable);
    }

    private DataType NextType(int depth)
    {
        int pick = depth > 0 ? _rng.Next(10) : 0;
        return pick switch
        {
            7 => new StructType(Enumerable.Range(0, 1 + _rng.Next(3)).Select(_ => NextField(depth - 1)).ToArray()),
            8 => new ListType(NextField(depth - 1) with { Name = "element" }),
            9 => new MapType(new Field("key", _rng.Next(2) == 0 ? DataType.String : DataType.Int32, false), NextField(depth - 1) with { Name = "value" }),
            _ => Primitives[_rng.Next(Primitives.Length)],
        };
    }

    public RecordBatch NextBatch(Schema schema, int rows, double nullRate = 0.2)
    {
        var builders = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < builders.Length; c++)
                builders[c].Append(NextValue(schema[c], nullRate));
        return new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), rows);
    }

    public object? NextValue(Field field, double nullRate)
    {
        if (field.Nullable && _rng.NextDouble() < nullRate) return null;
        return NextValue(field.Type, nullRate);
    }

    private object NextValue(DataType type, double nullRate)
    {
        switch (type)
        {
            case DecimalType d:
                {
                    Int128 limit = 1;
                    for (int i = 0; i < d.Precision; i++) limit *= 10;
                    Int128 v = ((Int128)_rng.NextInt64() << 64 | (ulong)_rng.NextInt64()) % limit;
                    if (_rng.Next(4) == 0) v %= 1000;
                    return v;
                }
            case FixedBinaryType f:
                {
                    var b = new byte[f.ByteWidth];
                    _rng.NextBytes(b);
                    return b;
                }
            case TimeType t:
                return new TimeOnly(_rng.NextInt64(TimeSpan.TicksPerDay) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond);
            case TimestampType ts:
                {
                    long micros = _rng.NextInt64(-2_000_000_000_000_000L, 4_000_000_000_000_000L);
                    long v = ts.Unit switch { TimeUnit.Millis => micros / 1000, TimeUnit.Micros => micros, _ => micros * 1000 + _rng.Next(1000) };
                    return v;
                }
            case StructType s:
                return s.Fields.Select(f => NextValue(f, nullRate)).ToArray();
            case ListType l:
                return Enumerable.Range(0, _rng.Next(4)).Select(_ => NextValue(l.Element, nullRate)).ToArray();
            case MapType m:
                {
                    var pairs = new List<KeyValuePair<object, object?>>();
                    var seen = new HashSet<object>();
                    int n = _rng.Next(4);
                    for (int i = 0; i < n; i++)
                    {
                        object key = NextValue(m.Key.Type, 0);
                        if (seen.Add(key)) pairs.Add(new(key, NextValue(m.Value, nullRate)));
                    }
                    return pairs;
                }
        }
        return type.Kind switch
        {
            TypeKind.Boolean => _rng.Next(2) == 0,
            TypeKind.Int8 => (sbyte)_rng.Next(sbyte.MinValue, sbyte.MaxValue + 1),
            TypeKind.Int16 => (short)_rng.Next(short.MinValue, short.MaxValue + 1),
            TypeKind.Int32 => _rng.Next(4) == 0 ? _rng.Next(10) : _rng.Next(int.MinValue, int.MaxValue),
            TypeKind.Int64 => _rng.Next(4) == 0 ? long.MaxValue - _rng.Next(3) : _rng.NextInt64(long.MinValue, long.MaxValue),
            TypeKind.UInt8 => (byte)_rng.Next(256),
            TypeKind.UInt16 => (ushort)_rng.Next(65536),
            TypeKind.UInt32 => (uint)_rng.NextInt64(uint.MaxValue + 1L),
            TypeKind.UInt64 => (ulong)_rng.NextInt64() * 2 + (ulong)_rng.Next(2),
            TypeKind.Float => _rng.Next(10) switch { 0 => float.NaN, 1 => -0.0f, 2 => float.PositiveInfinity, _ => (float)(_rng.NextDouble() * 1e6 - 5e5) },
            TypeKind.Double => _rng.Next(10) switch { 0 => double.NaN, 1 => double.NegativeInfinity, _ => _rng.NextDouble() * 1e12 - 5e11 },
            TypeKind.String => NextString(),
            TypeKind.Binary => NextBytes(),
            TypeKind.Uuid => new Guid(NextBytes(16)),
            TypeKind.Date => _rng.Next(-700_000, 2_900_000),
            _ => throw new NotSupportedException(type.ToString()),
        };
    }

    private static readonly string[] Words = ["", "a", "loan", "Zürich", "日本語", "emoji 😀", "quote \" and \\ back", "line\nbreak", "tab\t"];

    private string NextString() => _rng.Next(3) switch
    {
        0 => Words[_rng.Next(Words.Length)],
        1 => "s" + _rng.Next(20),
        _ => new string(Enumerable.Range(0, _rng.Next(40)).Select(_ => (char)_rng.Next(32, 127)).ToArray()),
    };

    private byte[] NextBytes(int? length = null)
    {
        var b = new byte[length ?? _rng.Next(20)];
        _rng.NextBytes(b);
        return b;
    }
}
