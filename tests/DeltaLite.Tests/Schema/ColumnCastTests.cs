using DeltaLite.Parquet;
using DeltaLite.Schema;
using ParquetSchema = DeltaLite.Parquet.Schema;
using TimeUnit = DeltaLite.Parquet.Metadata.TimeUnit;

namespace DeltaLite.Tests.Schema;

public sealed class ColumnCastTests
{
    private static ColumnVector Vector(DataType type, params object?[] values)
    {
        var b = ColumnBuilder.Create(type);
        foreach (var v in values) b.Append(v);
        return b.Build();
    }

    private static object?[] Values(ColumnVector v) => Enumerable.Range(0, v.Length).Select(v.GetValue).ToArray();

    [Fact]
    public void EqualTypes_ReturnTheSameVector()
    {
        var v = Vector(DataType.Int32, 1, null, 3);
        Assert.Same(v, ColumnCast.Cast(v, DataType.Int32, "x"));
    }

    public static TheoryData<DataType, object?[], DataType, object?[]> Widenings => new()
    {
        { DataType.Int8, [sbyte.MinValue, null, sbyte.MaxValue], DataType.Int16, [(short)-128, null, (short)127] },
        { DataType.Int8, [sbyte.MinValue, null, sbyte.MaxValue], DataType.Int32, [-128, null, 127] },
        { DataType.Int8, [sbyte.MinValue, null, sbyte.MaxValue], DataType.Int64, [-128L, null, 127L] },
        { DataType.Int8, [sbyte.MinValue, null, (sbyte)5], DataType.Double, [-128.0, null, 5.0] },
        { DataType.Int16, [short.MinValue, null, short.MaxValue], DataType.Int32, [-32768, null, 32767] },
        { DataType.Int16, [short.MinValue, null, short.MaxValue], DataType.Int64, [-32768L, null, 32767L] },
        { DataType.Int16, [short.MinValue, (short)0], DataType.Double, [-32768.0, 0.0] },
        { DataType.Int32, [int.MinValue, null, int.MaxValue], DataType.Int64, [(long)int.MinValue, null, (long)int.MaxValue] },
        { DataType.Int32, [int.MinValue, null, int.MaxValue], DataType.Double, [(double)int.MinValue, null, (double)int.MaxValue] },
        { DataType.Float, [1.5f, null, float.MaxValue, float.NaN], DataType.Double, [1.5, null, (double)float.MaxValue, double.NaN] },
        { DataType.Int8, [(sbyte)-7, null], new DecimalType(10, 0), [-7m, null] },
        { DataType.Int16, [(short)-7], new DecimalType(12, 2), [-7.00m] },
        { DataType.Int32, [int.MinValue, null, int.MaxValue], new DecimalType(10, 0), [(decimal)int.MinValue, null, (decimal)int.MaxValue] },
        { DataType.Int64, [long.MinValue, long.MaxValue], new DecimalType(20, 0), [(decimal)long.MinValue, (decimal)long.MaxValue] },
        { DataType.Int64, [-1L], new DecimalType(25, 3), [-1.000m] },
        { new DecimalType(5, 2), [-123.45m, null, 999.99m], new DecimalType(7, 3), [-123.450m, null, 999.990m] },
        { new DecimalType(5, 2), [-123.45m], new DecimalType(5, 2), [-123.45m] },
        { new DecimalType(5, 2), [-123.45m], new DecimalType(38, 2), [-123.45m] },
        { new DecimalType(18, 0), [123456789012345678m], new DecimalType(38, 20), ["123456789012345678.00000000000000000000"] },
        { DataType.Date, [new DateOnly(1970, 1, 2), null, new DateOnly(1969, 12, 31)], TimestampType.MicrosLocal,
            [new DateTime(1970, 1, 2), null, new DateTime(1969, 12, 31)] },
    };

    [Theory]
    [MemberData(nameof(Widenings))]
    public void AllowedWidening_ConvertsEveryValue(DataType from, object?[] values, DataType to, object?[] expected)
    {
        var cast = ColumnCast.Cast(Vector(from, values), to, "c");
        Assert.Equal(to, cast.Type);
        Assert.Equal(expected, Values(cast));
        Assert.True(ColumnCast.CanCast(from, to));
    }

    public static TheoryData<TimestampType, long, TimestampType, long> Timestamps => new()
    {
        { new TimestampType(TimeUnit.Micros, false), 1_234_567L, TimestampType.MicrosUtc, 1_234_567L }, // INT96 / naive read for timestamp
        { new TimestampType(TimeUnit.Millis, true), -1_500L, TimestampType.MicrosUtc, -1_500_000L },
        { new TimestampType(TimeUnit.Millis, false), 253_402_300_799_999L, TimestampType.MicrosLocal, 253_402_300_799_999_000L },
        { new TimestampType(TimeUnit.Nanos, true), 1_999L, TimestampType.MicrosUtc, 1L },
        { new TimestampType(TimeUnit.Nanos, true), -1L, TimestampType.MicrosUtc, -1L },
        { new TimestampType(TimeUnit.Nanos, false), -1_000L, TimestampType.MicrosUtc, -1L },
        { TimestampType.MicrosUtc, 42L, TimestampType.MicrosLocal, 42L },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void Timestamps_BecomeMicrosWithTheTablesFlag(TimestampType from, long value, TimestampType to, long expected)
    {
        var b = (PrimitiveBuilder<long>)ColumnBuilder.Create(from);
        b.AppendValue(value);
        b.AppendNull();
        var cast = (PrimitiveVector<long>)ColumnCast.Cast(b.Build(), to, "ts");
        Assert.Equal(to, cast.Type);
        Assert.Equal(expected, cast[0]);
        Assert.True(cast.IsNull(1));
    }

    public static TheoryData<DataType, DataType> Refusals => new()
    {
        { DataType.Int64, DataType.Int32 },
        { DataType.Int32, DataType.Int16 },
        { DataType.Int64, DataType.Double },
        { DataType.Double, DataType.Float },
        { DataType.Int32, DataType.Float },
        { DataType.String, DataType.Int32 },
        { DataType.Int32, DataType.String },
        { DataType.Binary, DataType.String },
        { DataType.Boolean, DataType.Int8 },
        { DataType.Date, TimestampType.MicrosUtc },
        { TimestampType.MicrosUtc, DataType.Date },
        { DataType.Int32, DataType.Date },
        { new DecimalType(5, 2), new DecimalType(5, 1) },
        { new DecimalType(5, 2), new DecimalType(6, 4) },
        { new DecimalType(5, 2), new DecimalType(4, 2) },
        { new DecimalType(5, 0), DataType.Int64 },
        { DataType.Int32, new DecimalType(9, 0) },
        { DataType.Int32, new DecimalType(12, 3) },
        { DataType.Int64, new DecimalType(19, 0) },
        { DataType.UInt8, DataType.Int16 },
        { DataType.Double, new DecimalType(38, 10) },
        { DataType.Int32, new StructType(new Field("a", DataType.Int32)) },
        { new ListType(DataType.Int32), DataType.Int32 },
        { new MapType(DataType.String, DataType.Int32), new ListType(DataType.Int32) },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusedCast_NamesColumnFileTypeAndTableType(DataType from, DataType to)
    {
        Assert.False(ColumnCast.CanCast(from, to));
        var v = ConstantNulls(from);
        var e = Assert.Throws<DeltaSchemaException>(() => ColumnCast.Cast(v, to, "col"));
        Assert.Equal("col", e.FieldPath);
        Assert.Equal(
            $"Cannot read column 'col': the data file has type {DeltaSchema.TypeName(from)} and the table schema says {DeltaSchema.TypeName(to)}, which is not an allowed widening.",
            e.Message);
    }

    private static ColumnVector ConstantNulls(DataType type)
    {
        var b = ColumnBuilder.Create(type);
        b.AppendNull();
        return b.Build();
    }

    [Fact]
    public void RefusedNestedCast_NamesTheNestedPath()
    {
        var from = new StructType(new Field("a", new ListType(new MapType(DataType.String, DataType.Int64))));
        var to = new StructType(new Field("a", new ListType(new MapType(DataType.String, DataType.Int32))));
        var e = Assert.Throws<DeltaSchemaException>(() => ColumnCast.Cast(ConstantNulls(from), to, "s"));
        Assert.Equal("s.a.element.value", e.FieldPath);
        Assert.Contains("has type long and the table schema says integer", e.Message);
    }

    [Fact]
    public void Struct_MatchesFieldsByName_FillsMissingNullable_DropsExtra_IgnoresCaseWhenUnambiguous()
    {
        var fileType = new StructType(new Field("extra", DataType.String), new Field("B", DataType.Int32), new Field("a", DataType.Int8));
        var tableType = new StructType(new Field("a", DataType.Int64), new Field("b", DataType.Int64), new Field("new", DataType.String));
        var v = Vector(fileType, new object?[] { "x", 10, (sbyte)1 }, null, new object?[] { "y", null, (sbyte)-3 });
        var cast = (StructVector)ColumnCast.Cast(v, tableType, "s");
        Assert.Equal(tableType, cast.Type);
        Assert.Equal(new object?[] { new object?[] { 1L, 10L, null }, null, new object?[] { -3L, null, null } }, Values(cast));
    }

    [Fact]
    public void Struct_MissingNonNullableField_IsAnError()
    {
        var fileType = new StructType(new Field("a", DataType.Int32));
        var tableType = new StructType(new Field("a", DataType.Int32), new Field("req", DataType.Int32, false));
        var e = Assert.Throws<DeltaSchemaException>(() => ColumnCast.Cast(ConstantNulls(fileType), tableType, "s"));
        Assert.Equal("s.req", e.FieldPath);
        Assert.Contains("does not have it and the table schema says it is not nullable", e.Message);
    }

    [Fact]
    public void Struct_WithFieldIds_MatchesByIdNotName()
    {
        var fileType = new StructType(new Field("old_name", DataType.Int32) { FieldId = 2 }, new Field("x", DataType.Int32) { FieldId = 1 });
        var tableType = new StructType(new Field("x", DataType.Int64) { FieldId = 2 }, new Field("y", DataType.Int32) { FieldId = 3 });
        var cast = ColumnCast.Cast(Vector(fileType, (object)new object?[] { 5, 6 }), tableType, "s");
        Assert.Equal(new object?[] { new object?[] { 5L, null } }, Values(cast));
    }

    [Fact]
    public void ListsAndMaps_CastElementKeyAndValue()
    {
        var listFrom = new ListType(new Field("item", DataType.Int16, true));
        var listTo = new ListType(DataType.Int64);
        var lv = ColumnCast.Cast(Vector(listFrom, new object?[] { (short)1, null }, null, Array.Empty<object?>()), listTo, "l");
        Assert.Equal(listTo, lv.Type);
        Assert.Equal(new object?[] { new object?[] { 1L, null }, null, Array.Empty<object?>() }, Values(lv));

        var mapFrom = new MapType(DataType.Int32, DataType.Float);
        var mapTo = new MapType(DataType.Int64, DataType.Double);
        var mv = (MapVector)ColumnCast.Cast(Vector(mapFrom, new Dictionary<int, float?> { [1] = 0.5f, [2] = null }), mapTo, "m");
        Assert.Equal(mapTo, mv.Type);
        Assert.Equal(new object?[] { 1L, 2L }, Values(mv.Keys));
        Assert.Equal(new object?[] { 0.5, null }, Values(mv.Values));
    }

    [Fact]
    public void Batch_CastsColumnsByName_FillsMissingNullable_RefusesMissingRequired()
    {
        var batch = new RecordBatch(new ParquetSchema(new Field("z", DataType.String), new Field("a", DataType.Int32)),
            [Vector(DataType.String, "p", "q"), Vector(DataType.Int32, 1, 2)], 2);
        var target = new ParquetSchema(new Field("a", DataType.Int64), new Field("b", DataType.Date));
        var cast = ColumnCast.Cast(batch, target);
        Assert.Equal(target, cast.Schema);
        Assert.Equal(new object?[] { 1L, 2L }, Values(cast.Columns[0]));
        Assert.Equal(new object?[] { null, null }, Values(cast.Columns[1]));

        var required = new ParquetSchema(new Field("c", DataType.Int32, false));
        var e = Assert.Throws<DeltaSchemaException>(() => ColumnCast.Cast(batch, required));
        Assert.Equal("c", e.FieldPath);
    }
}
