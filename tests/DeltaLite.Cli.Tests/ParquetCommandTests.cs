using System.Text.Json;
using DeltaLite.Parquet.Tests.Peers;

namespace DeltaLite.Cli.Tests;

/// <summary>`deltalite parquet cat|schema|meta` on conformance files, checked against DuckDB.</summary>
public sealed class ParquetCommandTests
{
    private static readonly string[] Paths =
    [
        "delta-rs/COVID-19_NYT/part-00000-a496f40c-e091-413a-85f9-b1b69d4b3b4e-c000.snappy.parquet",
        "delta-rs/simple_table/part-00000-f17fcbf5-e0dc-40ba-adae-ce66d1fcaef6-c000.snappy.parquet",
        "delta-rs/delta-0.8.0-date/part-00000-d22c627d-9655-4153-9527-f8995620fa42-c000.snappy.parquet",
        "delta-rs/delta-2.2.0-partitioned-types/c1=4/c2=c/part-00003-f525f459-34f9-46f5-82d6-d42121d883fd.c000.snappy.parquet",
        // nested: structs, maps and lists of a Spark checkpoint
        "delta-rs/simple_table_with_checkpoint/_delta_log/00000000000000000010.checkpoint.parquet",
    ];

    public static TheoryData<string> Files() => new(Paths);

    [Theory]
    [MemberData(nameof(Files))]
    public void Parquet_cat_prints_the_rows_DuckDB_reads(string relative)
    {
        string file = Path.Combine(ReadVerbTests.ConformanceRoot(), relative);
        var ours = Cli.Run("parquet", "cat", file).Ok().JsonLines();
        var duck = DuckDbPeer.Rows(file);
        Assert.NotEmpty(ours);
        JsonRowComparer.AssertEqual(duck, ours, "DuckDB", "deltalite parquet cat");
    }

    [Fact]
    public void Parquet_cat_columns_limit_and_csv()
    {
        string file = Path.Combine(ReadVerbTests.ConformanceRoot(), Paths[0]);
        var duck = DuckDbPeer.Rows(file, ["cases", "county"]);
        Assert.True(duck.Count > 100);
        var ours = Cli.Run("parquet", "cat", file, "--columns", "cases,county", "--limit", "50").Ok().JsonLines();
        JsonRowComparer.AssertEqual(duck.Take(50).ToList(), ours, "DuckDB", "deltalite parquet cat");
        var csv = Cli.Run("parquet", "cat", file, "--format", "csv", "--columns", "cases").Ok().Stdout.Split('\n');
        Assert.Equal("cases", csv[0]);
        Assert.Equal(duck.Select(r => r.GetProperty("cases") is { ValueKind: JsonValueKind.Null } ? "" : r.GetProperty("cases").GetRawText()), csv.Skip(1).SkipLast(1));
    }

    [Fact]
    public void Parquet_schema_and_meta_json_parse()
    {
        string file = Path.Combine(ReadVerbTests.ConformanceRoot(), Paths[^1]);
        var schema = Cli.Run("parquet", "schema", file, "--json").Ok().Json();
        Assert.Contains("add", schema.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var meta = Cli.Run("parquet", "meta", file, "--json").Ok().Json();
        long rows = DuckDbPeer.Sql($"SELECT count(*) AS n FROM read_parquet('{file.Replace("'", "''")}')")[0].GetProperty("n").GetInt64();
        Assert.Equal(rows, meta.GetProperty("numRows").GetInt64());
        Assert.Equal(JsonValueKind.Array, meta.GetProperty("rowGroups").ValueKind);
    }

    [Fact]
    public void Parquet_cat_of_a_file_that_is_not_parquet_is_a_user_error()
    {
        using var dir = new TempDir();
        string file = dir.Combine("fake.parquet");
        File.WriteAllText(file, "not a parquet file at all");
        var result = Cli.Run("parquet", "cat", file).Expect(1);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Cli.Run("parquet", "cat", dir.Combine("missing.parquet")).Expect(1);
    }
}
