using System.Globalization;
using System.IO.Compression;
using System.Text;
using DeltaLite.Ingest.Csv;
using DeltaLite.Ingest.State;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// CSV files read in blocks on several cores give what one reader over the whole file gives: the same batches, the
/// same first error with its line and column, the same rejects in the same order, the same watermark. Tiny blocks put
/// block edges on every byte of small files: record ends, quoted newlines, <c>""</c> escapes, CR LF, the BOM, bad rows.
/// </summary>
public sealed class CsvBlockReadTests : IDisposable
{
    private const string SchemaText = "id long not null\namount decimal(10,2)\nday date\ntext string\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// <paramref name="rows"/> records of every shape: plain, quoted with separators, escaped quotes, line breaks
    /// inside quotes, empty and quoted-empty values, non-ASCII text, a blank line. Bad rows (a bad decimal, a bad
    /// date, a missing field) from <paramref name="firstBad"/> on, every seventh row.
    /// </summary>
    private static string Generate(int rows, string eol, int firstBad = int.MaxValue, bool finalLineEnd = true, int oddRow = 0, string? odd = null)
    {
        var text = new StringBuilder("id,amount,day,text").Append(eol);
        for (int i = 1; i <= rows; i++)
        {
            bool bad = i >= firstBad && (i - firstBad) % 7 == 0;
            string amount = bad && i % 3 == 0 ? "12x.00" : string.Create(CultureInfo.InvariantCulture, $"{i}.{i % 100:00}");
            string day = bad && i % 3 == 1 ? "2024-13-01" : $"2024-01-{1 + i % 28:00}";
            string value = (i % 9) switch
            {
                0 => $"t{i}",
                1 => $"\"a, b{i}\"",
                2 => $"\"say \"\"hi\"\" {i}\"",
                3 => $"\"l1{eol}l2 {i}\"",
                4 => "",
                5 => $"日本 {i} 🦄",
                6 => "\"\"",
                7 => $"\"\"\"{i}\"\"\"",
                _ => $"\"{eol}{eol}{i},\"",
            };
            text.Append(i == oddRow ? odd : bad && i % 3 == 2 ? $"{i},{amount},{day}" : $"{i},{amount},{day},{value}");
            if (i < rows || finalLineEnd) text.Append(eol);
            if (i % 13 == 0 && i < rows) text.Append(eol); // a blank line, skipped by the reader
        }
        return text.ToString();
    }

    private string WriteCsv(string name, string text, bool bom = false)
    {
        string path = Path.Combine(Directory.CreateDirectory(_dir["in-" + name]).FullName, name + ".csv");
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    private IngestJob Job(string path, BadRowPolicy policy = BadRowPolicy.Fail, int batchSize = 8_192, string? watermark = null)
    {
        string schema = _dir["schema.txt"];
        File.WriteAllText(schema, SchemaText);
        return new IngestJob
        {
            Source = SourceKind.Csv, Path = path, Target = _dir["table"], SourceId = "csv", SchemaFile = schema, BadRows = policy,
            BatchSize = batchSize, WatermarkColumn = watermark,
        };
    }

    /// <summary>All a read shows: its batches (values and sizes), progress, first error, rejects and watermark.</summary>
    private sealed record Outcome(string Batches, string Progress, string? Error, long? Line, string? Column, string Rejects, long Rejected, string? MaxWatermark);

    private int _runs;

    private async Task<(Outcome Outcome, CsvSource Source)> ReadAsync(IngestJob job, bool sequential, int blockBytes = 4 << 20, WatermarkValue? low = null)
    {
        string rejects = _dir[$"rejects-{_runs++}.csv"];
        var source = new CsvSource(job with { RejectsPath = rejects }) { Sequential = sequential, BlockBytes = blockBytes };
        var schema = CsvSchema.Load(job.SchemaFile!);
        var batches = new StringBuilder();
        var progress = new StringBuilder();
        string? error = null, column = null;
        long? line = null;
        try
        {
            await foreach (var batch in source.ReadAsync(source.ListFiles(), schema, low, (rows, file) => progress.Append($"{rows}:{file};"), default))
                batches.Append(Render(batch));
        }
        catch (BadRowException e)
        {
            (error, line, column) = (e.Message, e.Line, e.Column);
        }
        string rejected = File.Exists(rejects) ? await File.ReadAllTextAsync(rejects) : "";
        return (new Outcome(batches.ToString(), progress.ToString(), error, line, column, rejected, source.RejectedRows, source.MaxWatermark?.Text), source);
    }

    private static string Render(RecordBatch batch)
    {
        var text = new StringBuilder($"[{batch.RowCount} rows]\n");
        for (int r = 0; r < batch.RowCount; r++)
        {
            text.AppendJoin('|', batch.Columns.Select(c => c.GetValue(r) switch
            {
                null => "<null>",
                byte[] bytes => Convert.ToHexString(bytes),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            }));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Every block size from 41 bytes (a header of 20 fits twice) to 300: block edges fall on every byte.</summary>
    [Theory]
    [InlineData("\n", false, BadRowPolicy.Fail, 3)]
    [InlineData("\r\n", true, BadRowPolicy.Fail, 8_192)]
    [InlineData("\n", true, BadRowPolicy.Quarantine, 1)]
    [InlineData("\r\n", false, BadRowPolicy.Quarantine, 4)]
    public async Task BlocksOfEverySizeReadLikeOneReader(string eol, bool bom, BadRowPolicy policy, int batchSize)
    {
        string file = WriteCsv("sweep", Generate(45, eol, firstBad: policy == BadRowPolicy.Fail ? 38 : 5, finalLineEnd: batchSize != 4), bom);
        var job = Job(file, policy, batchSize);
        var (expected, _) = await ReadAsync(job, sequential: true);
        if (policy == BadRowPolicy.Fail) Assert.NotNull(expected.Error);
        else Assert.True(expected.Rejected > 3, expected.Rejects);
        int blocks = 0;
        for (int size = 41; size <= 300; size++)
        {
            var (actual, source) = await ReadAsync(job, sequential: false, size);
            Assert.True(expected == actual, $"block size {size}: {Difference(expected, actual)}");
            blocks += source.BlocksParsed;
        }
        Assert.True(blocks > 260, $"only {blocks} blocks were parsed in parallel");
    }

    private static string Difference(Outcome expected, Outcome actual) =>
        expected.Error != actual.Error ? $"error '{actual.Error}' instead of '{expected.Error}'"
        : expected.Rejects != actual.Rejects ? $"rejects\n{actual.Rejects}\ninstead of\n{expected.Rejects}"
        : expected.Batches != actual.Batches ? $"batches\n{actual.Batches}\ninstead of\n{expected.Batches}"
        : $"{actual} instead of {expected}";

    [Fact]
    public async Task ALargeFileReadsInManyBlocksWithoutFallingBack()
    {
        string file = WriteCsv("large", Generate(3_000, "\r\n"));
        var job = Job(file, batchSize: 100);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, source) = await ReadAsync(job, sequential: false, 4_096);
        Assert.Equal(expected, actual);
        Assert.Equal(0, source.SequentialReads);
        Assert.True(source.BlocksParsed > 20, $"{source.BlocksParsed} blocks");
        Assert.Equal(30, actual.Progress.Split(';', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task GzipFilesReadInBlocksLikeOneReader()
    {
        string folder = Directory.CreateDirectory(_dir["gz"]).FullName;
        using (var gz = new GZipStream(File.Create(Path.Combine(folder, "a.csv.gz")), CompressionLevel.Fastest))
            gz.Write(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Generate(500, "\n"))).ToArray());
        File.WriteAllText(Path.Combine(folder, "b.csv"), Generate(200, "\r\n", firstBad: 150));
        var job = Job(folder, BadRowPolicy.Quarantine, batchSize: 64);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, source) = await ReadAsync(job, sequential: false, 1_024);
        Assert.Equal(expected, actual);
        Assert.True(source.BlocksParsed > 10);
        Assert.Equal(0, source.SequentialReads);
        Assert.Contains("a.csv.gz", actual.Progress);
        Assert.Contains("b.csv", actual.Progress);
    }

    /// <summary>A quote inside an unquoted field, text after a closing quote, a lone CR: the rest of the file is read sequentially, with the same result.</summary>
    [Theory]
    [InlineData("ab\"c", BadRowPolicy.Fail)]
    [InlineData("ab\"c", BadRowPolicy.Quarantine)]
    [InlineData("\"ab\"c", BadRowPolicy.Fail)]
    [InlineData("\"ab\"c", BadRowPolicy.Quarantine)]
    [InlineData("a\rb", BadRowPolicy.Quarantine)]
    [InlineData("\"open to the end", BadRowPolicy.Quarantine)]
    public async Task IrregularQuotingReadsTheRestSequentiallyWithTheSameResult(string odd, BadRowPolicy policy)
    {
        string file = WriteCsv("odd", Generate(400, "\n", oddRow: 250, odd: $"250,1.00,2024-01-01,{odd}"));
        var job = Job(file, policy, batchSize: 32);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, source) = await ReadAsync(job, sequential: false, 1_024);
        Assert.True(expected == actual, Difference(expected, actual));
        Assert.Equal(1, source.SequentialReads);
        Assert.True(source.BlocksParsed >= 5, $"{source.BlocksParsed} blocks before the odd line");
    }

    [Fact]
    public async Task ARecordLargerThanABlockReadsOnSequentially()
    {
        string file = WriteCsv("huge", Generate(300, "\n", oddRow: 200, odd: $"200,1.00,2024-01-01,\"{new string('x', 3_000)}\n{new string('y', 3_000)}\""));
        var job = Job(file, BadRowPolicy.Fail, batchSize: 50);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, source) = await ReadAsync(job, sequential: false, 1_024);
        Assert.Equal(expected, actual);
        Assert.Equal(1, source.SequentialReads);
    }

    [Theory]
    [InlineData("\n\n")]
    [InlineData("\r\n")]
    public async Task BlankLinesBeforeTheHeaderReadLikeOneReader(string blank)
    {
        string file = WriteCsv("blank", blank + Generate(100, "\n"));
        var job = Job(file, batchSize: 7);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, _) = await ReadAsync(job, sequential: false, 512);
        Assert.Contains("[7 rows]", expected.Batches);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task WatermarkFilteringAndMaximumMatchOneReader()
    {
        string folder = Directory.CreateDirectory(_dir["wm"]).FullName;
        File.WriteAllText(Path.Combine(folder, "a.csv"), Generate(300, "\n"));
        File.WriteAllText(Path.Combine(folder, "b.csv"), Generate(120, "\r\n"));
        var job = Job(folder, batchSize: 16, watermark: "id");
        var low = WatermarkValue.From(100L);
        var (expected, _) = await ReadAsync(job, sequential: true, low: low);
        var (actual, source) = await ReadAsync(job, sequential: false, 512, low);
        Assert.Equal(expected, actual);
        Assert.Equal(expected.MaxWatermark, actual.MaxWatermark);
        Assert.Contains("300", actual.MaxWatermark);
        Assert.True(source.BlocksParsed > 10);
        Assert.Contains("[16 rows]", actual.Batches);
    }

    [Fact]
    public async Task InvalidUtf8DeepInTheFileIsReportedAtItsLine()
    {
        var bytes = Encoding.UTF8.GetBytes(Generate(2_000, "\n")).ToList();
        int at = bytes.Count - 5_000;
        int line = 1 + bytes.Take(at).Count(b => b == (byte)'\n');
        bytes.Insert(at, 0xE9); // a Latin-1 é
        string file = Path.Combine(Directory.CreateDirectory(_dir["latin"]).FullName, "latin.csv");
        File.WriteAllBytes(file, bytes.ToArray());
        var job = Job(file, batchSize: 100);
        var (expected, _) = await ReadAsync(job, sequential: true);
        var (actual, _) = await ReadAsync(job, sequential: false, 2_048);
        Assert.Equal(line, expected.Line);
        Assert.Equal((expected.Error, expected.Line), (actual.Error, actual.Line));
    }

    /// <summary>A consumer that stops after two batches, or cancels, stops the workers and lets go of the file.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StoppingEarlyReleasesTheFile(bool cancel)
    {
        string file = WriteCsv("stop", Generate(5_000, "\n"));
        var source = new CsvSource(Job(file, batchSize: 10)) { BlockBytes = 2_048 };
        var schema = CsvSchema.Load(Job(file).SchemaFile!);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        async Task ReadAsync()
        {
            await foreach (var batch in source.ReadAsync(source.ListFiles(), schema, null, null, cts.Token))
            {
                seen += batch.RowCount;
                if (seen < 20) continue;
                if (cancel) await cts.CancelAsync();
                else break;
            }
        }
        if (cancel) await Assert.ThrowsAnyAsync<OperationCanceledException>(ReadAsync);
        else await ReadAsync();
        Assert.Equal(20, seen);
        Assert.True(source.BlocksParsed >= 1);
        // The file is closed: it can be opened for writing with no sharing.
        using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
    }
}
