using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Each target creates its schema (primary key, index on updated_at) and holds the expected rows.</summary>
public sealed class TargetTests
{
    [Fact]
    public void Sqlite_creates_table_primary_key_and_updated_at_index()
    {
        using var dir = new TempFolder();
        var db = dir.File("l.db");
        Runs.Sqlite(db, 2020, 1234);
        Assert.Equal(1234, SqliteRows.Scalar(db, "SELECT count(*) FROM loans"));
        Assert.Equal(1, SqliteRows.Scalar(db, "SELECT count(*) FROM pragma_table_info('loans') WHERE name = 'id' AND pk = 1"));
        Assert.Equal(LoanSchema.Columns.Count, SqliteRows.Scalar(db, "SELECT count(*) FROM pragma_table_info('loans')"));
        Assert.Equal(1, SqliteRows.Scalar(db, "SELECT count(*) FROM pragma_index_list('loans') AS l JOIN pragma_index_info(l.name) AS i WHERE i.name = 'updated_at'"));
        // Decimals are declared DECIMAL(p,s) (so a SQL source knows their type); SQLite keeps them as numbers that are
        // exact to the cent, and dates and timestamps stay text in their declared DATE / TIMESTAMP columns.
        Assert.Equal(0, SqliteRows.Scalar(db, "SELECT count(*) FROM loans WHERE typeof(loan_amnt) NOT IN ('real', 'integer') OR typeof(int_rate) NOT IN ('real', 'integer') OR printf('%.2f', loan_amnt) * 1.0 <> loan_amnt"));
        Assert.Equal(1, SqliteRows.Scalar(db, "SELECT count(*) FROM pragma_table_info('loans') WHERE name = 'loan_amnt' AND type = 'DECIMAL(12,2)'"));
        Assert.Equal(0, SqliteRows.Scalar(db, "SELECT count(*) FROM loans WHERE typeof(issue_d) <> 'text' OR typeof(updated_at) <> 'text'"));
        Assert.Equal(0, SqliteRows.Scalar(db, "SELECT count(*) FROM loans WHERE typeof(id) <> 'integer' OR updated_at NOT LIKE '____-__-__ __:__:__'"));
    }

    [Fact]
    public void Sqlite_refuses_a_table_of_another_shape()
    {
        using var dir = new TempFolder();
        var db = dir.File("other.db");
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE loans (id INTEGER PRIMARY KEY, name TEXT)";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<LoanGeneratorException>(() => Runs.Sqlite(db, 2020, 10));
        Assert.Contains("not a loans table", e.Message);
    }

    [Fact]
    public void Csv_writes_header_rows_and_state_sidecar()
    {
        using var dir = new TempFolder();
        Runs.Csv(dir.Path, 2020, 321);
        var lines = File.ReadAllLines(dir.File("loans_2020.csv"));
        Assert.Equal(LoanSchema.CsvHeader, lines[0]);
        Assert.Equal(322, lines.Length);
        var state = File.ReadAllText(dir.File(".loangen-state.json"));
        Assert.Contains("\"lastYear\": 2020", state);
        Assert.Contains("loans_2020.csv", state);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public async Task Postgres_creates_schema_copies_rows_and_applies_updates()
    {
        var connection = Environment.GetEnvironmentVariable("DELTALITE_TEST_PG");
        Assert.False(string.IsNullOrEmpty(connection),
            "DELTALITE_TEST_PG is not set: run the tests through scripts/test.sh, which starts the PostgreSQL test server and sets it.");
        var table = "loangen_test_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            GenerateOptions Options(int year) => new()
            {
                Year = year, Loans = 2000, Target = LoanTargetKind.Postgres, Connection = connection, Table = table,
            };
            await LoanGeneration.GenerateAsync(Options(2020));
            var result = await LoanGeneration.GenerateAsync(Options(2021));
            Assert.True(result.Updated > 300);

            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync();
            async Task<long> Scalar(string sql)
            {
                await using var cmd = new NpgsqlCommand(sql, db);
                return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
            Assert.Equal(4000, await Scalar($"SELECT count(*) FROM \"{table}\""));
            Assert.Equal(4000, await Scalar($"SELECT count(DISTINCT id) FROM \"{table}\""));
            Assert.Equal(result.Updated, await Scalar($"SELECT count(*) FROM \"{table}\" WHERE issue_d < '2021-01-01' AND updated_at >= '2021-01-01T00:00:00Z'"));
            Assert.Equal(1, await Scalar($"SELECT count(*) FROM pg_indexes WHERE tablename = '{table}' AND indexdef LIKE '%(updated_at)%'"));
            Assert.Equal(1, await Scalar($"SELECT count(*) FROM information_schema.table_constraints WHERE table_name = '{table}' AND constraint_type = 'PRIMARY KEY'"));
            Assert.Equal(1, await Scalar($"SELECT count(*) FROM information_schema.columns WHERE table_name = '{table}' AND column_name = 'loan_amnt' AND data_type = 'numeric' AND numeric_scale = 2"));
            Assert.Equal(0, await Scalar($"SELECT count(*) FROM \"{table}\" WHERE total_pymnt <> total_rec_prncp + total_rec_int OR NOT (issue_d <= coalesce(last_pymnt_d, issue_d))"));

            var refused = await Assert.ThrowsAsync<LoanGeneratorException>(() => LoanGeneration.GenerateAsync(Options(2021)));
            Assert.Contains("2021", refused.Message);
        }
        finally
        {
            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS \"{table}\"", db);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

public sealed class NativeBinderTests
{
    [Fact]
    public void Native_sqlite_entry_points_resolve_to_the_loaded_library()
    {
        using var dir = new TempFolder();
        Runs.Sqlite(dir.File("n.db"), 2020, 10);
        Assert.True(DeltaLite.LoanGenerator.Targets.NativeSqliteBinder.Available);
    }
}
