using DeltaLite.Ingest.Sql;
using DeltaLite.Ingest.State;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// The SQL each dialect generates for every query shape, checked as text. No SQL Server runs here: this is how the SQL
/// Server dialect is tested (with its type mapping and parameter binding). Names are always quoted identifiers, so
/// injection attempts in table or column names end up as (nonexistent) identifiers.
/// </summary>
public sealed class SqlGenerationTests
{
    private static readonly SqlDialect Sqlite = SqlDialect.For(SourceKind.Sqlite), Postgres = SqlDialect.For(SourceKind.Postgres), SqlServer = SqlDialect.For(SourceKind.SqlServer);

    [Fact]
    public void SqlServerQueryShapes()
    {
        string src = SqlServer.Source("dbo.loans", null);
        Assert.Equal("[dbo].[loans]", src);
        Assert.Equal("SELECT MAX([updated_at]) FROM [dbo].[loans]", SqlServer.MaxWatermarkSql(src, "updated_at", rowVersion: false));
        Assert.Equal("SELECT CONVERT(bigint, MIN_ACTIVE_ROWVERSION()) - 1", SqlServer.MaxWatermarkSql(src, "rv", rowVersion: true));
        // First run: up to the high mark, plus the NULL marks; later runs: past the stored mark.
        Assert.Equal("SELECT * FROM [dbo].[loans] WHERE ([updated_at] <= @high OR [updated_at] IS NULL)",
            SqlServer.SelectSql(src, "updated_at", hasLow: false, hasHigh: true, includeNulls: true));
        Assert.Equal("SELECT * FROM [dbo].[loans] WHERE [updated_at] <= @high AND [updated_at] > @low",
            SqlServer.SelectSql(src, "updated_at", hasLow: true, hasHigh: true));
        Assert.Equal("SELECT * FROM [dbo].[loans] WHERE [updated_at] <= @high",
            SqlServer.SelectSql(src, "updated_at", hasLow: false, hasHigh: true));
        Assert.Equal("SELECT * FROM [dbo].[loans] WHERE CONVERT(bigint, [rv]) <= @high AND CONVERT(bigint, [rv]) > @low",
            SqlServer.SelectSql(src, "rv", hasLow: true, hasHigh: true, rowVersion: true));
        Assert.Equal("SELECT * FROM [dbo].[loans]", SqlServer.SelectSql(src, null, false, false));
        Assert.Equal("SELECT COUNT(*) FROM (SELECT * FROM [dbo].[loans] WHERE [updated_at] <= @high AND [updated_at] > @low) AS [c]",
            SqlServer.CountSql(src, "updated_at", hasLow: true, hasHigh: true));
        Assert.Equal("SELECT * FROM [dbo].[loans] WHERE 1 = 0", SqlServer.SchemaSql(src));
        Assert.Equal("@high", SqlServer.Parameter("high"));
    }

    [Fact]
    public void SqlServerQuoting()
    {
        Assert.Equal("[odd]]names]]]", SqlServer.QuoteIdentifier("odd]names]"));
        Assert.Equal("[odd]]names]", SqlServer.QualifiedName("[odd]]names]"));
        Assert.Equal("[sales db].[dbo].[loans 2020]", SqlServer.QualifiedName("[sales db].dbo.[loans 2020]"));
        Assert.Equal("[dbo].[a.b]", SqlServer.QualifiedName("dbo.\"a.b\""));
        Assert.Equal("[loans; DROP TABLE x]", SqlServer.QualifiedName("loans; DROP TABLE x"));
        Assert.Equal("[x]]; DROP TABLE y; --]", SqlServer.QualifiedName("[x]]; DROP TABLE y; --]"));
        Assert.Equal("SELECT MAX([w]]) FROM t; --]) FROM [t]", SqlServer.MaxWatermarkSql("[t]", "w]) FROM t; --", false));
        Assert.Throws<IngestException>(() => SqlServer.QualifiedName("a.b.c.d"));
        Assert.Throws<IngestException>(() => SqlServer.QualifiedName("[unclosed"));
        Assert.Throws<IngestException>(() => SqlServer.QualifiedName("a..b"));
    }

    [Theory]
    [InlineData("bit", null, null, "boolean")]
    [InlineData("tinyint", null, null, "short")]
    [InlineData("smallint", null, null, "short")]
    [InlineData("int", null, null, "integer")]
    [InlineData("bigint", null, null, "long")]
    [InlineData("decimal", 38, 10, "decimal(38,10)")]
    [InlineData("numeric", 9, 2, "decimal(9,2)")]
    [InlineData("money", null, null, "decimal(19,4)")]
    [InlineData("smallmoney", null, null, "decimal(10,4)")]
    [InlineData("real", null, null, "float")]
    [InlineData("float", null, null, "double")]
    [InlineData("date", null, null, "date")]
    [InlineData("datetime", null, null, "timestamp")]
    [InlineData("datetime2", null, null, "timestamp")]
    [InlineData("smalldatetime", null, null, "timestamp")]
    [InlineData("datetimeoffset", null, null, "timestamp")]
    [InlineData("uniqueidentifier", null, null, "string")]
    [InlineData("rowversion", null, null, "long")]
    [InlineData("timestamp", null, null, "long")]
    [InlineData("nvarchar", null, null, "string")]
    [InlineData("time", null, null, "string")]
    [InlineData("varbinary", null, null, "binary")]
    public void SqlServerTypeMapping(string type, int? precision, int? scale, string expected) =>
        Assert.Equal(expected, DeltaLite.Schema.DeltaSchema.TypeName(SqlServer.MapType("c", type, typeof(object), precision, scale)));

    [Fact]
    public void SqlServerRowVersionAndParameters()
    {
        Assert.True(SqlServer.IsRowVersion("timestamp"));
        Assert.True(SqlServer.IsRowVersion("rowversion"));
        Assert.False(SqlServer.IsRowVersion("datetime2"));
        // A rowversion read as 8 big-endian bytes is a long watermark.
        var rv = WatermarkValue.From(new byte[] { 0, 0, 0, 0, 0, 0, 0x07, 0xD1 })!;
        Assert.Equal(("long", "2001"), (rv.Kind, rv.Text));
        var p = new SqlParameter();
        SqlServer.BindParameter(p, rv, rowVersion: true, "timestamp");
        Assert.Equal(System.Data.SqlDbType.BigInt, p.SqlDbType);
        Assert.Equal(2001L, p.Value);
        // Timestamps as datetime2 (SqlClient would pick datetime, rounded to 1/300 s).
        var t = new SqlParameter();
        SqlServer.BindParameter(t, WatermarkValue.From(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567 % 10_000_000))!, false, "datetime2");
        Assert.Equal(System.Data.SqlDbType.DateTime2, t.SqlDbType);
        // datetimeoffset values are read as UTC instants.
        Assert.Equal(new DateTime(2024, 1, 2, 1, 4, 5, DateTimeKind.Utc), WatermarkValue.From(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)))!.Value);
        var d = new SqlParameter();
        SqlServer.BindParameter(d, WatermarkValue.Parse("date", "2024-02-29"), false, "date");
        Assert.Equal(new DateTime(2024, 2, 29), d.Value);
    }

    [Fact]
    public void WideDecimalsAreSelectedAsText()
    {
        var schema = new Parquet.Schema([new Field("id", DataType.Int64), new Field("big", new DecimalType(38, 10)), new Field("small", new DecimalType(12, 2))]);
        Assert.Equal("[id], CONVERT(varchar(48), [big]) AS [big], [small]", SqlServer.SelectList(schema));
        Assert.Equal("\"id\", \"big\"::text AS \"big\", \"small\"", Postgres.SelectList(schema));
        Assert.Equal("*", Sqlite.SelectList(schema));
        var narrow = new Parquet.Schema([new Field("id", DataType.Int64), new Field("small", new DecimalType(28, 2))]);
        Assert.Equal("*", Postgres.SelectList(narrow));
        Assert.Equal("SELECT \"id\", \"big\"::text AS \"big\", \"small\" FROM \"t\" WHERE \"w\" <= @high",
            Postgres.SelectSql("\"t\"", "w", false, true, selectList: Postgres.SelectList(schema)));
    }

    [Theory]
    [InlineData(SourceKind.Sqlite)]
    [InlineData(SourceKind.Postgres)]
    public void SqliteAndPostgresQueryShapes(SourceKind kind)
    {
        var dialect = SqlDialect.For(kind);
        string src = dialect.Source("main.loans", null);
        Assert.Equal("\"main\".\"loans\"", src);
        Assert.Equal("(SELECT id, ts FROM events WHERE id > 0) AS \"src\"", dialect.Source(null, "SELECT id, ts FROM events WHERE id > 0"));
        Assert.Equal("SELECT MAX(\"updated_at\") FROM \"main\".\"loans\"", dialect.MaxWatermarkSql(src, "updated_at", false));
        Assert.Equal("SELECT * FROM \"main\".\"loans\" WHERE (\"updated_at\" <= @high OR \"updated_at\" IS NULL)",
            dialect.SelectSql(src, "updated_at", hasLow: false, hasHigh: true, includeNulls: true));
        Assert.Equal("SELECT * FROM \"main\".\"loans\" WHERE \"updated_at\" <= @high AND \"updated_at\" > @low",
            dialect.SelectSql(src, "updated_at", hasLow: true, hasHigh: true));
        Assert.Equal("SELECT * FROM \"main\".\"loans\" WHERE \"updated_at\" IS NOT NULL", dialect.SelectSql(src, "updated_at", false, false));
        Assert.Equal("SELECT * FROM \"main\".\"loans\"", dialect.SelectSql(src, "updated_at", false, false, includeNulls: true));
        Assert.Equal("SELECT COUNT(*) FROM (SELECT * FROM \"main\".\"loans\" WHERE \"updated_at\" <= @high) AS \"c\"",
            dialect.CountSql(src, "updated_at", hasLow: false, hasHigh: true));
        Assert.Equal("SELECT * FROM \"main\".\"loans\" WHERE 1 = 0", dialect.SchemaSql(src));
        Assert.Equal("\"odd\"\"name\"", dialect.QuoteIdentifier("odd\"name"));
        Assert.Equal("\"loans; DROP TABLE x\"", dialect.QualifiedName("loans; DROP TABLE x"));
        Assert.Equal("\"x\"\"; DROP TABLE y; --\"", dialect.QualifiedName("\"x\"\"; DROP TABLE y; --\""));
    }

    [Theory]
    [InlineData("timestamp without time zone", DateTimeKind.Unspecified)]
    [InlineData("timestamp with time zone", DateTimeKind.Utc)]
    public void PostgresBindsTimestampWatermarksByColumnType(string columnType, DateTimeKind kind)
    {
        var p = new NpgsqlParameter();
        Postgres.BindParameter(p, WatermarkValue.Parse("timestamp", "2024-01-02T03:04:05.123456Z"), false, columnType);
        var value = Assert.IsType<DateTime>(p.Value);
        Assert.Equal(kind, value.Kind);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(1234560), DateTime.SpecifyKind(value, DateTimeKind.Unspecified));
    }

    [Theory]
    [InlineData("Server=db.example;Database=sales;User Id=sa;Password=hunter2;Encrypt=true", "sqlserver:db.example/sales")]
    [InlineData("Server=db.example;Database=sales;Authentication=Active Directory Service Principal;User Id=app;Pwd=hunter2", "sqlserver:db.example/sales")]
    public void SqlServerDescriptionsHoldNoSecret(string connection, string expected) => Assert.Equal(expected, SqlServer.Describe(connection));

    /// <summary>Injection attempts against a real SQLite database: quoted as identifiers, they fail as unknown names; nothing is dropped.</summary>
    [Theory]
    [InlineData("loans; DROP TABLE x", null)]
    [InlineData("loans\"; DROP TABLE x; --", null)]
    [InlineData("loans", "ts) FROM loans; DROP TABLE x; --")]
    [InlineData("loans", "ts\"; DROP TABLE x; --")]
    public async Task InjectionAttemptsFailAsUnknownNames(string table, string? watermark)
    {
        using var dir = new TempDir();
        string db = dir.Sqlite();
        SqliteDb.Execute(db, "CREATE TABLE loans (id INTEGER, ts TIMESTAMP); CREATE TABLE x (a INTEGER); INSERT INTO loans VALUES (1, '2024-01-01 00:00:00')");
        var job = new IngestJob
        {
            Source = SourceKind.Sqlite, Connection = db, Table = table, WatermarkColumn = watermark ?? "ts", Target = dir["table"], SourceId = "inj",
        };
        var e = await Assert.ThrowsAsync<IngestException>(() => IngestRunner.RunAsync(job));
        Assert.True(e.Message.Contains("no table", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("no such", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("not in the source", StringComparison.OrdinalIgnoreCase), e.Message);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(db);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('loans', 'x')";
        Assert.Equal(2L, command.ExecuteScalar());
        Assert.False(Directory.Exists(dir["table"]) && Directory.EnumerateFiles(dir["table"], "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a b")]
    [InlineData("")]
    public async Task SourceIdsAreChecked(string id)
    {
        using var dir = new TempDir();
        var job = new IngestJob { Source = SourceKind.Sqlite, Connection = dir.Sqlite(), Table = "t", Target = dir["table"], SourceId = id };
        if (id.Length == 0) Assert.Equal("sqlite.t", IngestRunner.SourceIdOf(job));
        else await Assert.ThrowsAsync<IngestException>(() => IngestRunner.RunAsync(job));
    }
}
