using System.Text;
using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>Every Parquet file of the conformance tables, read by us and by DuckDB: same rows, same types.</summary>
public class ConformanceReadTests
{
    private static readonly Lazy<Dictionary<string, DuckDbPeer.DumpedFile>> s_duck = new(() =>
        DuckDbPeer.Dump(TestData.ConformanceParquetFiles().Select(f => Path.Combine(TestData.ConformanceRoot, f)).ToList()));

    public static TheoryData<string> Files() => new(TestData.ConformanceParquetFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Rows_and_types_equal_what_DuckDB_reads(string file)
    {
        string path = Path.GetFullPath(Path.Combine(TestData.ConformanceRoot, file));
        var duck = s_duck.Value[path];
        Assert.Null(duck.Error);

        await using var reader = await ParquetReader.OpenAsync(path);
        var ours = new List<JsonElement>();
        var ms = new MemoryStream();
        await foreach (var batch in reader.ReadAsync()) CanonicalJson.WriteLines(batch, ms);
        foreach (var line in Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            ours.Add(JsonDocument.Parse(line).RootElement.Clone());
        JsonRowComparer.AssertEqual(duck.Rows, ours, "duckdb", "deltalite");

        // DuckDB quotes nested names that are its keywords ("version", "name"); compare without identifier quotes.
        static string? Unquote(string? s) => s?.Replace("\"", "");
        var duckTypes = duck.Types.EnumerateArray().Select(t => (t.GetProperty("name").GetString(), Unquote(t.GetProperty("type").GetString()))).ToList();
        var ourTypes = reader.Schema.Fields.Select(f => ((string?)f.Name, Unquote(DuckDbTypes.Name(f.Type)))).ToList();
        Assert.Equal(duckTypes, ourTypes);
    }
}

/// <summary>Our logical types spelled as DuckDB names them.</summary>
internal static class DuckDbTypes
{
    public static string Name(DataType type) => type switch
    {
        DecimalType d => $"DECIMAL({d.Precision},{d.Scale})",
        TimestampType { IsAdjustedToUtc: true } => "TIMESTAMP WITH TIME ZONE",
        TimestampType { Unit: DeltaLite.Parquet.Metadata.TimeUnit.Nanos } => "TIMESTAMP_NS",
        TimestampType => "TIMESTAMP",
        TimeType => "TIME",
        StructType s => "STRUCT(" + string.Join(", ", s.Fields.Select(f => Identifier(f.Name) + " " + Name(f.Type))) + ")",
        ListType l => Name(l.Element.Type) + "[]",
        MapType m => $"MAP({Name(m.Key.Type)}, {Name(m.Value.Type)})",
        _ => type.Kind switch
        {
            TypeKind.Boolean => "BOOLEAN",
            TypeKind.Int8 => "TINYINT",
            TypeKind.Int16 => "SMALLINT",
            TypeKind.Int32 => "INTEGER",
            TypeKind.Int64 => "BIGINT",
            TypeKind.UInt8 => "UTINYINT",
            TypeKind.UInt16 => "USMALLINT",
            TypeKind.UInt32 => "UINTEGER",
            TypeKind.UInt64 => "UBIGINT",
            TypeKind.Float => "FLOAT",
            TypeKind.Double => "DOUBLE",
            TypeKind.String => "VARCHAR",
            TypeKind.Binary or TypeKind.FixedBinary => "BLOB",
            TypeKind.Uuid => "UUID",
            TypeKind.Date => "DATE",
            _ => type.ToString(),
        },
    };

    private static string Identifier(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(name[0])
            ? name : "\"" + name.Replace("\"", "\"\"") + "\"";
}
