using DeltaLite.Parquet;
using DeltaLite.Schema;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Tests.Schema;

public sealed class DeltaSchemaTests
{
    private static FieldMetadata Md(params (string Key, string RawJson)[] entries) =>
        FieldMetadata.FromJson(entries.Select(e => KeyValuePair.Create(e.Key, e.RawJson)));

    private static readonly ParquetSchema s_everyType = new(
        new Field("s", DataType.String),
        new Field("l", DataType.Int64, false),
        new Field("i", DataType.Int32),
        new Field("sh", DataType.Int16),
        new Field("b", DataType.Int8),
        new Field("f", DataType.Float),
        new Field("d", DataType.Double),
        new Field("dec", new DecimalType(10, 2)),
        new Field("bool", DataType.Boolean),
        new Field("bin", DataType.Binary),
        new Field("date", DataType.Date),
        new Field("ts", TimestampType.MicrosUtc),
        new Field("ntz", TimestampType.MicrosLocal) { Metadata = Md(("comment", "\"local \\\"time\\\"\"")) },
        new Field("st", new StructType(new Field("x", DataType.Int32, false), new Field("y", new ListType(DataType.String, false)))),
        new Field("arr", new ListType(new StructType(new Field("z", DataType.Double)), true)),
        new Field("m", new MapType(DataType.String, new MapType(DataType.Int32, DataType.Binary, false), true)) { Metadata = Md(("delta.columnMapping.id", "7"), ("x", "{\"a\":[1,2]}")) });

    private const string EveryTypeJson =
        "{\"type\":\"struct\",\"fields\":[" +
        "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"l\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}}," +
        "{\"name\":\"i\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"sh\",\"type\":\"short\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"b\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"dec\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"bool\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"bin\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"date\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"ntz\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{\"comment\":\"local \\\"time\\\"\"}}," +
        "{\"name\":\"st\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}}," +
        "{\"name\":\"y\",\"type\":{\"type\":\"array\",\"elementType\":\"string\",\"containsNull\":false},\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"elementType\":{\"type\":\"struct\",\"fields\":[{\"name\":\"z\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}]},\"containsNull\":true},\"nullable\":true,\"metadata\":{}}," +
        "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":{\"type\":\"map\",\"keyType\":\"integer\",\"valueType\":\"binary\",\"valueContainsNull\":false},\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":7,\"x\":{\"a\":[1,2]}}}" +
        "]}";

    [Fact]
    public void ToJson_WritesEveryTypeExactlyAsSpark()
    {
        Assert.Equal(EveryTypeJson, DeltaSchema.ToJson(s_everyType));
    }

    [Fact]
    public void Parse_ReadsEveryType()
    {
        var parsed = DeltaSchema.Parse(EveryTypeJson);
        Assert.Equal(s_everyType, parsed);
        Assert.Equal(TimestampType.MicrosUtc, parsed[11].Type);
        Assert.Equal(TimestampType.MicrosLocal, parsed[12].Type);
        Assert.True(parsed[15].Metadata.TryGetRawJson("x", out var raw));
        Assert.Equal("{\"a\":[1,2]}", raw);
        var map = (MapType)parsed[15].Type;
        Assert.False(map.Key.Nullable);
        Assert.True(map.Value.Nullable);
        Assert.False(((MapType)map.Value.Type).Value.Nullable);
    }

    [Fact]
    public void Parse_ReadsTheProtocolExample_PrettyPrinted()
    {
        const string json = """
            {
              "type" : "struct",
              "fields" : [ {
                "name" : "a", "type" : "integer", "nullable" : false, "metadata" : { }
              }, {
                "name" : "b",
                "type" : { "type" : "struct", "fields" : [ { "name" : "d", "type" : "integer", "nullable" : false, "metadata" : { } } ] },
                "nullable" : true, "metadata" : { }
              }, {
                "name" : "c", "type" : { "type" : "array", "elementType" : "integer", "containsNull" : false }, "nullable" : true, "metadata" : { }
              }, {
                "name" : "e",
                "type" : { "type" : "array", "elementType" : { "type" : "struct", "fields" : [ { "name" : "d", "type" : "integer", "nullable" : false, "metadata" : { } } ] }, "containsNull" : true },
                "nullable" : true, "metadata" : { }
              }, {
                "name" : "f", "type" : { "type" : "map", "keyType" : "string", "valueType" : "string", "valueContainsNull" : true }, "nullable" : true, "metadata" : { }
              } ]
            }
            """;
        var d = new StructType(new Field("d", DataType.Int32, false));
        var expected = new ParquetSchema(
            new Field("a", DataType.Int32, false),
            new Field("b", d),
            new Field("c", new ListType(DataType.Int32, false)),
            new Field("e", new ListType(d, true)),
            new Field("f", new MapType(DataType.String, DataType.String, true)));
        var parsed = DeltaSchema.Parse(json);
        Assert.Equal(expected, parsed);
        Assert.StartsWith("{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}}", DeltaSchema.ToJson(parsed));
    }

    [Theory]
    [InlineData("decimal", 10, 0)]
    [InlineData("decimal(38,38)", 38, 38)]
    [InlineData("decimal(1,0)", 1, 0)]
    [InlineData("decimal(10, 4)", 10, 4)]
    public void Parse_ReadsDecimalNames(string name, int precision, int scale)
    {
        var schema = DeltaSchema.Parse($"{{\"type\":\"struct\",\"fields\":[{{\"name\":\"x\",\"type\":\"{name}\",\"nullable\":true,\"metadata\":{{}}}}]}}");
        Assert.Equal(new DecimalType(precision, scale), schema[0].Type);
    }

    [Fact]
    public void Parse_WithoutMetadata_GivesEmptyMetadata_AndToJsonAddsIt()
    {
        var schema = DeltaSchema.Parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"nullable\":true}]}");
        Assert.Same(FieldMetadata.Empty, schema[0].Metadata);
        Assert.Equal("{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}", DeltaSchema.ToJson(schema));
    }

    [Fact]
    public void Names_WithQuotesControlCharactersAndUnicode_RoundTrip()
    {
        var schema = new ParquetSchema(new Field("a \"q\" \\ \n\t\u0001 é 日本 😀", DataType.String));
        string json = DeltaSchema.ToJson(schema);
        Assert.Contains("\"a \\\"q\\\" \\\\ \\n\\t\\u0001 é 日本 😀\"", json);
        Assert.Equal(schema, DeltaSchema.Parse(json));
    }

    public static TheoryData<string, string, string> Unsupported => new()
    {
        { "\"variant\"", "v", "'variant'" },
        { "\"void\"", "v", "'void'" },
        { "\"interval day to second\"", "v", "'interval day to second'" },
        { "\"char(3)\"", "v", "'char(3)'" },
        { "\"int\"", "v", "'int'" },
        { "{\"type\":\"udt\",\"class\":\"x\"}", "v", "'udt'" },
        { "{\"type\":\"array\",\"elementType\":\"variant\",\"containsNull\":true}", "v.element", "'variant'" },
        { "{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"void\",\"valueContainsNull\":true}", "v.value", "'void'" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"in\",\"type\":\"variant\",\"nullable\":true,\"metadata\":{}}]}", "v.in", "'variant'" },
        { "\"decimal(39,0)\"", "v", "precision must be 1..38" },
        { "\"decimal(5,6)\"", "v", "scale 0..precision" },
        { "\"decimal(10,-1)\"", "v", "scale 0..precision" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Parse_RefusesUnsupportedTypes_NamingFieldAndType(string typeJson, string path, string expected)
    {
        var e = Assert.Throws<DeltaSchemaException>(() =>
            DeltaSchema.Parse($"{{\"type\":\"struct\",\"fields\":[{{\"name\":\"ok\",\"type\":\"long\",\"nullable\":true,\"metadata\":{{}}}},{{\"name\":\"v\",\"type\":{typeJson},\"nullable\":true,\"metadata\":{{}}}}]}}"));
        Assert.Equal(path, e.FieldPath);
        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "not valid JSON (line 1" },
        { "{\"type\":\"struct\",\"fields\":[\n{\"name\":\"a\",}]}", "not valid JSON (line 2" },
        { "[]", "\"type\":\"struct\" at the top level" },
        { "{\"type\":\"array\",\"elementType\":\"long\",\"containsNull\":true}", "\"type\":\"struct\" at the top level" },
        { "{\"type\":\"struct\"}", "has no \"fields\" array" },
        { "{\"type\":\"struct\",\"fields\":[{\"type\":\"long\",\"nullable\":true}]}", "Field 0 of the top-level schema has no string \"name\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"nullable\":true}]}", "Field 'a' has no \"type\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}", "'a' has no boolean \"nullable\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":\"yes\"}]}", "'a' has no boolean \"nullable\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"array\",\"elementType\":\"long\"},\"nullable\":true}]}", "'a' has no boolean \"containsNull\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"map\",\"keyType\":\"long\",\"valueContainsNull\":true},\"nullable\":true}]}", "no \"valueType\"" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":[]}]}", "\"metadata\" of field 'a' is not a JSON object" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"Id\",\"type\":\"long\",\"nullable\":true},{\"name\":\"ID\",\"type\":\"long\",\"nullable\":true}]}", "'ID' appears twice" },
        { "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":7,\"nullable\":true}]}", "neither a type name nor a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_RefusesMalformedSchemas_SayingWhere(string json, string expected)
    {
        var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.Parse(json));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [MemberData(nameof(NonDeltaTypes))]
    public void ToJson_RefusesTypesADeltaSchemaCannotHold(DataType type, string name)
    {
        var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.ToJson(new ParquetSchema(new Field("s", new StructType(new Field("x", type))))));
        Assert.Equal("s.x", e.FieldPath);
        Assert.Contains(name, e.Message);
    }

    public static TheoryData<DataType, string> NonDeltaTypes => new()
    {
        { DataType.UInt32, "uint32" },
        { new TimestampType(Parquet.Metadata.TimeUnit.Millis, true), "timestamp(millis, utc)" },
        { new TimestampType(Parquet.Metadata.TimeUnit.Nanos, false), "timestamp(nanos)" },
        { new TimeType(Parquet.Metadata.TimeUnit.Micros), "time(micros)" },
        { new FixedBinaryType(16), "fixed_binary(16)" },
        { DataType.Uuid, "uuid" },
    };

    public static TheoryData<DataType, string> TypeNames => new()
    {
        { DataType.String, "string" }, { DataType.Int64, "long" }, { DataType.Int32, "integer" }, { DataType.Int16, "short" },
        { DataType.Int8, "byte" }, { DataType.Float, "float" }, { DataType.Double, "double" }, { new DecimalType(10, 2), "decimal(10,2)" },
        { DataType.Boolean, "boolean" }, { DataType.Binary, "binary" }, { DataType.Date, "date" },
        { TimestampType.MicrosUtc, "timestamp" }, { TimestampType.MicrosLocal, "timestamp_ntz" },
        { new ListType(DataType.String), "array<string>" },
        { new MapType(DataType.String, new ListType(DataType.Int32)), "map<string,array<integer>>" },
        { new StructType(new Field("a", DataType.Int32, false), new Field("b", DataType.String)), "struct<a:integer not null,b:string>" },
        { DataType.UInt8, "uint8" },
    };

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void TypeName_UsesDeltaNames(DataType type, string expected) => Assert.Equal(expected, DeltaSchema.TypeName(type));
}
