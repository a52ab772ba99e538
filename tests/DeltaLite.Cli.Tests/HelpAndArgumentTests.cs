namespace DeltaLite.Cli.Tests;

/// <summary>--help, --version and bad arguments: exit code 1 with a message, never a stack trace.</summary>
public sealed class HelpAndArgumentTests
{
    [Theory]
    [InlineData("generate")]
    [InlineData("create")]
    [InlineData("show")]
    [InlineData("export")]
    [InlineData("history")]
    [InlineData("describe")]
    [InlineData("checkpoint")]
    [InlineData("parquet cat")]
    public void Help_of_each_verb_has_usage_and_examples(string verb)
    {
        var result = Cli.Run([.. verb.Split(' '), "--help"]).Ok();
        Assert.Contains($"deltalite {verb}", result.Stdout);
        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains("Usage:", result.Stdout);
    }

    [Fact]
    public void Root_help_lists_the_verbs_and_exit_codes()
    {
        var result = Cli.Run("--help").Ok();
        foreach (var verb in new[] { "generate", "create", "show", "export", "history", "describe", "checkpoint", "parquet" })
            Assert.Contains("  " + verb, result.Stdout);
        Assert.Contains("Exit codes", result.Stdout);
    }

    [Fact]
    public void Version_prints_the_tool_version()
    {
        var result = Cli.Run("--version").Ok();
        Assert.StartsWith("0.1.0", result.Stdout.Trim());
    }

    [Fact]
    public void No_verb_is_a_user_error() => Cli.Run().Expect(1);

    [Theory]
    [InlineData("show", "--bogus")]
    [InlineData("export", "--format", "xml")]
    [InlineData("history", "--limit", "many")]
    [InlineData("show", "--version", "three")]
    [InlineData("nosuchverb")]
    public void Malformed_arguments_exit_with_1(params string[] args)
    {
        var result = Cli.Run([.. args.Take(1), "/tmp/whatever", .. args.Skip(1)]).Expect(1);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.NotEqual("", result.Stderr.Trim());
    }

    [Fact]
    public void Missing_table_argument_exits_with_1()
    {
        var result = Cli.Run("describe").Expect(1);
        Assert.Contains("Required argument missing", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_storage_scheme_is_a_user_error() =>
        Cli.Run("describe", "nosuch://bucket/table").UserError("No storage is registered for 'nosuch://'");

    [Fact]
    public async Task Version_and_as_of_together_are_refused()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        Cli.Run("show", table, "--version", "1", "--as-of", "2024-01-01").UserError("--version and --as-of cannot be used together");
    }

    [Theory]
    [InlineData("--version", "-1", "must not be negative")]
    [InlineData("--as-of", "yesterday", "is not a timestamp")]
    [InlineData("--where", "id = = 3", "cannot parse the filter")]
    [InlineData("--columns", "id,nope", "no column 'nope'")]
    [InlineData("--limit", "-5", "must not be negative")]
    public async Task Bad_option_values_are_user_errors(string option, string value, string message)
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        Cli.Run("show", table, option, value).UserError(message);
    }

    [Fact]
    public async Task Parquet_export_needs_an_output_file()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        Cli.Run("export", table, "--format", "parquet").UserError("--format parquet needs --out");
    }
}
