using System.Buffers.Binary;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.Sql;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// COPY's raw binary stream decoded by DeltaLite itself (<see cref="CopyTupleReader"/>, <see cref="PostgresBinary"/>):
/// every type it decodes gives the values of Npgsql's exporter and of the data reader for the same rows, every value
/// they refuse it refuses with the same error, and a truncated or corrupt stream is a clear error.
/// </summary>
public sealed class PostgresRawCopyTests : PostgresTestClass
{
    private IngestJob Job(string? table, string? query = null, string? connection = null) => new()
    {
        Source = SourceKind.Postgres, Connection = connection ?? PgSchema.ConnectionString, Table = table, Query = query,
        Target = _dir["t-" + Guid.NewGuid().ToString("N")[..8]], SourceId = "raw",
    };

    private enum Path { Raw, Exporter, DataReader }

    /// <summary>The rows of <paramref name="table"/> read one way (the data reader: the table with an interval column added, which COPY's paths leave to it).</summary>
    private async Task<List<Row>> ReadAsync(string table, Path path, int batchSize = 1_000, string? connection = null)
    {
        var job = path == Path.DataReader ? Job(null, $"SELECT *, interval '1 day' AS iv FROM {table}", connection) : Job(table, connection: connection);
        var source = new SqlSource(job with { BatchSize = batchSize }) { RawCopyEnabled = path == Path.Raw };
        var schema = await source.GetSchemaAsync(default);
        var rows = new List<Row>();
        await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default))
            for (int i = 0; i < batch.RowCount; i++)
            {
                var row = Rows.Parse(CanonicalJson.RowToString(batch, i));
                row.Remove("iv");
                rows.Add(row);
            }
        Assert.True(path != Path.Raw || source.ReadThroughRawCopy, "these types should be decoded from the raw COPY stream");
        Assert.True(path != Path.Exporter || source.ReadThroughCopy && !source.ReadThroughRawCopy, "the exporter should read these rows");
        Assert.True(path != Path.DataReader || !source.ReadThroughCopy, "an interval column should send the read to the data reader");
        return rows;
    }

    private async Task AssertSameThreeWaysAsync(string table, int rows, int batchSize = 1_000)
    {
        var raw = await ReadAsync(table, Path.Raw, batchSize);
        Assert.Equal(rows, raw.Count);
        Rows.AssertSameByKey(await ReadAsync(table, Path.Exporter, batchSize), raw, "id", "raw COPY against the exporter");
        Rows.AssertSameByKey(await ReadAsync(table, Path.DataReader, batchSize), raw, "id", "raw COPY against the data reader");
    }

    /// <summary>Integers, floats, booleans, dates and timestamps at their edges, text of every kind, uuid, json, bytea and NULLs.</summary>
    [Fact]
    public async Task EdgeValuesOfEveryTypeMatchTheExporterAndTheDataReader()
    {
        string t = _pg.Table("edges");
        await _pg.ExecuteAsync($"""
            CREATE TABLE {t} (id int, s smallint, i int, b bigint, r real, d double precision, ok boolean, day date, ts timestamp, tstz timestamptz,
              tx text, v varchar(10), c char(5), j json, jb jsonb, u uuid, bytes bytea)
            """);
        await _pg.ExecuteAsync($$"""
            INSERT INTO {{t}} VALUES
              (1, -32768, -2147483648, -9223372036854775808, '-Infinity', '-Infinity', false, '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00Z',
               '', '', '', '""', '{}', '00000000-0000-0000-0000-000000000000', '\x'),
              (2, 32767, 2147483647, 9223372036854775807, 'Infinity', 'Infinity', true, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999Z',
               'Zoë 🦄 𝄞 日本', 'ü🦄', 'é', '{"k": "🦄", "n": 1.50}', '{"k": "🦄", "n": 1.50, "a": [null, true]}', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\x00ff80'),
              (3, 0, 0, 0, 'NaN', 'NaN', true, '2000-01-01', '2000-01-01 00:00:00', '1999-12-31 23:59:59.999999-01', E'tab\there\nnewline \\ quote''',
               'x', 'ab', 'null', 'null', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x5c00'),
              (4, -1, -1, -1, '-0', '-0', false, '1970-01-01', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00.000001Z', repeat('long ', 5000),
               'abcdefghij', 'abcde', '[1, 2.5e10]', '[1, 2.5e10]', '123e4567-e89b-12d3-a456-426614174000', decode(repeat('00ff', 5000), 'hex')),
              (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (6, 1, 1, 1, 1.17549435e-38, 2.2250738585072014e-308, NULL, '1999-12-31', '2000-01-01 00:00:00.000001', NULL, 'NULL', NULL, NULL, NULL, NULL, NULL, NULL)
            """);
        await AssertSameThreeWaysAsync(t, 6, batchSize: 4);
        var raw = (await ReadAsync(t, Path.Raw)).ToDictionary(r => r["id"]!);
        Assert.Equal("Zoë 🦄 𝄞 日本", raw["2"]["tx"]);
        Assert.Equal("é    ", raw["2"]["c"]);
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", raw["3"]["u"]);
        Assert.Equal("", raw["1"]["tx"]);
        Assert.Null(raw["5"]["tx"]);
    }

    /// <summary>
    /// numeric(p,s) within System.Decimal decoded from base-10000 digits (full precision, large and negative weights,
    /// zero, sign), numeric wider than that and unconstrained numeric through their exact text, extra zero places.
    /// </summary>
    [Fact]
    public async Task NumericsMatchTheExporterAndTheDataReader()
    {
        string t = _pg.Table("numerics");
        await _pg.ExecuteAsync($"""
            CREATE TABLE {t} (id int, full28 numeric(28,0), frac numeric(28,28), mid numeric(28,10), cents numeric(12,2), tiny numeric(10,8),
              whole numeric(5,0), wide numeric(38,10), free numeric)
            """);
        await _pg.ExecuteAsync($"""
            INSERT INTO {t} VALUES
              (1, 9999999999999999999999999999, 0.9999999999999999999999999999, 999999999999999999.9999999999, 9999999999.99, 99.99999999, 99999,
               9999999999999999999999999999.9999999999, 12345678901234567890.123456789012345678),
              (2, -9999999999999999999999999999, -0.9999999999999999999999999999, -999999999999999999.9999999999, -9999999999.99, -99.99999999, -99999,
               -9999999999999999999999999999.9999999999, -0.000000000000000001),
              (3, 0, 0, 0, 0, 0, 0, 0, 0),
              (4, -0, 0.0000000000000000000000000001, 0.0000000001, 0.01, 0.00000001, 1, 0.0000000001, 1.500000000000000000000000),
              (5, 10000, 0.1, 10000.0001, 100000000.00, 10.00000001, 10000, 1000000000000000000000000000.0000000001, 10000000000000000000),
              (6, 1234567890123456789012345678, 0.1234567890123456789012345678, 123456789012345678.1234567890, -1234567.89, -0.12345678, -12345,
               1234567890123456789012345678.1234567890, -98765.4321),
              (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """);
        await AssertSameThreeWaysAsync(t, 7, batchSize: 3);
        var raw = (await ReadAsync(t, Path.Raw)).ToDictionary(r => r["id"]!);
        Assert.Equal("9999999999999999999999999999", raw["1"]["full28"]);
        Assert.Equal("-0.9999999999999999999999999999", raw["2"]["frac"]);
        Assert.Equal("10000.0001000000", raw["5"]["mid"]);
        Assert.Equal("1.500000000000000000", raw["4"]["free"]);
    }

    /// <summary>Tuples larger than the reader's buffer, and many small ones across its refills, in batches that do not divide them.</summary>
    [Fact]
    public async Task LargeValuesAndManyRowsCrossTheBufferIntact()
    {
        string t = _pg.Table("big");
        await _pg.ExecuteAsync($"""
            CREATE TABLE {t} AS SELECT g AS id, md5(g::text) || repeat('é', g % 50) AS s, (g * 1.25)::numeric(12,2) AS n,
              CASE WHEN g % 7 = 0 THEN NULL ELSE timestamptz '2024-01-01Z' + g * interval '1 second' END AS ts,
              CASE WHEN g IN (3, 20000) THEN decode(repeat('ab', 1500000), 'hex') ELSE int4send(g) END AS b
            FROM generate_series(1, 30000) g
            """);
        await AssertSameThreeWaysAsync(t, 30_000, batchSize: 7_777);
    }

    /// <summary>
    /// Values no Delta column takes (infinities, dates and timestamps past year 9999 or before year 1, numeric NaN and
    /// infinity, more decimal places than the scale): the same bad-row error, naming row and column, both ways.
    /// </summary>
    [Theory]
    [InlineData("date", "'infinity'")]
    [InlineData("date", "'-infinity'")]
    [InlineData("date", "'10000-01-01'")]
    [InlineData("date", "'0001-12-31 BC'")]
    [InlineData("date", "'5874897-12-31'")]
    [InlineData("timestamp", "'infinity'")]
    [InlineData("timestamptz", "'-infinity'")]
    [InlineData("timestamp", "'10000-01-01 00:00:00'")]
    [InlineData("timestamptz", "'0001-12-31 23:59:59+00 BC'")]
    [InlineData("numeric(12,3)", "'NaN'")]
    [InlineData("numeric", "'NaN'")]
    [InlineData("numeric", "'Infinity'")]
    [InlineData("numeric", "0.0000000000000000001")]
    [InlineData("numeric", "'-Infinity'")]
    public async Task ValuesNoDeltaColumnTakesFailAlikeBothWays(string type, string value)
    {
        string t = _pg.Table("bad");
        await _pg.ExecuteAsync($"CREATE TABLE {t} (id int, x {type})");
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (1, NULL), (2, {value})");
        var raw = await Assert.ThrowsAsync<BadRowException>(() => ReadAsync(t, Path.Raw));
        var exporter = await Assert.ThrowsAsync<BadRowException>(() => ReadAsync(t, Path.Exporter));
        Assert.Equal(exporter.Message, raw.Message);
        Assert.Equal(2L, raw.Line);
        Assert.Equal("x", raw.Column);
        Assert.Contains("column 'x'", raw.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Timestamps past year 29,000: Npgsql's microseconds-to-ticks product wraps around there and the exporter gives
    /// some other timestamp; the raw decoder refuses them like any other timestamp past year 9999.
    /// </summary>
    [Theory]
    [InlineData("timestamp", "'294276-12-31 23:59:59'")]
    [InlineData("timestamptz", "'4713-01-01 00:00:00+00 BC'")]
    public async Task TimestampsFarOutsideDateTimeAreRefused(string type, string value)
    {
        string t = _pg.Table("far");
        await _pg.ExecuteAsync($"CREATE TABLE {t} (id int, x {type})");
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (1, {value})");
        var raw = await Assert.ThrowsAsync<BadRowException>(() => ReadAsync(t, Path.Raw));
        Assert.EndsWith("row 1, column 'x': Out of range of DateTime (year must be between 1 and 9999).", raw.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A reader that stops after its first batch cancels the COPY rather than reading it to its end: the rest of this
    /// query would take the server a minute and more (a sleep per row); the hang guard fails the test if it is read.
    /// </summary>
    [Fact]
    public async Task StoppingEarlyCancelsTheCopy()
    {
        var source = new SqlSource(Job(null, "SELECT g AS id FROM generate_series(1, 20000) g WHERE pg_sleep(0.005) IS NOT NULL") with { BatchSize = 50 });
        var schema = await source.GetSchemaAsync(default);
        int batches = 0;
        await Task.Run(async () =>
        {
            await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default))
            {
                Assert.Equal(50, batch.RowCount);
                batches++;
                break;
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, batches);
        Assert.True(source.ReadThroughRawCopy);
    }

    /// <summary>money (units set by lc_monetary) and a non-UTF-8 client encoding stay with the exporter, with the same values.</summary>
    [Fact]
    public async Task MoneyAndOtherClientEncodingsStayWithTheExporter()
    {
        string t = _pg.Table("fallback");
        await _pg.ExecuteAsync($"CREATE TABLE {t} (id int, m money, s text)");
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (1, -12.34, 'caf' || chr(233)), (2, NULL, NULL)");
        var source = new SqlSource(Job(t));
        var schema = await source.GetSchemaAsync(default);
        await foreach (var _ in source.ReadAsync(schema, null, null, true, null, default)) { }
        Assert.True(source.ReadThroughCopy && !source.ReadThroughRawCopy, "money should be read by the exporter");

        string text = _pg.Table("latin");
        await _pg.ExecuteAsync($"CREATE TABLE {text} (id int, s text)");
        await _pg.ExecuteAsync($"INSERT INTO {text} VALUES (1, 'caf' || chr(233)), (2, '')");
        var latin = new SqlSource(Job(text, connection: PgSchema.ConnectionString + ";Client Encoding=LATIN1;Encoding=ISO-8859-1"));
        var rows = new List<Row>();
        await foreach (var batch in latin.ReadAsync(await latin.GetSchemaAsync(default), null, null, true, null, default))
            for (int i = 0; i < batch.RowCount; i++) rows.Add(Rows.Parse(CanonicalJson.RowToString(batch, i)));
        Assert.True(latin.ReadThroughCopy && !latin.ReadThroughRawCopy, "a LATIN1 client encoding should send the read to the exporter");
        Rows.AssertSameByKey(await ReadAsync(text, Path.Raw), rows, "id", "LATIN1 read");
    }

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Header() => [.. "PGCOPY\n"u8, 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static byte[] Tuple(params byte[]?[] fields)
    {
        var bytes = new List<byte> { (byte)(fields.Length >> 8), (byte)fields.Length };
        foreach (var f in fields)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, f?.Length ?? -1);
            bytes.AddRange(length);
            if (f is not null) bytes.AddRange(f);
        }
        return [.. bytes];
    }

    private static readonly byte[] Trailer = [0xFF, 0xFF];

    private static async Task<List<string?[]>> ReadTuplesAsync(byte[] bytes, int chunk)
    {
        using var reader = new CopyTupleReader(new TrickleStream(bytes, chunk));
        var tuples = new List<string?[]>();
        int n;
        while ((n = await reader.NextAsync(default)) >= 0)
            tuples.Add(Enumerable.Range(0, n).Select(f => reader.IsNull(f) ? null : Convert.ToHexString(reader.Value(f))).ToArray());
        return tuples;
    }

    /// <summary>The framing read from a stream that hands out a few bytes per read: tuples, NULLs, empty values and the trailer.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public async Task TuplesAreFramedWhateverTheReadSizes(int chunk)
    {
        var tuples = await ReadTuplesAsync(Bytes(Header(), Tuple([1, 2], null, []), Tuple(new byte[3_000_000]), Tuple(), Trailer), chunk);
        Assert.Equal(3, tuples.Count);
        Assert.Equal(new string?[] { "0102", null, "" }, tuples[0].AsEnumerable());
        Assert.Equal(6_000_000, tuples[1][0]!.Length);
        Assert.Empty(tuples[2]);
    }

    /// <summary>A stream cut anywhere before its trailer, or bytes that are not COPY's format, fail with an error saying so.</summary>
    [Fact]
    public async Task TruncatedOrCorruptStreamsAreClearErrors()
    {
        var whole = Bytes(Header(), Tuple([1, 2, 3, 4], null), Tuple([5]), Trailer);
        for (int cut = 0; cut < whole.Length; cut++)
        {
            var e = await Assert.ThrowsAsync<EndOfStreamException>(() => ReadTuplesAsync(whole[..cut], 3));
            Assert.Contains("the COPY stream ended", e.Message, StringComparison.Ordinal);
        }
        var noSignature = Bytes("PGCOPX\n"u8.ToArray(), Header()[7..], Trailer);
        Assert.Contains("no PGCOPY signature", (await Assert.ThrowsAsync<InvalidDataException>(() => ReadTuplesAsync(noSignature, 64))).Message, StringComparison.Ordinal);
        var badLength = Bytes(Header(), [0, 1, 0xFF, 0xFF, 0xFF, 0xF0], Trailer);
        Assert.Contains("field 1 of length -16", (await Assert.ThrowsAsync<InvalidDataException>(() => ReadTuplesAsync(badLength, 64))).Message, StringComparison.Ordinal);
        var badCount = Bytes(Header(), [0xFF, 0xF0]);
        Assert.Contains("not in PostgreSQL's binary format", (await Assert.ThrowsAsync<InvalidDataException>(() => ReadTuplesAsync(badCount, 64))).Message, StringComparison.Ordinal);
        var badValue = Assert.Throws<InvalidDataException>(() => PostgresBinary.Micros([1, 2, 3]));
        Assert.Contains("3 bytes where 8 were expected", badValue.Message, StringComparison.Ordinal);
    }

    private static byte[] Numeric(short weight, ushort sign, short scale, params short[] digits)
    {
        var bytes = new byte[8 + 2 * digits.Length];
        BinaryPrimitives.WriteInt16BigEndian(bytes, (short)digits.Length);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(2), weight);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), sign);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(6), scale);
        for (int i = 0; i < digits.Length; i++) BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(8 + 2 * i), digits[i]);
        return bytes;
    }

    /// <summary>
    /// numeric's base-10000 digits to the unscaled value, on both sides of the 16-digit fast path: trailing groups cut
    /// by the display scale, large weights, leading zero groups, more places than PostgreSQL's own sends (refused).
    /// </summary>
    [Fact]
    public void NumericDigitsBecomeTheUnscaledValue()
    {
        static string Decode(byte[] value, int precision, int scale)
        {
            var type = new DecimalType(precision, scale);
            var column = (DecimalColumn)TypedColumn.Create(type, 1);
            PostgresBinary.AppendNumeric(value, column, type, "n");
            return column.GetValue(0)!.ToString()!;
        }
        Assert.Equal("12345.67", Decode(Numeric(1, 0, 2, 1, 2345, 6700), 12, 2));
        Assert.Equal("-1.2", Decode(Numeric(0, 0x4000, 1, 1, 2000), 5, 1));
        Assert.Equal("0.00", Decode(Numeric(0, 0, 2), 12, 2));
        Assert.Equal("0.00000001", Decode(Numeric(-2, 0, 8, 1), 10, 8));
        Assert.Equal("1000000000", Decode(Numeric(2, 0, 0, 10), 18, 0));
        Assert.Equal("1234567890123456789012345678", Decode(Numeric(6, 0, 0, 1234, 5678, 9012, 3456, 7890, 1234, 5678), 28, 0));
        Assert.Equal("-0.9999999999999999999999999999", Decode(Numeric(-1, 0x4000, 28, 9999, 9999, 9999, 9999, 9999, 9999, 9999), 28, 28));
        Assert.Equal("99999999.99999999", Decode(Numeric(1, 0, 8, 9999, 9999, 9999, 9999), 16, 8));
        Assert.Throws<InvalidDataException>(() => Decode(Numeric(0, 0, 1, 1, 2500), 5, 2));
        Assert.Throws<InvalidDataException>(() => Decode(Numeric(0, 0, 1, 1, 2, 3, 4, 5), 28, 2));
        Assert.Contains("does not fit decimal(5,2)", Assert.Throws<IngestException>(() => Decode(Numeric(1, 0, 2, 1, 2345, 6700), 5, 2)).Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that returns at most a few bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
