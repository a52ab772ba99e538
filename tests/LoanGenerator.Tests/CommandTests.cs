namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Bad arguments end with one line on stderr, a non-zero exit and no stack trace or password.</summary>
public sealed class CommandTests
{
    private static void AssertOneLineError(int code, string err, string expected)
    {
        Assert.Equal(GeneratorCommand.ExitUserError, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", err);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData(new[] { "--year", "2020", "--target", "oracle" }, "unknown target 'oracle'")]
    [InlineData(new[] { "--year", "2020", "--loans", "-5" }, "--loans must not be negative (got -5)")]
    [InlineData(new[] { "--loans", "5" }, "--year is required")]
    [InlineData(new[] { "--year", "20x0" }, "--year '20x0' is not a whole number")]
    [InlineData(new[] { "--year", "2020", "--update-share", "1.5" }, "--update-share must be between 0 and 1")]
    [InlineData(new[] { "--year", "2020", "--colour", "red" }, "unknown argument '--colour'")]
    [InlineData(new[] { "--year", "2020", "--target", "csv" }, "--target csv needs --out DIR")]
    [InlineData(new[] { "--year", "2020", "--target", "postgres" }, "--target postgres needs --connection")]
    [InlineData(new[] { "--year", "2020", "--table", "x;y" }, "--table 'x;y' must be")]
    [InlineData(new[] { "--year", "2020", "--csv-layout", "per-day" }, "unknown --csv-layout 'per-day'")]
    [InlineData(new[] { "--year", "2022-2020" }, "must not end before it starts")]
    public void Bad_arguments_give_one_line_and_exit_1(string[] args, string expected)
    {
        var (code, _, err) = Runs.Command(args);
        AssertOneLineError(code, err, expected);
    }

    [Fact]
    public void Year_before_the_last_generated_year_is_refused()
    {
        using var dir = new TempFolder();
        var conn = $"Data Source={dir.File("l.db")}";
        Assert.Equal(0, Runs.Command("--year", "2021", "--loans", "50", "--connection", conn, "--quiet").Code);
        var (code, _, err) = Runs.Command("--year", "2020", "--loans", "50", "--connection", conn);
        AssertOneLineError(code, err, "year 2020 is not after the last generated year 2021");
    }

    [Fact]
    public void Csv_year_before_the_last_generated_year_is_refused()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, Runs.Command("--year", "2021", "--loans", "50", "--target", "csv", "--out", dir.Path, "--quiet").Code);
        var (code, _, err) = Runs.Command("--year", "2021", "--loans", "50", "--target", "csv", "--out", dir.Path);
        AssertOneLineError(code, err, "year 2021 is not after the last generated year 2021");
    }

    [Fact]
    public void Unreachable_postgres_is_one_line_without_the_password()
    {
        var (code, _, err) = Runs.Command("--year", "2020", "--target", "postgres",
            "--connection", "Host=127.0.0.1;Port=1;Username=loans;Password=s3cr3t-pw;Timeout=3");
        AssertOneLineError(code, err, "cannot connect to PostgreSQL");
        Assert.DoesNotContain("s3cr3t-pw", err);
        Assert.Contains("password=***", err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unreachable_sqlserver_is_one_line_without_the_password()
    {
        var (code, _, err) = Runs.Command("--year", "2020", "--target", "sqlserver",
            "--connection", "Server=tcp:127.0.0.1,1;User Id=sa;Password=s3cr3t-pw;Connect Timeout=3;ConnectRetryCount=0");
        AssertOneLineError(code, err, "cannot connect to SQL Server");
        Assert.DoesNotContain("s3cr3t-pw", err);
    }

    [Fact]
    public void Unopenable_sqlite_file_is_one_line()
    {
        var (code, _, err) = Runs.Command("--year", "2020", "--connection", "Data Source=/nonexistent-loangen-dir/sub/loans.db");
        AssertOneLineError(code, err, "cannot open SQLite database '/nonexistent-loangen-dir/sub/loans.db'");
    }

    [Fact]
    public void Success_prints_a_summary_per_year()
    {
        using var dir = new TempFolder();
        var (code, output, err) = Runs.Command("--year=2020-2021", "--loans=100", "--target", "csv", "--out", dir.Path, "--seed", "9");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.StartsWith("2020: 100 new loans (ids 100000001-100000100), 0 earlier loans updated\n2021: 100 new loans (ids 100000101-100000200), ", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Parse_binds_every_flag()
    {
        var (o, quiet) = GeneratorCommand.Parse(["--year", "2019-2020", "--loans", "7", "--seed", "-3", "--update-share", "0.25", "--table", "l2",
            "--target", "csv", "--out", "d", "--csv-layout", "per-run", "--quiet"]);
        Assert.Equal(new GenerateOptions
        {
            Year = 2019, ThroughYear = 2020, Loans = 7, Seed = -3, UpdateShare = 0.25, Table = "l2", Target = LoanTargetKind.Csv,
            OutputDirectory = "d", CsvLayout = CsvLayout.PerRun,
        }, o);
        Assert.True(quiet);
    }

    [Fact]
    public void Redact_hides_every_password_form()
    {
        Assert.Equal("host=h;password=***", ConnectionStrings.Redact("Host=h;Password=abc"));
        Assert.DoesNotContain("abc", ConnectionStrings.Redact("Server=s;PWD=abc;User ID=u"));
        Assert.DoesNotContain("abc", ConnectionStrings.Redact("Server=s;Pwd='a;bc'"));
        Assert.Equal("(unparsable connection string)", ConnectionStrings.Redact("Password=\"abc"));
    }
}
