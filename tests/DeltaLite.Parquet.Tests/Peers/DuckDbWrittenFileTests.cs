using System.Text;
using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>
/// Files written by DuckDB, an independent writer, with the encodings and page versions the conformance tables lack
/// (data page v2, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT) and every codec: we read what DuckDB reads.
/// </summary>
public sealed class DuckDbWrittenFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("deltalite-duckwritten-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Query = """
        SELECT i::INTEGER AS i, CASE WHEN i % 11 = 0 THEN NULL ELSE i::BIGINT * 1000003 - 5000000000 END AS b,
               i / 7.0 AS d, (i / 3.0)::FLOAT AS f, 'str' || (i % 100) AS low_card,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'x' || i || repeat('y', i % 13) END AS high_card,
               (i * 1.25)::DECIMAL(12, 2) AS dec, (i * 7)::DECIMAL(38, 6) AS wide_dec,
               DATE '2020-01-01' + i::INTEGER AS dt, TIMESTAMP '2020-01-01' + to_seconds(i) AS ts,
               TIMESTAMPTZ '2021-06-01 00:00:00+00' + to_microseconds(i * 977) AS tstz,
               i % 2 = 0 AS flag, (i % 120)::TINYINT AS tiny, (i % 30000)::SMALLINT AS small, i::UBIGINT * 3 AS ubig,
               CASE WHEN i % 4 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS l,
               CASE WHEN i % 6 = 0 THEN NULL ELSE {'a': i, 'b': 's' || i, 'c': [i % 3]} END AS st,
               MAP {'k': i, 'k2': NULL} AS m, ('0000000' || (i % 10)::VARCHAR || '-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS id_uuid, encode('b' || (i % 300)::VARCHAR) AS blob
        FROM range(12000) t(i)
        """;

    public static TheoryData<string, string> Variants() => new()
    {
        { "v1", "snappy" },
        { "v1", "uncompressed" },
        { "v2", "zstd" },
        { "v2", "gzip" },
        { "v2", "brotli" },
        { "v2", "lz4_raw" },
        { "v2", "snappy" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task We_read_DuckDB_files_of_every_page_version_encoding_and_codec_as_DuckDB_does(string version, string codec)
    {
        string path = Path.Combine(_dir, $"{version}-{codec}.parquet");
        DuckDbPeer.Sql($"COPY ({Query}) TO '{path}' (FORMAT parquet, PARQUET_VERSION {version}, COMPRESSION {codec}, ROW_GROUP_SIZE 4000)");
        var expected = DuckDbPeer.Rows(path).ToList();

        await using var reader = await ParquetReader.OpenAsync(path);
        Assert.True(reader.RowGroupCount >= 3);
        var ms = new MemoryStream();
        await foreach (var batch in reader.ReadAsync()) CanonicalJson.WriteLines(batch, ms);
        var actual = Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        JsonRowComparer.AssertEqual(expected, actual, "duckdb", "deltalite");

        // The same rows in batches smaller than a row group, decoded page by page.
        ms = new MemoryStream();
        int batches = 0;
        await foreach (var batch in reader.ReadBatchesAsync(999))
        {
            Assert.InRange(batch.RowCount, 1, 999);
            CanonicalJson.WriteLines(batch, ms);
            batches++;
        }
        Assert.True(batches > reader.RowGroupCount);
        var streamed = Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        JsonRowComparer.AssertEqual(expected, streamed, "duckdb", "deltalite streamed");

        var duckTypes = DuckDbPeer.Types(path).EnumerateArray().Select(t => t.GetProperty("type").GetString()!.Replace("\"", "")).ToList();
        Assert.Equal(duckTypes, reader.Schema.Fields.Select(f => DuckDbTypes.Name(f.Type).Replace("\"", "")).ToList());

        if (version == "v2")
        {
            var encodings = reader.Metadata.RowGroups.SelectMany(g => g.Columns).SelectMany(c => c.MetaData!.Encodings).ToHashSet();
            Assert.Contains(DeltaLite.Parquet.Metadata.Encoding.DeltaBinaryPacked, encodings);
            Assert.Contains(DeltaLite.Parquet.Metadata.Encoding.ByteStreamSplit, encodings);
            Assert.Contains(DeltaLite.Parquet.Metadata.Encoding.DeltaLengthByteArray, encodings);
        }
    }
}
