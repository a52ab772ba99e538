using System.IO.Compression;
using System.Text;
using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>CSV sources: parsing (quotes, newlines, BOM, gzip), bad rows, incremental by file and by watermark, schemas, cultures.</summary>
public sealed class CsvTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Input(string name = "in") => Directory.CreateDirectory(_dir[name]).FullName;

    private static void Write(string path, string text, bool bom = false) =>
        File.WriteAllText(path, text, new UTF8Encoding(bom));

    private IngestJob Job(string path, IngestMode mode = IngestMode.Append) => new()
    {
        Source = SourceKind.Csv, Path = path, Target = _dir["table"], Mode = mode, SourceId = "csv",
        KeyColumns = mode == IngestMode.Merge ? ["id"] : [],
    };

    private async Task<List<Row>> TableAsync() =>
        (await Rows.ReadTableAsync(_dir["table"])).OrderBy(r => r["id"] is { } id ? long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) : long.MinValue).ToList();

    private async Task<Parquet.Schema> SchemaAsync()
    {
        await using var table = await DeltaTable.OpenAsync(_dir["table"]);
        return (await table.GetSnapshotAsync()).Schema;
    }

    private static string TypeOf(Parquet.Schema schema, string column) => DeltaLite.Schema.DeltaSchema.TypeName(schema[schema.IndexOf(column)].Type);

    [Fact]
    public async Task QuotesNewlinesAndBom()
    {
        string file = Path.Combine(Input(), "quotes.csv");
        Write(file, "id,text,amount\r\n"
            + "1,\"comma, inside\",1.50\r\n"
            + "2,\"say \"\"hi\"\"\",2.00\r\n"
            + "3,\"line one\nline two\r\nline three\",3.25\r\n"
            + "4,plain,4.00\r\n"
            + "5,\"\",\r\n"
            + "6,日本語 🦄,6.00\r\n", bom: true);
        var result = await IngestRunner.RunAsync(Job(file));
        Assert.Equal(6, result.RowsRead);
        var schema = await SchemaAsync();
        Assert.Equal("id", schema[0].Name); // the BOM is not part of the first header name
        var rows = await TableAsync();
        Assert.Equal(["comma, inside", "say \"hi\"", "line one\nline two\r\nline three", "plain", null, "日本語 🦄"], rows.Select(r => r["text"]));
        Assert.Equal(["1.50", "2.00", "3.25", "4.00", null, "6.00"], rows.Select(r => r["amount"]));
    }

    [Fact]
    public async Task GzipFilesReadLikePlainOnes()
    {
        string folder = Input();
        Write(Path.Combine(folder, "a.csv"), "id,v\n1,one\n2,two\n");
        using (var gz = new GZipStream(File.Create(Path.Combine(folder, "b.csv.gz")), CompressionLevel.Optimal))
            gz.Write(Encoding.UTF8.GetBytes("id,v\n3,\"three\nlines\"\n4,four\n"));
        var result = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal(["a.csv", "b.csv.gz"], result.FilesLoaded);
        Assert.Equal(["one", "two", "three\nlines", "four"], (await TableAsync()).Select(r => r["v"]));
    }

    /// <summary>A bad value stops the run naming the file, the line (physical, after an embedded newline) and the column; nothing is committed.</summary>
    [Fact]
    public async Task BadRowFailsNamingFileLineAndColumn()
    {
        string file = Path.Combine(Input(), "bad.csv");
        Write(file, "id,note,amount\n1,\"two\nlines\",1.00\n2,ok,2.00\n3,ok,12x.00\n4,ok,4.00\n");
        var job = Job(file) with { SchemaFile = WriteSchema("id long\nnote string\namount decimal(10,2)\n") };
        var e = await Assert.ThrowsAsync<BadRowException>(() => IngestRunner.RunAsync(job));
        Assert.Equal(file, e.File);
        Assert.Equal(5, e.Line);
        Assert.Equal("amount", e.Column);
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains("line 5", e.Message);
        Assert.Contains("'amount'", e.Message);
        Assert.Contains("12x.00", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir["table"], "_delta_log")), "a failed run must not commit");
    }

    /// <summary>Quarantine: bad rows (a bad value, a ragged row) go to the rejects file with their reason; the rest is loaded.</summary>
    [Fact]
    public async Task QuarantineWritesRejectsWithReasonsAndContinues()
    {
        string file = Path.Combine(Input(), "mixed.csv");
        Write(file, "id,amount,day\n1,1.00,2024-01-01\n2,oops,2024-01-02\n3,3.00,2024-01-03,extra\n4,4.00,2024-02-30\n5,5.00,2024-01-05\n");
        string rejects = _dir["rejects.csv"];
        var job = Job(file) with { BadRows = BadRowPolicy.Quarantine, RejectsPath = rejects, SchemaFile = WriteSchema("id long not null\namount decimal(10,2)\nday date\n") };
        var result = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.Committed, result.Outcome);
        Assert.Equal(2, result.RowsRead);
        Assert.Equal(3, result.RejectedRows);
        Assert.Equal(rejects, result.RejectsFile);
        Assert.Equal(["1", "5"], (await TableAsync()).Select(r => r["id"]));
        var lines = File.ReadAllLines(rejects);
        Assert.Equal("file,line,column,reason,record", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("\"mixed.csv\",3,\"amount\",", StringComparison.Ordinal) && l.Contains("oops", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("\"mixed.csv\",4,", StringComparison.Ordinal) && l.Contains("number of fields", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("\"mixed.csv\",5,\"day\",", StringComparison.Ordinal) && l.Contains("not a date", StringComparison.Ordinal));
    }

    /// <summary>Without a rejects path, rejects go beside the (local) table, not into the current folder.</summary>
    [Fact]
    public async Task DefaultRejectsFileIsBesideTheTable()
    {
        string file = Path.Combine(Input(), "x.csv");
        Write(file, "id,n\n1,1\n2,two\n");
        var result = await IngestRunner.RunAsync(Job(file) with { BadRows = BadRowPolicy.Quarantine, SchemaFile = WriteSchema("id long\nn long\n") });
        Assert.Equal(1, result.RejectedRows);
        Assert.NotNull(result.RejectsFile);
        Assert.StartsWith(_dir.Path, Path.GetFullPath(result.RejectsFile!));
        Assert.True(File.Exists(result.RejectsFile));
    }

    [Fact]
    public async Task ANewFileIsLoadedOnceAndAModifiedOneIsReportedNotReloaded()
    {
        string folder = Input();
        Write(Path.Combine(folder, "a.csv"), "id,v\n1,a\n2,a\n");
        var first = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal((IngestOutcome.Committed, 0L), (first.Outcome, first.Version!.Value));
        Assert.Equal(["a.csv"], first.FilesLoaded);

        Write(Path.Combine(folder, "b.csv"), "id,v\n3,b\n");
        var second = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal((IngestOutcome.Committed, 1L), (second.Outcome, second.Version!.Value));
        Assert.Equal(["b.csv"], second.FilesLoaded);
        Assert.Equal(1, second.RowsRead);

        var third = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal(IngestOutcome.NoNewRows, third.Outcome);
        Assert.Equal(1, third.Version);
        Assert.Empty(third.FilesLoaded);

        // a.csv changes after it was loaded: reported, not reloaded.
        File.AppendAllText(Path.Combine(folder, "a.csv"), "9,late\n");
        var fourth = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal(IngestOutcome.NoNewRows, fourth.Outcome);
        Assert.Equal(["a.csv"], fourth.ModifiedFiles);
        Assert.Contains("a.csv", fourth.Message);
        Assert.Equal(["1", "2", "3"], (await TableAsync()).Select(r => r["id"]));

        // Reported again alongside new files.
        Write(Path.Combine(folder, "c.csv"), "id,v\n4,c\n");
        var fifth = await IngestRunner.RunAsync(Job(folder));
        Assert.Equal(["c.csv"], fifth.FilesLoaded);
        Assert.Equal(["a.csv"], fifth.ModifiedFiles);
        Assert.Equal(["1", "2", "3", "4"], (await TableAsync()).Select(r => r["id"]));
        await using var table = await DeltaTable.OpenAsync(_dir["table"]);
        Assert.Equal(2, await table.GetLatestVersionAsync());
    }

    [Fact]
    public async Task GlobSelectsFiles()
    {
        string folder = Input();
        Write(Path.Combine(folder, "loans_1.csv"), "id\n1\n");
        Write(Path.Combine(folder, "loans_2.csv"), "id\n2\n");
        Write(Path.Combine(folder, "other.csv"), "id\n3\n");
        var result = await IngestRunner.RunAsync(Job(Path.Combine(folder, "loans_*.csv")));
        Assert.Equal(["loans_1.csv", "loans_2.csv"], result.FilesLoaded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SchemaFileInBothFormsIsEnforced(bool json)
    {
        string schema = json
            ? WriteSchema("""
                {"type":"struct","fields":[
                  {"name":"id","type":"long","nullable":false,"metadata":{}},
                  {"name":"amount","type":"decimal(10,2)","nullable":true,"metadata":{}},
                  {"name":"code","type":"string","nullable":true,"metadata":{}},
                  {"name":"n","type":"integer","nullable":true,"metadata":{}}]}
                """)
            : WriteSchema("# loans\nid long not null\namount decimal(10,2)\ncode string   # kept as text\nn integer\n");
        string file = Path.Combine(Input(), "s.csv");
        Write(file, "id,amount,code,n\n1,10.5,007,42\n2,,010,\n");
        await IngestRunner.RunAsync(Job(file) with { SchemaFile = schema });
        var s = await SchemaAsync();
        Assert.Equal(["long", "decimal(10,2)", "string", "integer"], s.Fields.Select(f => DeltaLite.Schema.DeltaSchema.TypeName(f.Type)));
        Assert.False(s[0].Nullable);
        var rows = await TableAsync();
        Assert.Equal(["007", "010"], rows.Select(r => r["code"])); // inference would have made these numbers
        Assert.Equal(["10.50", null], rows.Select(r => r["amount"]));

        // Enforced: an empty value in a NOT NULL column, too many decimals, a non-integer.
        foreach (var (name, line) in new[] { ("e1.csv", ",1.00,x,1"), ("e2.csv", "3,1.234,x,1"), ("e3.csv", "3,1.00,x,1.5") })
        {
            string bad = Path.Combine(_dir["in"], name);
            Write(bad, "id,amount,code,n\n" + line + "\n");
            var e = await Assert.ThrowsAsync<BadRowException>(() => IngestRunner.RunAsync(Job(bad) with { SchemaFile = schema, Target = _dir["t-" + name] }));
            Assert.Equal(2, e.Line);
            Assert.Equal(name == "e1.csv" ? "id" : name == "e2.csv" ? "amount" : "n", e.Column);
        }
    }

    [Fact]
    public async Task BadSchemaFilesAreReported()
    {
        string file = Path.Combine(Input(), "s.csv");
        Write(file, "id\n1\n");
        var e = await Assert.ThrowsAsync<IngestException>(() => IngestRunner.RunAsync(Job(file) with { SchemaFile = WriteSchema("id long\namount money\n") }));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("money", e.Message);
    }

    [Fact]
    public async Task InferenceOfIntsDecimalsDatesTimestampsBooleansAndStrings()
    {
        string file = Path.Combine(Input(), "infer.csv");
        Write(file, "i,d,day,ts,b,s,mixed,empty\n"
            + "1,1.5,2024-01-01,2024-01-01T10:00:00Z,true,abc,1,\n"
            + "-20,-12.25,2024-12-31,2024-01-01 10:00:00,FALSE,007,x,\n"
            + "300,3,2024-02-29,2024-06-30T23:59:59.123456Z,True,,2.5,\n");
        await IngestRunner.RunAsync(Job(file));
        var schema = await SchemaAsync();
        Assert.Equal("long", TypeOf(schema, "i"));
        Assert.Matches(@"^decimal\(\d+,2\)$", TypeOf(schema, "d"));
        Assert.Equal("date", TypeOf(schema, "day"));
        Assert.Equal("timestamp", TypeOf(schema, "ts"));
        Assert.Equal("boolean", TypeOf(schema, "b"));
        Assert.Equal("string", TypeOf(schema, "s"));
        Assert.Equal("string", TypeOf(schema, "mixed"));
        Assert.Equal("string", TypeOf(schema, "empty"));
        var rows = (await Rows.ReadTableAsync(_dir["table"])).OrderBy(r => long.Parse(r["i"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(["-12.25", "1.50", "3.00"], rows.Select(r => r["d"]));
        Assert.Equal(["2024-01-01T10:00:00.000000Z", "2024-01-01T10:00:00.000000Z", "2024-06-30T23:59:59.123456Z"], rows.Select(r => r["ts"]));
        Assert.Equal(["false", "true", "true"], rows.Select(r => r["b"]));
        Assert.Equal(["007", "abc", null], rows.Select(r => r["s"]));
    }

    [Fact]
    public async Task GermanCultureDecimalsWithCommas()
    {
        string file = Path.Combine(Input(), "de.csv");
        Write(file, "id;betrag;tag\n1;1.234,56;2024-01-31\n2;-0,5;2024-02-01\n3;12;2024-02-02\n");
        var job = Job(file) with { Culture = "de-DE", Delimiter = ";" };
        await IngestRunner.RunAsync(job);
        Assert.StartsWith("decimal(", TypeOf(await SchemaAsync(), "betrag"));
        Assert.Equal(["1234.56", "-0.50", "12.00"], (await TableAsync()).Select(r => r["betrag"]));

        // With a schema file, de-DE parses "1.234,56"; the invariant culture rejects it.
        string schema = WriteSchema("id long\nbetrag decimal(10,2)\ntag date\n");
        string file2 = Path.Combine(Input("in2"), "de.csv");
        Write(file2, "id;betrag;tag\n1;1.234,56;2024-01-31\n");
        await IngestRunner.RunAsync(job with { Path = file2, SchemaFile = schema, Target = _dir["t2"] });
        Assert.Equal("1234.56", (await Rows.ReadTableAsync(_dir["t2"])).Single()["betrag"]);
        await Assert.ThrowsAsync<BadRowException>(() => IngestRunner.RunAsync(job with { Path = file2, SchemaFile = schema, Target = _dir["t3"], Culture = null }));
    }

    /// <summary>Group separators only in groups of three: under the invariant culture "1,5" is not fifteen, "1,234.5" is 1234.5.</summary>
    [Fact]
    public async Task GroupSeparatorsAreNotGuessed()
    {
        string schema = WriteSchema("id long\namount decimal(10,2)\nratio double\n");
        string ok = Path.Combine(Input(), "ok.csv");
        Write(ok, "id,amount,ratio\n1,\"1,234.5\",\"2,000.25\"\n");
        await IngestRunner.RunAsync(Job(ok) with { SchemaFile = schema });
        var row = Assert.Single(await TableAsync());
        Assert.Equal(("1234.50", "2000.25"), (row["amount"], row["ratio"]));
        foreach (var value in new[] { "\"1,5\"", "\"12,34.5\"", "\"1.234,5\"" })
        {
            string bad = Path.Combine(_dir["in"], "bad.csv");
            Write(bad, $"id,amount,ratio\n1,{value},1\n");
            var e = await Assert.ThrowsAsync<BadRowException>(() => IngestRunner.RunAsync(Job(bad) with { SchemaFile = schema, Target = _dir["t-bad"] }));
            Assert.Equal("amount", e.Column);
        }
        // Inference: such a column stays text.
        string text = Path.Combine(Input("in3"), "t.csv");
        Write(text, "id,v\n1,\"1,5\"\n2,\"2,5\"\n");
        await IngestRunner.RunAsync(Job(text) with { Target = _dir["t-infer"] });
        await using var table = await DeltaTable.OpenAsync(_dir["t-infer"]);
        Assert.Equal("string", TypeOf((await table.GetSnapshotAsync()).Schema, "v"));
    }

    /// <summary>A watermark column within CSV files: rows at or below the stored mark are skipped, even in new files.</summary>
    [Fact]
    public async Task WatermarkColumnWithinFiles()
    {
        string folder = Input();
        Write(Path.Combine(folder, "1.csv"), "id,ts\n1,2024-01-01T00:00:00Z\n2,2024-01-02T00:00:00Z\n");
        var job = Job(folder) with { WatermarkColumn = "ts" };
        var first = await IngestRunner.RunAsync(job);
        Assert.Equal("2024-01-02T00:00:00.000000Z", first.WatermarkTo);

        // A new file repeating old rows and adding newer ones: only the newer rows are loaded.
        Write(Path.Combine(folder, "2.csv"), "id,ts\n2,2024-01-02T00:00:00Z\n1,2024-01-01T00:00:00Z\n3,2024-01-03T00:00:00Z\n4,2024-01-04T00:00:00Z\n");
        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(2, second.RowsRead);
        Assert.Equal("2024-01-02T00:00:00.000000Z", second.WatermarkFrom);
        Assert.Equal("2024-01-04T00:00:00.000000Z", second.WatermarkTo);
        Assert.Equal(["1", "2", "3", "4"], (await TableAsync()).Select(r => r["id"]));

        // A new file with only old rows: commits the file list, no rows, the mark stays.
        Write(Path.Combine(folder, "3.csv"), "id,ts\n1,2024-01-01T00:00:00Z\n");
        var third = await IngestRunner.RunAsync(job);
        Assert.Equal(0, third.RowsRead);
        Assert.Equal("2024-01-04T00:00:00.000000Z", third.WatermarkTo);
        Assert.Equal(4, (await TableAsync()).Count);
    }

    /// <summary>The committed loan sample: 2020 loads 1,000 loans; merging 2021 by id updates 298 and inserts 1,000.</summary>
    [Fact]
    public async Task LoanSampleMergedByIdAcrossRuns()
    {
        string folder = Input();
        string datasets = Path.Combine(RepoRoot(), "datasets");
        File.Copy(Path.Combine(datasets, "loans_2020.csv"), Path.Combine(folder, "loans_2020.csv"));
        var job = Job(folder, IngestMode.Merge) with { WatermarkColumn = "updated_at" };
        var first = await IngestRunner.RunAsync(job);
        Assert.Equal(1000, first.RowsInserted);
        File.Copy(Path.Combine(datasets, "loans_2021.csv"), Path.Combine(folder, "loans_2021.csv"));
        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(["loans_2021.csv"], second.FilesLoaded);
        Assert.Equal(1000, second.RowsInserted);
        Assert.Equal(298, second.RowsUpdated);
        var rows = await TableAsync();
        Assert.Equal(2000, rows.Count);
        Assert.Equal(2000, rows.Select(r => r["id"]).Distinct().Count());
        Assert.Equal(23, rows.Count(r => r["loan_status"] == "Fully Paid"));
        var schema = await SchemaAsync();
        Assert.StartsWith("decimal(", TypeOf(schema, "loan_amnt"));
        Assert.Equal("date", TypeOf(schema, "issue_d"));
        Assert.Equal("timestamp", TypeOf(schema, "updated_at"));
    }

    /// <summary>
    /// Merge mode, with two versions of the same key in the files of one run (both years of the sample at once): the
    /// run must not create duplicate keys - it fails naming the key, or loads the last version.
    /// </summary>
    [Fact]
    public async Task MergeNeverCreatesDuplicateKeysFromOneRun()
    {
        string folder = Input();
        string datasets = Path.Combine(RepoRoot(), "datasets");
        File.Copy(Path.Combine(datasets, "loans_2020.csv"), Path.Combine(folder, "loans_2020.csv"));
        File.Copy(Path.Combine(datasets, "loans_2021.csv"), Path.Combine(folder, "loans_2021.csv"));
        try
        {
            await IngestRunner.RunAsync(Job(folder, IngestMode.Merge));
        }
        catch (IngestException e)
        {
            Assert.Contains("100000002", e.Message); // the first loan updated in 2021
            return;
        }
        var rows = await TableAsync();
        Assert.Equal(2000, rows.Select(r => r["id"]).Distinct().Count());
        Assert.Equal(2000, rows.Count);
    }

    private string WriteSchema(string text)
    {
        string path = _dir[$"schema-{Guid.NewGuid():N}.txt"];
        File.WriteAllText(path, text);
        return path;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DeltaLite.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (DeltaLite.sln) is not above " + AppContext.BaseDirectory);
    }
}
