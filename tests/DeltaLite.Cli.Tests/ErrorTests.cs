namespace DeltaLite.Cli.Tests;

/// <summary>A missing table, a version that does not exist and a corrupt log: exit code 1 and one line naming the problem.</summary>
public sealed class ErrorTests
{
    [Theory]
    [InlineData("show")]
    [InlineData("export")]
    [InlineData("history")]
    [InlineData("describe")]
    [InlineData("checkpoint")]
    public void Missing_table_is_one_error_line(string verb)
    {
        using var dir = new TempDir();
        string missing = dir.Combine("nothing-here");
        Cli.Run(verb, missing).UserError("no Delta table here");
        Directory.CreateDirectory(missing);
        Cli.Run(verb, missing).UserError("no Delta table here");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("export")]
    [InlineData("describe")]
    public async Task Version_after_the_latest_is_one_error_line(string verb)
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        Cli.Run(verb, table, "--version", "99").UserError("version 99 does not exist");
    }

    [Fact]
    public async Task Corrupt_commit_file_names_the_file_and_shows_no_stack_trace_unless_verbose()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        File.WriteAllText(Path.Combine(table, "_delta_log", "00000000000000000001.json"), "this is { not json\n");

        foreach (var verb in new[] { "show", "export", "describe", "history" })
            Cli.Run(verb, table).UserError("00000000000000000001.json");

        var verbose = Cli.Run("describe", table, "--verbose").Expect(1);
        Assert.StartsWith("error: ", verbose.Stderr);
        Assert.Contains("   at ", verbose.Stderr);

        // version 0 is before the damage and still reads
        Cli.Run("describe", table, "--version", "0").Ok();
    }

    [Fact]
    public async Task Truncated_data_file_is_a_user_error_naming_the_file()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var data = Directory.EnumerateFiles(table, "*.parquet", SearchOption.AllDirectories).First();
        var bytes = File.ReadAllBytes(data);
        File.WriteAllBytes(data, bytes[..(bytes.Length / 2)]);
        var result = Cli.Run("export", table).Expect(1);
        Assert.Contains(Path.GetFileName(data), result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Creating_over_an_existing_table_is_refused()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        Cli.Run("create", table, "--schema", "id long").UserError("already exists");
    }

    [Theory]
    [InlineData("id lon", "unknown type 'lon'")]
    [InlineData("id long, ", "expected a column name")]
    [InlineData("id decimal(40,2)", "precision must be 1..38")]
    [InlineData("id long not nul", "expected NULL after NOT")]
    [InlineData("a array<string", "expected '>'")]
    public void Bad_inline_schema_is_one_error_line(string schema, string message)
    {
        using var dir = new TempDir();
        Cli.Run("create", dir.Combine("t"), "--schema", schema).UserError(message);
        Assert.False(Directory.Exists(dir.Combine("t", "_delta_log")));
    }

    [Fact]
    public void Create_checks_partition_columns_and_properties()
    {
        using var dir = new TempDir();
        Cli.Run("create", dir.Combine("t"), "--schema", "id long", "--partition-by", "day").UserError("Partition column 'day' is not in the schema");
        Cli.Run("create", dir.Combine("t"), "--schema", "id long", "--property", "novalue").UserError("is not KEY=VALUE");
        Cli.Run("create", dir.Combine("t")).UserError("--schema");
        Cli.Run("create", dir.Combine("t"), "--schema-file", dir.Combine("missing.json")).UserError("does not exist");
        File.WriteAllText(dir.Combine("bad.json"), "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\"}]}");
        Cli.Run("create", dir.Combine("t"), "--schema-file", dir.Combine("bad.json")).UserError("not a Delta schema JSON");
    }
}
