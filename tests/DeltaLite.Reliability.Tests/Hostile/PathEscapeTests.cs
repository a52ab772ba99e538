using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Add actions whose path tries to leave the table folder (<c>..</c> segments, percent-encoded dots and slashes,
/// absolute paths and URIs elsewhere): reading refuses it with a Delta error naming the path and the version, the
/// table check reports it as a problem, and the file planted outside the table is neither read nor touched. Every
/// path in-process; three of them through the CLI's export and check as well.
/// </summary>
public sealed class PathEscapeTests
{
    public static TheoryData<string, bool> HostilePaths() => new()
    {
        { "../outside.parquet", true },
        { "%2e%2e/outside.parquet", true },
        { "%2E%2E%2Foutside.parquet", false },
        { "region=x/../../outside.parquet", false },
        { "region=x/%2e%2e/%2E%2E/outside.parquet", false },
        { "./../outside.parquet", false },
        { "<root>/outside.parquet", true },
        { "file://<root>/outside.parquet", false },
        { "<table>/../outside.parquet", false },
        { "file://<table>/%2e%2e/outside.parquet", false },
    };

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public async Task An_add_path_leaving_the_table_is_refused_and_the_outside_file_is_untouched(string hostile, bool throughCli)
    {
        using var t = HostileTable.Create("escape");
        await t.BuildAsync(commits: 1, rowsPerCommit: 10);
        // A valid data file outside the table, with rows that must never show up.
        string inside = (await t.DataFilesAsync()).Single();
        string outside = Path.Combine(t.Root, "outside.parquet");
        File.Copy(inside, outside);
        string path = hostile.Replace("<root>", t.Root, StringComparison.Ordinal).Replace("<table>", t.Path, StringComparison.Ordinal);
        t.EditAdds(1, add => add["path"] = path);
        var before = t.State();

        await using (var table = await DeltaTable.OpenAsync(t.Path))
        {
            var snapshot = await table.GetSnapshotAsync();
            var e = await Assert.ThrowsAsync<DeltaLogException>(() => HostileTable.ReadRowsAsync(snapshot));
            Assert.Contains("outside.parquet", e.Message);
            Assert.Contains("version 1", e.Message);
            var check = await table.CheckAsync();
            Assert.Contains(check.Problems, p => p.What.Contains("outside.parquet", StringComparison.Ordinal) || p.Where.Contains("outside.parquet", StringComparison.Ordinal));
        }
        if (throughCli)
        {
            var export = Cli.Run("export", t.Path, "--format", "jsonl");
            Assert.DoesNotContain("\"id\":", export.Stdout); // no row of the outside file
            export.UserError("outside.parquet");
            var check = Cli.Run("check", t.Path);
            Assert.Equal(1, check.ExitCode); // check reports problems as its result, naming the path
            Assert.Contains("outside.parquet", check.Stdout + check.Stderr);
        }
        HostileTable.AssertSameState(before, t.State(), hostile);
    }
}
