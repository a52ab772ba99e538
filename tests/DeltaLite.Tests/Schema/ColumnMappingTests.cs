using DeltaLite.Parquet;
using DeltaLite.Schema;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Tests.Schema;

public sealed class ColumnMappingTests
{
    private static FieldMetadata Mapping(int id, string physical) => FieldMetadata.FromJson(
    [
        KeyValuePair.Create(DeltaSchema.ColumnIdKey, id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        KeyValuePair.Create(DeltaSchema.PhysicalNameKey, $"\"{physical}\""),
    ]);

    private static readonly ParquetSchema s_logical = new(
        new Field("a", DataType.Int32) { Metadata = Mapping(1, "col-a") },
        new Field("e", new ListType(new StructType(new Field("d", DataType.Int32, false) { Metadata = Mapping(5, "col-d") })))
        { Metadata = Mapping(4, "col-e") },
        new Field("m", new MapType(DataType.String, new StructType(new Field("v", DataType.Double) { Metadata = Mapping(7, "col-v") })))
        { Metadata = Mapping(6, "col-m") });

    [Theory]
    [InlineData(null, ColumnMappingMode.None)]
    [InlineData("none", ColumnMappingMode.None)]
    [InlineData("name", ColumnMappingMode.Name)]
    [InlineData("ID", ColumnMappingMode.Id)]
    public void ParseColumnMappingMode_ReadsTheTableProperty(string? value, ColumnMappingMode expected)
    {
        var config = new Dictionary<string, string>();
        if (value is not null) config[DeltaSchema.ColumnMappingModeProperty] = value;
        Assert.Equal(expected, DeltaSchema.ParseColumnMappingMode(config));
        Assert.Equal(expected, DeltaSchema.ParseColumnMappingMode(value));
    }

    [Fact]
    public void ParseColumnMappingMode_RefusesOtherValues()
    {
        var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.ParseColumnMappingMode("names"));
        Assert.Contains("'names'", e.Message);
    }

    [Fact]
    public void ToPhysical_NoneMode_IsTheLogicalSchema() => Assert.Same(s_logical, DeltaSchema.ToPhysical(s_logical, ColumnMappingMode.None));

    [Fact]
    public void ToPhysical_NameMode_RenamesEveryFieldRecursively_WithoutIds()
    {
        var physical = DeltaSchema.ToPhysical(s_logical, ColumnMappingMode.Name);
        Assert.Equal(["col-a", "col-e", "col-m"], physical.Fields.Select(f => f.Name));
        var element = (StructType)((ListType)physical[1].Type).Element.Type;
        Assert.Equal("col-d", element.Fields[0].Name);
        Assert.False(element.Fields[0].Nullable);
        var value = (StructType)((MapType)physical[2].Type).Value.Type;
        Assert.Equal("col-v", value.Fields[0].Name);
        Assert.All(physical.Fields, f => Assert.Null(f.FieldId));
        Assert.Equal(s_logical[0].Metadata, physical[0].Metadata);
    }

    [Fact]
    public void ToPhysical_IdMode_AlsoSetsFieldIds()
    {
        var physical = DeltaSchema.ToPhysical(s_logical, ColumnMappingMode.Id);
        Assert.Equal([1, 4, 6], physical.Fields.Select(f => f.FieldId!.Value));
        Assert.Equal(5, ((StructType)((ListType)physical[1].Type).Element.Type).Fields[0].FieldId);
        Assert.Equal(7, ((StructType)((MapType)physical[2].Type).Value.Type).Fields[0].FieldId);
    }

    [Fact]
    public void ToPhysical_FieldWithoutPhysicalName_IsAnErrorNamingItsPath()
    {
        var schema = new ParquetSchema(new Field("s", new StructType(new Field("inner", DataType.Int32))) { Metadata = Mapping(1, "col-s") });
        var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.ToPhysical(schema, ColumnMappingMode.Name));
        Assert.Equal("s.inner", e.FieldPath);
        Assert.Contains("'s.inner'", e.Message);
        Assert.Contains(DeltaSchema.PhysicalNameKey, e.Message);
    }

    [Fact]
    public void ToPhysical_IdModeFieldWithoutId_IsAnError()
    {
        var schema = new ParquetSchema(new Field("a", DataType.Int32) { Metadata = FieldMetadata.FromJson([KeyValuePair.Create(DeltaSchema.PhysicalNameKey, "\"p\"")]) });
        Assert.Equal("p", DeltaSchema.ToPhysical(schema, ColumnMappingMode.Name)[0].Name);
        var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.ToPhysical(schema, ColumnMappingMode.Id));
        Assert.Contains(DeltaSchema.ColumnIdKey, e.Message);
    }

    [Fact]
    public void MetadataAccessors_ReadAndValidate()
    {
        Assert.Equal("col-a", DeltaSchema.GetPhysicalName(s_logical[0]));
        Assert.Equal(1, DeltaSchema.GetColumnMappingId(s_logical[0]));
        Assert.Equal("col-a", DeltaSchema.PhysicalName(s_logical[0], ColumnMappingMode.Name));
        Assert.Equal("a", DeltaSchema.PhysicalName(s_logical[0], ColumnMappingMode.None));
        var plain = new Field("x", DataType.Int32);
        Assert.Null(DeltaSchema.GetPhysicalName(plain));
        Assert.Null(DeltaSchema.GetColumnMappingId(plain));
        var bad = new Field("x", DataType.Int32) { Metadata = FieldMetadata.FromJson([KeyValuePair.Create(DeltaSchema.ColumnIdKey, "\"one\""), KeyValuePair.Create(DeltaSchema.PhysicalNameKey, "3")]) };
        Assert.Throws<DeltaSchemaException>(() => DeltaSchema.GetColumnMappingId(bad));
        Assert.Throws<DeltaSchemaException>(() => DeltaSchema.GetPhysicalName(bad));
    }

    [Fact]
    public void ConformanceTableWithColumnMapping_MapsToTheNamesItsDataFilesUse()
    {
        var md = ConformanceSchemas.LatestMetadata("delta-rs/table_with_column_mapping")!.Value;
        var config = md.GetProperty("configuration").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var mode = DeltaSchema.ParseColumnMappingMode(config);
        Assert.Equal(ColumnMappingMode.Name, mode);
        var physical = DeltaSchema.ToPhysical(DeltaSchema.Parse(md.GetProperty("schemaString").GetString()!), mode);
        Assert.Equal(["col-173b4db9-b5ad-427f-9e75-516aae37fbbb", "col-3877fd94-0973-4941-ac6b-646849a1ff65"], physical.Fields.Select(f => f.Name));

        // The data files hold the physical names of the data columns (the partition column is not stored).
        var table = TestData.TablePath("delta-rs/table_with_column_mapping");
        var file = Directory.EnumerateFiles(table, "*.parquet", SearchOption.AllDirectories).First(f => !f.Contains("_delta_log", StringComparison.Ordinal));
        using var reader = ParquetReader.Open(file);
        Assert.True(reader.Schema.IndexOf(physical[1].Name) >= 0, $"{file} has {reader.Schema}");
    }
}
