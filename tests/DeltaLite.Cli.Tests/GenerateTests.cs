using Microsoft.Data.Sqlite;

namespace DeltaLite.Cli.Tests;

/// <summary>`deltalite generate` into SQLite and CSV in a temp folder; progress lines; passwords never printed.</summary>
public sealed class GenerateTests
{
    private static long Count(string db, string table = "loans")
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public void Generate_into_sqlite_year_after_year()
    {
        using var dir = new TempDir();
        string db = dir.Combine("loans.db");
        string connection = $"Data Source={db}";
        var first = Cli.Run("generate", "--year", "2020", "--loans", "400", "--connection", connection).Ok();
        Assert.Contains("2020: 400 new loans (ids 100000001-100000400)", first.Stdout);
        Assert.Equal(400, Count(db));

        var second = Cli.Run("generate", "--year", "2021", "--loans", "300", "--connection", connection, "--json").Ok().Json();
        Assert.Equal(300, second.GetProperty("inserted").GetInt64());
        Assert.True(second.GetProperty("updated").GetInt64() > 0, "2021 updates some 2020 loans");
        Assert.Equal(2021, second.GetProperty("years")[0].GetProperty("year").GetInt32());
        Assert.Equal(700, Count(db));

        Cli.Run("generate", "--year", "2021", "--loans", "300", "--connection", connection).UserError("is not after the last generated year 2021");
        Assert.Equal(700, Count(db));
    }

    [Fact]
    public void Generate_csv_per_year_files_with_the_same_rows_for_the_same_seed()
    {
        using var dir = new TempDir();
        var a = Cli.Run("generate", "--year", "2020-2021", "--loans", "250", "--target", "csv", "--out", dir.Combine("a"), "--seed", "7", "--json").Ok().Json();
        Assert.Equal(500, a.GetProperty("inserted").GetInt64());
        Cli.Run("generate", "--year", "2020-2021", "--loans", "250", "--target", "csv", "--out", dir.Combine("b"), "--seed", "7").Ok();
        foreach (var year in new[] { 2020, 2021 })
        {
            string file = dir.Combine("a", $"loans_{year}.csv");
            Assert.True(File.Exists(file), file);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(dir.Combine("b", $"loans_{year}.csv")));
        }
        var lines = File.ReadAllLines(dir.Combine("a", "loans_2020.csv"));
        Assert.StartsWith("id,", lines[0]);
        Assert.Equal(251, lines.Length);

        Cli.Run("generate", "--year", "2020", "--target", "csv", "--out", dir.Combine("c"), "--csv-layout", "per-run", "--loans", "10").Ok();
        Assert.True(File.Exists(dir.Combine("c", "loans_2020.csv")));
    }

    [Fact]
    public void Generate_reports_progress_as_plain_lines_on_stderr_when_not_a_terminal()
    {
        using var dir = new TempDir();
        var result = Cli.Run(["generate", "--year", "2020", "--loans", "20000", "--target", "csv", "--out", dir.Path],
            new Dictionary<string, string> { ["DELTALITE_PROGRESS_INTERVAL"] = "0" }, null).Ok();
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("generate", StringComparison.Ordinal) && l.Contains("/ 20,000 rows", StringComparison.Ordinal) && l.Contains("rows/s", StringComparison.Ordinal));
        Assert.Matches(@"^generate: done, 20,000 rows in [0-9.]+ s", lines[^1]);
        Assert.DoesNotContain("\u001b[", result.Stderr + result.Stdout);
    }

    [Theory]
    [InlineData("--target", "oracle", "unknown target 'oracle'")]
    [InlineData("--loans", "-5", "--loans must not be negative")]
    [InlineData("--update-share", "2", "--update-share must be between 0 and 1")]
    [InlineData("--csv-layout", "weird", "unknown --csv-layout")]
    public void Bad_generator_arguments_are_user_errors(string option, string value, string message) =>
        Cli.Run("generate", "--year", "2020", option, value).UserError(message);

    [Fact]
    public void Csv_target_needs_an_output_folder() => Cli.Run("generate", "--year", "2020", "--target", "csv").UserError("--target csv needs --out");

    [Fact]
    public void Unreachable_database_is_a_user_error_without_the_password()
    {
        // (no progress line: on a loaded machine the 2-second one could come before the error)
        var result = Cli.Run(["generate", "--year", "2020", "--target", "postgres",
            "--connection", "Host=127.0.0.1;Port=1;Username=etl;Password=hunter2-secret;Database=src;Timeout=2"],
            new Dictionary<string, string> { ["DELTALITE_PROGRESS_INTERVAL"] = "3600" }, null).Expect(1);
        Assert.DoesNotContain("hunter2-secret", result.Stderr + result.Stdout);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
