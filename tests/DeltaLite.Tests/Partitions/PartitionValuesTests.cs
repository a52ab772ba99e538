using System.Text;
using DeltaLite.Parquet;
using DeltaLite.Partitions;

namespace DeltaLite.Tests.Partitions;

public sealed class PartitionValuesTests
{
    private static readonly DecimalType Dec10_2 = new(10, 2);

    public static TheoryData<DataType, object, string> RoundTrips => new()
    {
        { DataType.Int8, sbyte.MinValue, "-128" },
        { DataType.Int8, sbyte.MaxValue, "127" },
        { DataType.Int16, short.MinValue, "-32768" },
        { DataType.Int16, short.MaxValue, "32767" },
        { DataType.Int32, int.MinValue, "-2147483648" },
        { DataType.Int32, int.MaxValue, "2147483647" },
        { DataType.Int32, 0, "0" },
        { DataType.Int64, long.MinValue, "-9223372036854775808" },
        { DataType.Int64, long.MaxValue, "9223372036854775807" },
        { DataType.Float, 1.5f, "1.5" },
        { DataType.Float, 1.1f, "1.1" },
        { DataType.Float, -0.0f, "-0.0" },
        { DataType.Float, float.MaxValue, "3.4028235E38" },
        { DataType.Float, 1e-5f, "1.0E-5" },
        { DataType.Float, float.PositiveInfinity, "Infinity" },
        { DataType.Float, float.NaN, "NaN" },
        { DataType.Double, 9.9, "9.9" },
        { DataType.Double, 10.0, "10.0" },
        { DataType.Double, 0.0, "0.0" },
        { DataType.Double, 1e7, "1.0E7" },
        { DataType.Double, 1234567.0, "1234567.0" },
        { DataType.Double, 9999999.5, "9999999.5" },
        { DataType.Double, 0.001, "0.001" },
        { DataType.Double, 0.0001, "1.0E-4" },
        { DataType.Double, 123456789.123, "1.23456789123E8" },
        { DataType.Double, -2.5e-10, "-2.5E-10" },
        { DataType.Double, double.MaxValue, "1.7976931348623157E308" },
        { DataType.Double, -double.MaxValue, "-1.7976931348623157E308" },
        { DataType.Double, double.NegativeInfinity, "-Infinity" },
        { DataType.Double, double.NaN, "NaN" },
        { Dec10_2, -12.30m, "-12.30" },
        { Dec10_2, 0m, "0.00" },
        { Dec10_2, 99999999.99m, "99999999.99" },
        { Dec10_2, -0.01m, "-0.01" },
        { new DecimalType(5, 5), -0.12345m, "-0.12345" },
        { new DecimalType(38, 0), "-99999999999999999999999999999999999999", "-99999999999999999999999999999999999999" },
        { new DecimalType(38, 10), "1234567890123456789012345678.0123456789", "1234567890123456789012345678.0123456789" },
        { DataType.Boolean, true, "true" },
        { DataType.Boolean, false, "false" },
        { DataType.Date, new DateOnly(1970, 1, 1), "1970-01-01" },
        { DataType.Date, new DateOnly(1969, 12, 31), "1969-12-31" },
        { DataType.Date, new DateOnly(9999, 12, 31), "9999-12-31" },
        { DataType.Date, new DateOnly(1, 1, 1), "0001-01-01" },
        { TimestampType.MicrosUtc, new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), "1970-01-01 00:00:00" },
        { TimestampType.MicrosUtc, new DateTime(2024, 2, 29, 23, 59, 59, DateTimeKind.Utc).AddTicks(10), "2024-02-29 23:59:59.000001" },
        { TimestampType.MicrosUtc, new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(5_000_000), "1969-12-31 23:59:59.500000" },
        { TimestampType.MicrosUtc, new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990), "9999-12-31 23:59:59.999999" },
        { TimestampType.MicrosLocal, new DateTime(2000, 6, 15, 12, 30, 45), "2000-06-15 12:30:45" },
        { TimestampType.MicrosLocal, new DateTime(1900, 1, 1, 0, 0, 0).AddTicks(1_230), "1900-01-01 00:00:00.000123" },
        { DataType.String, "plain", "plain" },
        { DataType.String, "a/b", "a/b" },
        { DataType.String, "..", ".." },
        { DataType.String, "100%", "100%" },
        { DataType.String, "k=v", "k=v" },
        { DataType.String, " spaced ", " spaced " },
        { DataType.String, "日本語 é 😀", "日本語 é 😀" },
        { DataType.Binary, new byte[] { 1, 2, 3 }, "\u0001\u0002\u0003" },
        { DataType.Binary, Encoding.UTF8.GetBytes("héllo"), "héllo" },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Value_SerializesToText_AndTextParsesBack(DataType type, object value, string text)
    {
        Assert.Equal(text, PartitionValues.Serialize(value, type));
        var parsed = PartitionValues.Parse(text, type);
        Assert.Equal(value, parsed);
        Assert.Equal(text, PartitionValues.Serialize(parsed, type));
        if (parsed is DateTime dt)
            Assert.Equal(((TimestampType)type).IsAdjustedToUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified, dt.Kind);
    }

    public static TheoryData<DataType> PrimitiveTypes => new()
    {
        DataType.String, DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.Float, DataType.Double,
        Dec10_2, DataType.Boolean, DataType.Binary, DataType.Date, TimestampType.MicrosUtc, TimestampType.MicrosLocal,
    };

    [Theory]
    [MemberData(nameof(PrimitiveTypes))]
    public void NullAndEmpty_AreNull(DataType type)
    {
        Assert.Null(PartitionValues.Serialize(null, type));
        Assert.Null(PartitionValues.Parse(null, type));
        Assert.Null(PartitionValues.Parse("", type));
        var nulls = PartitionValues.Constant(null, type, 3);
        Assert.Equal(3, nulls.NullCount);
        Assert.Equal(type, nulls.Type);
        Assert.Equal(2, PartitionValues.Constant("", type, 2).NullCount);
    }

    [Fact]
    public void EmptyString_IsWrittenAsNull_AsTheSpecReadsIt()
    {
        Assert.Null(PartitionValues.Serialize("", DataType.String));
        Assert.Null(PartitionValues.Serialize(Array.Empty<byte>(), DataType.Binary));
    }

    public static TheoryData<string, DataType, object> OtherAcceptedForms => new()
    {
        { "1970-01-01T00:00:00.123456Z", TimestampType.MicrosUtc, new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560) },
        { "2024-01-01T01:00:00+01:00", TimestampType.MicrosUtc, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        { "2024-01-01T00:00:00-0230", TimestampType.MicrosUtc, new DateTime(2024, 1, 1, 2, 30, 0, DateTimeKind.Utc) },
        { "2024-01-01 00:00:00.123456789", TimestampType.MicrosUtc, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560) },
        { "2024-01-01 00:00:00.5", TimestampType.MicrosUtc, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(5_000_000) },
        { "2024-01-01", TimestampType.MicrosUtc, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        { "2024-01-01T08:09:10", TimestampType.MicrosLocal, new DateTime(2024, 1, 1, 8, 9, 10) },
        { "2024-1-2", DataType.Date, new DateOnly(2024, 1, 2) },
        { "+5", DataType.Int32, 5 },
        { " 7 ", DataType.Int64, 7L },
        { "TRUE", DataType.Boolean, true },
        { "1.5", Dec10_2, 1.50m },
        { "1E+2", DataType.Double, 100.0 },
        { "-1", Dec10_2, -1.00m },
    };

    [Theory]
    [MemberData(nameof(OtherAcceptedForms))]
    public void Parse_AcceptsOtherWritersForms(string text, DataType type, object expected) =>
        Assert.Equal(expected, PartitionValues.Parse(text, type));

    public static TheoryData<string, DataType> Invalid => new()
    {
        { "abc", DataType.Int32 },
        { "128", DataType.Int8 },
        { "-32769", DataType.Int16 },
        { "9223372036854775808", DataType.Int64 },
        { "1.5", DataType.Int32 },
        { "1.234", Dec10_2 },
        { "123456789.1", Dec10_2 },
        { "1e40", DataType.Float },
        { "x", DataType.Double },
        { "yes", DataType.Boolean },
        { "2024-13-01", DataType.Date },
        { "2024/01/01", DataType.Date },
        { "2024-02-30 00:00:00", TimestampType.MicrosUtc },
        { "2024-01-01 25:00:00", TimestampType.MicrosUtc },
        { "noon", TimestampType.MicrosUtc },
        { "2024-01-01T00:00:00Z", TimestampType.MicrosLocal },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_RefusesTextOfAnotherType_NamingTextAndType(string text, DataType type)
    {
        var e = Assert.Throws<FormatException>(() => PartitionValues.Parse(text, type));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(DeltaLite.Schema.DeltaSchema.TypeName(type), e.Message);
        Assert.Throws<FormatException>(() => PartitionValues.Constant(text, type, 1));
    }

    public static TheoryData<object, DataType> Unserializable => new()
    {
        { 300, DataType.Int8 },
        { 70000L, DataType.Int16 },
        { "5", DataType.Int32 },
        { 1.234m, Dec10_2 },
        { 123456789.5m, Dec10_2 },
        { 1.5, Dec10_2 },
        { 1, DataType.Boolean },
        { 5, DataType.String },
        { new byte[] { 0xFF, 0xFE }, DataType.Binary },
        { "2024-01-01", DataType.Date },
    };

    [Theory]
    [MemberData(nameof(Unserializable))]
    public void Serialize_RefusesValuesTheTypeCannotHold(object value, DataType type) =>
        Assert.Throws<ArgumentException>(() => PartitionValues.Serialize(value, type));

    [Fact]
    public void Serialize_RefusesNestedTypes() =>
        Assert.Throws<ArgumentException>(() => PartitionValues.Serialize(new object?[] { 1 }, new StructType(new Field("a", DataType.Int32))));

    [Fact]
    public void Serialize_TakesOtherClrForms()
    {
        Assert.Equal("2024-01-02 03:04:05", PartitionValues.Serialize(new DateTimeOffset(2024, 1, 2, 4, 4, 5, TimeSpan.FromHours(1)), TimestampType.MicrosUtc));
        Assert.Equal("1970-01-01 00:00:00.000001", PartitionValues.Serialize(1L, TimestampType.MicrosUtc));
        Assert.Equal("1970-01-02", PartitionValues.Serialize(1, DataType.Date));
        Assert.Equal("5", PartitionValues.Serialize((byte)5, DataType.Int64));
        Assert.Equal("5.00", PartitionValues.Serialize(5, Dec10_2));
        Assert.Equal("5.0", PartitionValues.Serialize(5, DataType.Double));
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Constant_RepeatsTheParsedValue(DataType type, object value, string text)
    {
        var v = PartitionValues.Constant(text, type, 3);
        Assert.Equal(type, v.Type);
        Assert.Equal(3, v.Length);
        Assert.Equal(0, v.NullCount);
        var expected = value is string s && type is DecimalType ? s : value;
        for (int i = 0; i < 3; i++) Assert.Equal(expected, v.GetValue(i));
        Assert.Equal(0, PartitionValues.Constant(text, type, 0).Length);
    }
}
