using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>The DuckDB peer itself: it must run, and render conformance files in the canonical row form.</summary>
public class DuckDbPeerTests
{
    private static string Conformance(string relative) =>
        Path.Combine(TestData.ConformanceRoot, relative.Replace('/', Path.DirectorySeparatorChar));

    private const string DateFile = "delta-rs/delta-0.8.0-date/part-00000-d22c627d-9655-4153-9527-f8995620fa42-c000.snappy.parquet";
    private const string AllTypesFile = "delta-rs/delta-1.2.1-only-struct-stats/part-00000-1c2d1a32-02dc-484f-87ff-4328ea56045d-c000.snappy.parquet";
    private const string EdgeTimestampsFile = "delta-rs/table_with_edge_timestamps/part-00000-a9dd181d-61aa-491d-b3c9-3eea548de6cb-c000.snappy.parquet";
    private const string UtcStatsCheckpoint = "delta-rs/delta-checkpoint-stats-optional/_delta_log/00000000000000000002.checkpoint.parquet";
    private const string PartitionedCheckpoint = "delta-rs/checkpoint_with_partitions/_delta_log/00000000000000000002.checkpoint.parquet";
    private const string ArrayPrimitivesFolder = "delta-rs/golden/data-reader-array-primitives";
    private const string CovidFile = "delta-rs/COVID-19_NYT/part-00000-a496f40c-e091-413a-85f9-b1b69d4b3b4e-c000.snappy.parquet";

    [Fact]
    public void Rows_are_objects_with_columns_in_schema_order()
    {
        var rows = DuckDbPeer.Rows(Conformance(DateFile));

        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(["date", "dayOfYear"], r.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("2021-01-01", rows[0].GetProperty("date").GetString());
        Assert.Equal(1, rows[0].GetProperty("dayOfYear").GetInt32());
        Assert.Equal("2021-01-05", rows[4].GetProperty("date").GetString());
    }

    [Fact]
    public void Rows_with_columns_returns_only_those_in_the_given_order()
    {
        var rows = DuckDbPeer.Rows(Conformance(DateFile), ["dayOfYear", "date"]);

        Assert.Equal(5, rows.Count);
        Assert.Equal(["dayOfYear", "date"], rows[2].EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, rows[2].GetProperty("dayOfYear").GetInt32());
    }

    [Fact]
    public void Decimals_keep_their_scale_as_strings()
    {
        var row = DuckDbPeer.Rows(Conformance(AllTypesFile), ["decimal"]).Single();

        var value = row.GetProperty("decimal");
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal("-5.67800", value.GetString()); // DECIMAL(8,5): five fraction digits, trailing zeros kept
    }

    [Fact]
    public void Naive_timestamps_render_with_microseconds_and_no_zone()
    {
        var row = DuckDbPeer.Rows(Conformance(AllTypesFile)).Single();

        Assert.Equal("2022-10-24T22:59:36.177007", row.GetProperty("timestamp").GetString());
        Assert.Equal("2022-10-24", row.GetProperty("date").GetString());
    }

    [Fact]
    public void Utc_adjusted_timestamps_render_in_utc_with_a_trailing_Z()
    {
        var types = DuckDbPeer.Types(Conformance(UtcStatsCheckpoint));
        var add = types.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "add");
        Assert.Contains("\"timestamp\" TIMESTAMP WITH TIME ZONE", add.GetProperty("type").GetString());

        var stats = DuckDbPeer.Sql(
                $"SELECT add.stats_parsed.minValues.timestamp AS ts FROM read_parquet('{SqlPath(UtcStatsCheckpoint)}') " +
                "WHERE add.stats_parsed IS NOT NULL")
            .Select(r => r.GetProperty("ts").GetString())
            .ToList();
        Assert.NotEmpty(stats);
        Assert.Contains("2022-10-24T22:59:32.846000Z", stats);
    }

    [Fact]
    public void Int96_timestamps_at_the_edge_of_the_calendar_render_exactly()
    {
        var rows = DuckDbPeer.Rows(Conformance(EdgeTimestampsFile));

        Assert.Equal("9999-12-31T00:00:00.000000", rows[0].GetProperty("BIG_DATE").GetString());
        Assert.Equal("2022-01-01T00:00:00.000000", rows[0].GetProperty("NORMAL_DATE").GetString());
    }

    [Fact]
    public void Binary_is_base64_structs_are_objects_and_string_maps_are_objects()
    {
        var row = DuckDbPeer.Rows(Conformance(AllTypesFile)).Single();

        Assert.Equal("Ynl0ZXM=", row.GetProperty("binary").GetString()); // "bytes"
        Assert.Equal("struct_value", row.GetProperty("struct").GetProperty("struct_element").GetString());
        Assert.Equal("map_value", row.GetProperty("map").GetProperty("map_key").GetString());
        Assert.Equal(JsonValueKind.Array, row.GetProperty("array").ValueKind);
        Assert.Equal(
            "map_value",
            row.GetProperty("struct_of_array_of_map").GetProperty("struct_element")[0].GetProperty("map_key").GetString());
    }

    [Fact]
    public void Checkpoint_rows_render_nested_structs_and_maps()
    {
        var rows = DuckDbPeer.Rows(Conformance(PartitionedCheckpoint));

        var adds = rows.Where(r => r.GetProperty("add").ValueKind == JsonValueKind.Object).ToList();
        Assert.NotEmpty(adds);
        var partitions = adds.Select(a => a.GetProperty("add").GetProperty("partitionValues")).ToList();
        Assert.All(partitions, p => Assert.Equal(JsonValueKind.Object, p.ValueKind));
        Assert.Contains(partitions, p => p.GetProperty("color").ValueKind == JsonValueKind.String);
        Assert.Contains(partitions, p => p.GetProperty("color").ValueKind == JsonValueKind.Null);
        var protocol = rows.Single(r => r.GetProperty("protocol").ValueKind == JsonValueKind.Object).GetProperty("protocol");
        Assert.True(protocol.GetProperty("minReaderVersion").GetInt32() >= 1);
    }

    [Fact]
    public void Float_and_double_arrays_render_as_numbers()
    {
        var file = Directory.EnumerateFiles(Conformance(ArrayPrimitivesFolder), "*.parquet").Order(StringComparer.Ordinal).First();
        var types = DuckDbPeer.Types(file).EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("type").GetString());
        Assert.Equal("FLOAT[]", types["as_array_float"]);
        Assert.Equal("DOUBLE[]", types["as_array_double"]);

        var rows = DuckDbPeer.Rows(file, ["as_array_float", "as_array_double"]);
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            foreach (var column in new[] { "as_array_float", "as_array_double" })
            {
                var list = row.GetProperty(column);
                if (list.ValueKind == JsonValueKind.Null) continue;
                Assert.All(list.EnumerateArray(), v => Assert.True(
                    v.ValueKind is JsonValueKind.Number or JsonValueKind.Null, $"{column}: {v.GetRawText()}"));
            }
        }
    }

    [Fact]
    public void Rows_of_a_large_file_match_its_row_count()
    {
        var metadata = DuckDbPeer.Metadata(Conformance(CovidFile));
        long rowsInMetadata = metadata.EnumerateArray()
            .Where(m => m.GetProperty("column_id").GetInt32() == 0)
            .Sum(m => m.GetProperty("row_group_num_rows").GetInt64());

        var rows = DuckDbPeer.Rows(Conformance(CovidFile));

        Assert.Equal(157865, rows.Count);
        Assert.Equal(rowsInMetadata, rows.Count);
        Assert.Equal("Snohomish", rows[0].GetProperty("county").GetString());
    }

    [Fact]
    public void Types_are_duckdb_type_strings()
    {
        var types = DuckDbPeer.Types(Conformance(AllTypesFile)).EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("type").GetString());

        Assert.Equal("INTEGER", types["integer"]);
        Assert.Equal("DECIMAL(8,5)", types["decimal"]);
        Assert.Equal("BLOB", types["binary"]);
        Assert.Equal("MAP(VARCHAR, VARCHAR)", types["map"]);
        Assert.Equal("STRUCT(struct_element MAP(VARCHAR, VARCHAR)[])", types["struct_of_array_of_map"]);
    }

    [Fact]
    public void Schema_lists_the_parquet_schema_elements()
    {
        var schema = DuckDbPeer.Schema(Conformance(DateFile)).EnumerateArray().ToList();

        Assert.Equal(3, schema.Count); // root + two columns
        Assert.Equal(2, schema[0].GetProperty("num_children").GetInt32());
        var date = schema.Single(s => s.GetProperty("name").GetString() == "date");
        Assert.Equal("INT32", date.GetProperty("type").GetString());
        Assert.Equal("DATE", date.GetProperty("converted_type").GetString());
    }

    [Fact]
    public void Metadata_gives_statistics_as_strings_and_counts_as_numbers()
    {
        var metadata = DuckDbPeer.Metadata(Conformance(DateFile)).EnumerateArray().ToList();

        var date = metadata.Single(m => m.GetProperty("path_in_schema").GetString() == "date");
        Assert.Equal("2021-01-01", date.GetProperty("stats_min_value").GetString());
        Assert.Equal("2021-01-05", date.GetProperty("stats_max_value").GetString());
        Assert.Equal(5, date.GetProperty("num_values").GetInt64());
        Assert.Equal("SNAPPY", date.GetProperty("compression").GetString());
    }

    [Fact]
    public void Sql_renders_every_scalar_kind_canonically()
    {
        var row = DuckDbPeer.Sql(
            """
            SELECT 9223372036854775807::BIGINT AS big, 18446744073709551615::UBIGINT AS ubig,
                   '-170141183460469231731687303715884105728'::HUGEINT AS huge,
                   0.1::FLOAT AS f, 16777217::FLOAT AS f24, 0.1::DOUBLE AS d, 1e300 * 10 AS dbig,
                   'nan'::DOUBLE AS nan, 'inf'::FLOAT AS inf, '-inf'::DOUBLE AS ninf,
                   12.340::DECIMAL(10,3) AS dec, -0.05::DECIMAL(5,3) AS dneg,
                   DATE '1969-12-31' AS dt, TIMESTAMP '1969-12-31 23:59:59.5' AS ts,
                   '2021-03-04 05:06:07.123456789'::TIMESTAMP_NS AS tns, '2021-03-04 05:06:07.123'::TIMESTAMP_MS AS tms,
                   '2021-03-04 05:06:07'::TIMESTAMP_S AS tsec, TIME '05:06:07.5' AS t,
                   'F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6'::UUID AS u, 'ab'::BLOB AS b, true AS yes, NULL AS nothing,
                   {'a': 1, 'b': [1, NULL]} AS s, MAP {'k': 1} AS smap, MAP {1: 'x'} AS imap, 'é"\' AS str
            """).Single();

        Assert.Equal("9223372036854775807", row.GetProperty("big").GetRawText());
        Assert.Equal("18446744073709551615", row.GetProperty("ubig").GetRawText());
        Assert.Equal("-170141183460469231731687303715884105728", row.GetProperty("huge").GetRawText());
        Assert.Equal("0.1", row.GetProperty("f").GetRawText());
        Assert.Equal("16777216", row.GetProperty("f24").GetRawText());
        Assert.Equal("0.1", row.GetProperty("d").GetRawText());
        Assert.Equal(1e301, row.GetProperty("dbig").GetDouble());
        Assert.Equal("NaN", row.GetProperty("nan").GetString());
        Assert.Equal("Infinity", row.GetProperty("inf").GetString());
        Assert.Equal("-Infinity", row.GetProperty("ninf").GetString());
        Assert.Equal("12.340", row.GetProperty("dec").GetString());
        Assert.Equal("-0.050", row.GetProperty("dneg").GetString());
        Assert.Equal("1969-12-31", row.GetProperty("dt").GetString());
        Assert.Equal("1969-12-31T23:59:59.500000", row.GetProperty("ts").GetString());
        Assert.Equal("2021-03-04T05:06:07.123456", row.GetProperty("tns").GetString());
        Assert.Equal("2021-03-04T05:06:07.123000", row.GetProperty("tms").GetString());
        Assert.Equal("2021-03-04T05:06:07.000000", row.GetProperty("tsec").GetString());
        Assert.Equal("05:06:07.500000", row.GetProperty("t").GetString());
        Assert.Equal("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", row.GetProperty("u").GetString());
        Assert.Equal("YWI=", row.GetProperty("b").GetString());
        Assert.Equal(JsonValueKind.True, row.GetProperty("yes").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("nothing").ValueKind);
        Assert.Equal("""{"a":1,"b":[1,null]}""", row.GetProperty("s").GetRawText());
        Assert.Equal("""{"k":1}""", row.GetProperty("smap").GetRawText());
        Assert.Equal("""[{"key":1,"value":"x"}]""", row.GetProperty("imap").GetRawText());
        Assert.Equal("é\"\\", row.GetProperty("str").GetString());
    }

    [Fact]
    public void Utc_timestamps_from_sql_render_in_utc_whatever_the_offset()
    {
        var row = DuckDbPeer.Sql("SELECT TIMESTAMPTZ '2021-03-04 05:06:07.123456+02' AS tz").Single();

        Assert.Equal("2021-03-04T03:06:07.123456Z", row.GetProperty("tz").GetString());
    }

    [Fact]
    public void A_missing_file_fails_with_the_command_and_duckdbs_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-file-{Guid.NewGuid():N}.parquet");

        var e = Assert.Throws<DuckDbPeerException>(() => DuckDbPeer.Rows(missing));

        Assert.Contains("rows", e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Contains("duckdb-peer:", e.Message); // the peer's one-line error from stderr
    }

    [Fact]
    public void Bad_sql_fails_with_duckdbs_error()
    {
        var e = Assert.Throws<DuckDbPeerException>(() => DuckDbPeer.Sql("SELEC 1"));

        Assert.Contains("syntax error", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static string SqlPath(string relative) => Conformance(relative).Replace("'", "''");
}
