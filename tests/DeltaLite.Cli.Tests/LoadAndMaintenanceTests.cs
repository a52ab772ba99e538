using System.Diagnostics;
using System.Xml.Linq;

namespace DeltaLite.Cli.Tests;

/// <summary>`ingest`, `diff`, `tag`/`tags`, `report`, `optimize`, `vacuum`, `restore` as a user runs them, and the demo script.</summary>
public sealed class LoadAndMaintenanceTests
{
    private static string[] Ingest(string table, string db) =>
        ["ingest", table, "--source", "sqlite", "--connection", $"Data Source={db}", "--source-table", "loans", "--watermark", "updated_at", "--key", "id", "--mode", "merge"];

    [Fact]
    public void Ingest_loads_only_new_rows_and_every_maintenance_verb_works_on_the_result()
    {
        using var dir = new TempDir();
        string db = dir.Combine("loans.db"), table = dir.Combine("table");
        Cli.Run("generate", "--year", "2020", "--loans", "300", "--connection", $"Data Source={db}").Ok();
        var first = Cli.Run([.. Ingest(table, db), "--json"]).Ok().Json();
        Assert.Equal("Committed", first.GetProperty("outcome").GetString());
        Assert.Equal(0, first.GetProperty("version").GetInt64());
        Assert.Equal(300, first.GetProperty("rowsInserted").GetInt64());

        var dry = Cli.Run([.. Ingest(table, db), "--dry-run", "--json"]).Ok().Json();
        Assert.Equal("NoNewRows", dry.GetProperty("outcome").GetString());

        Cli.Run("generate", "--year", "2021", "--loans", "200", "--connection", $"Data Source={db}").Ok();
        var second = Cli.Run(Ingest(table, db)).Ok();
        Assert.Matches(@"committed version 1 to .*: [\d,]+ rows read, 200 inserted, [1-9][\d,]* updated; watermark updated_at", second.Stdout);
        Assert.Contains("nothing to load", Cli.Run(Ingest(table, db)).Ok().Stdout);

        var history = Cli.Run("history", table, "--json").Ok().Json();
        Assert.Equal(2, history.GetArrayLength());
        Assert.Contains("updated_at", history[0].ToString());

        // diff by key: 200 inserts, and each updated loan as a pre/post image pair
        var changes = Cli.Run("diff", table, "--from", "0", "--to", "1", "--key", "id", "--format", "jsonl").Ok().JsonLines();
        Assert.Equal(200, changes.Count(c => c.GetProperty("_change_type").GetString() == "insert"));
        Assert.Equal(changes.Count(c => c.GetProperty("_change_type").GetString() == "update_preimage"),
            changes.Count(c => c.GetProperty("_change_type").GetString() == "update_postimage"));

        // tags name versions everywhere
        Cli.Run("tag", table, "loans-2020", "--version", "0", "--description", "first year").Ok();
        Assert.Equal("loans-2020", Cli.Run("tags", table, "--json").Ok().Json()[0].GetProperty("name").GetString());
        Assert.Equal(300, Cli.Run("export", table, "--version", "loans-2020", "--columns", "id", "--format", "jsonl").Ok().JsonLines().Count);
        Cli.Run("tag", table, "2020").UserError("all digits");
        Cli.Run("show", table, "--version", "no-such-tag").UserError("neither a version number nor a tag");

        string html = dir.Combine("report.html");
        Cli.Run("report", table, "--out", html).Ok();
        var doc = XDocument.Parse(File.ReadAllText(html));
        Assert.Contains("loans-2020", doc.ToString());

        // optimize has nothing to compact in one-file partitions; restore and vacuum
        Cli.Run("optimize", table).Ok();
        var restored = Cli.Run("restore", table, "--version", "loans-2020", "--json").Ok().Json().GetProperty("version").GetInt64();
        Assert.Equal(300, Cli.Run("export", table, "--version", restored.ToString(System.Globalization.CultureInfo.InvariantCulture), "--columns", "id", "--format", "jsonl").Ok().JsonLines().Count);
        var vacuum = Cli.Run("vacuum", table, "--retain", "0", "--force", "--dry-run", "--json").Ok().Json();
        Assert.True(vacuum.GetProperty("dryRun").GetBoolean());
        Cli.Run("vacuum", table, "--retain", "0").UserError("shorter than the table's");
    }

    [Fact]
    public async Task Check_finds_a_missing_file_a_wrong_size_and_a_gap_in_the_log_and_changes_nothing()
    {
        using var dir = new TempDir();
        string table = dir.Combine("t");
        Cli.Run("create", table, "--schema", TestTables.LoanColumns).Ok();
        for (int i = 0; i < 3; i++) await TestTables.AppendAsync(table, TestTables.Loans(i * 10, 10, "2024-01-0" + (i + 1)));
        var healthy = Cli.Run("check", table, "--json").Ok().Json();
        Assert.True(healthy.GetProperty("healthy").GetBoolean());
        Assert.Equal(3, healthy.GetProperty("filesChecked").GetInt32());

        var dataFiles = Directory.GetFiles(table, "*.parquet", SearchOption.AllDirectories).Where(f => !f.Contains("_delta_log")).Order().ToList();
        File.Delete(dataFiles[0]);
        await File.AppendAllTextAsync(dataFiles[1], "junk");
        var before = Directory.GetFiles(table, "*", SearchOption.AllDirectories).Order().ToList();
        var sick = Cli.Run("check", table).Expect(1);
        Assert.Contains("missing (version 3 references it)", sick.Stdout);
        Assert.Contains("bytes; the log records", sick.Stdout);
        Assert.Equal(before, Directory.GetFiles(table, "*", SearchOption.AllDirectories).Order().ToList());

        // A gap in the log: named, and the latest version is reported unreadable.
        File.Delete(Path.Combine(table, "_delta_log", "00000000000000000002.json"));
        var gap = Cli.Run("check", table).Expect(1);
        Assert.Contains("the log jumps from version 1 to 3", gap.Stdout);
        Assert.Contains("the latest version cannot be read", gap.Stdout);
    }

    [Fact]
    public void Ingest_reports_bad_arguments_in_one_line()
    {
        using var dir = new TempDir();
        Cli.Run("ingest", dir.Combine("t"), "--source", "oracle").UserError("--source must be");
        Cli.Run("ingest", dir.Combine("t"), "--source", "sqlite", "--connection", $"Data Source={dir.Combine("x.db")}", "--mode", "merge", "--source-table", "loans")
            .UserError("merge mode needs key columns");
        Cli.Run("ingest", dir.Combine("t"), "--source", "csv", "--path", dir.Combine("missing.csv")).UserError("no such file or folder");
    }

    [Fact]
    public async Task The_demo_script_shows_versions_0_and_1_with_the_expected_counts()
    {
        string root = DeltaLite.Parquet.Tests.Peers.DuckDbPeer.RepositoryRoot();
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        psi.ArgumentList.Add(Path.Combine(root, "scripts", "demo.sh"));
        psi.ArgumentList.Add("400");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(10)), "the demo did not finish in 10 minutes");
        Assert.True(p.ExitCode == 0, $"demo.sh failed ({p.ExitCode}):\n{stdout}\n{await stderr}");
        Assert.Contains("committed version 0", stdout);
        Assert.Contains("committed version 1", stdout);
        Assert.Contains("version 0: 400 rows (2020: 400)", stdout);
        Assert.Contains("version 1: 800 rows (2020: 400, 2021: 400)", stdout);
        Assert.Contains("nothing to load", stdout);
    }
}
