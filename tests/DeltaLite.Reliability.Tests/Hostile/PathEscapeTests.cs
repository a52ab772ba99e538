using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Add actions whose path tries to leave the table folder (<c>..</c> segments, percent-encoded dots and slashes,
/// absolute paths and URIs elsewhere): every verb that follows the path refuses it with a clear error naming it, and
/// the file planted outside the table is neither read nor touched.
/// </summary>
public sealed class PathEscapeTests
{
    public static TheoryData<string> HostilePaths() =>
    [
        "../outside.parquet",
        "%2e%2e/outside.parquet",
        "%2E%2E%2Foutside.parquet",
        "region=x/../../outside.parquet",
        "region=x/%2e%2e/%2E%2E/outside.parquet",
        "./../outside.parquet",
        "<root>/outside.parquet",
        "file://<root>/outside.parquet",
        "<table>/../outside.parquet",
        "file://<table>/%2e%2e/outside.parquet",
    ];

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public async Task An_add_path_leaving_the_table_is_refused_and_the_outside_file_is_untouched(string hostile)
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

        foreach (var args in new[]
        {
            new[] { "export", t.Path, "--format", "jsonl" },
            ["show", t.Path],
            ["check", t.Path],
        })
        {
            var run = Cli.Run(args);
            Assert.DoesNotContain("\"id\":", run.Stdout); // no row of the outside file
            if (args[0] == "check")
            {
                // check reports problems as its result: it must name the path as one.
                Assert.NotEqual(0, run.ExitCode);
                Assert.NotEqual(3, run.ExitCode);
                Assert.Contains("outside.parquet", run.Stdout + run.Stderr);
                continue;
            }
            run.UserError("outside.parquet");
            Assert.Contains("version", run.Stderr);
        }
        HostileTable.AssertSameState(before, t.State(), hostile);
    }
}
