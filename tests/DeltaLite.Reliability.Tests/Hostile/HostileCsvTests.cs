using System.Text;
using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Hostile CSV through <c>deltalite ingest --source csv</c>: broken quoting, a file mixing UTF-8 and Latin-1 bytes, a
/// 50 MB field, a line without end. Each is a clear error naming the file and the line, or (the 50 MB field) loads
/// exactly; a failed run leaves the table as it was.
/// </summary>
public sealed class HostileCsvTests
{
    private static CliResult Ingest(HostileTable t, string path, params string[] extra) =>
        Cli.Run(["ingest", t.Path, "--source", "csv", "--path", path, .. extra]);

    /// <summary>A table loaded once from a good file, so failures can be checked to leave it untouched.</summary>
    private static HostileTable WithLoadedTable(string name)
    {
        var t = HostileTable.Create(name);
        string good = Path.Combine(t.Root, "good.csv");
        File.WriteAllText(good, "id,name\n1,alpha\n2,beta\n");
        Ingest(t, good).Ok();
        return t;
    }

    [Theory]
    [InlineData("id,name\n3,\"unterminated\n4,delta\n", 2)]
    [InlineData("id,name\n3,gamma\n4,de\"l\"ta\"\n", 3)]
    [InlineData("id,name\n3,\"gam\"ma\"\n", 2)]
    [InlineData("id,name\n3,gamma,extra\n", 2)]
    [InlineData("id,name\n3,\"open to the end", 2)]
    public void Broken_quoting_names_file_and_line_and_changes_nothing(string content, int line)
    {
        using var t = WithLoadedTable("quoting");
        string bad = Path.Combine(t.Root, "bad.csv");
        File.WriteAllText(bad, content);
        var before = t.State();
        var run = Ingest(t, bad).FailsClearly("bad.csv");
        Assert.Contains($"line {line}", run.Stderr);
        HostileTable.AssertSameState(before, t.State(), "a failed ingest");
    }

    [Fact]
    public void A_file_mixing_utf8_and_latin1_names_the_line_of_the_first_bad_byte()
    {
        using var t = WithLoadedTable("encoding");
        string bad = Path.Combine(t.Root, "mixed.csv");
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("id,name\n3,Zoë (UTF-8)\n4,日本\n"));
        for (int i = 5; i < 400; i++) bytes.AddRange(Encoding.UTF8.GetBytes($"{i},plain {i}\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("400,Zo"));
        bytes.Add(0xEB); // ë in Latin-1: not UTF-8
        bytes.AddRange(Encoding.UTF8.GetBytes(" (Latin-1)\n401,after\n"));
        File.WriteAllBytes(bad, bytes.ToArray());
        var before = t.State();
        var run = Ingest(t, bad).FailsClearly("mixed.csv");
        Assert.Contains("UTF-8", run.Stderr);
        Assert.Contains("line 399", run.Stderr);
        HostileTable.AssertSameState(before, t.State(), "a failed ingest");
    }

    [Fact]
    public async Task A_50_MB_field_loads_exactly()
    {
        using var t = HostileTable.Create("bigfield");
        string file = Path.Combine(t.Root, "big.csv");
        const int size = 50 << 20;
        using (var w = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            w.Write("id,blob\n1,\"");
            var chunk = new string('x', 1 << 20).ToCharArray();
            chunk[17] = ','; // a delimiter, a quote and a newline inside the quoted field
            chunk[99] = '\n';
            for (int i = 0; i < 50; i++) w.Write(chunk);
            w.Write("\"\n2,small\n");
        }
        try
        {
            Ingest(t, file).Ok();
            await using var table = await DeltaTable.OpenAsync(t.Path);
            var snapshot = await table.GetSnapshotAsync();
            long total = 0, rows = 0;
            await foreach (var batch in snapshot.ReadAsync(["blob"]))
            {
                for (int i = 0; i < batch.RowCount; i++)
                {
                    string? blob = batch.Columns[0].GetValue(i) as string;
                    Assert.NotNull(blob);
                    total += blob!.Length;
                    rows++;
                }
            }
            Assert.Equal(2, rows);
            Assert.Equal(size + "small".Length, total);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_line_without_end_is_a_clear_error()
    {
        using var t = WithLoadedTable("endless");
        string file = Path.Combine(t.Root, "endless.csv");
        // 80 MB on one line, no newline, no quote: more than any record may hold.
        using (var w = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            w.Write("id,name\n3,");
            var chunk = new string('y', 1 << 20);
            for (int i = 0; i < 80; i++) w.Write(chunk);
        }
        var before = t.State();
        try
        {
            var run = Ingest(t, file).FailsClearly("endless.csv");
            Assert.Contains("line 2", run.Stderr);
        }
        finally
        {
            File.Delete(file);
            before.Remove("endless.csv");
        }
        HostileTable.AssertSameState(before, t.State(), "a failed ingest");
    }
}
