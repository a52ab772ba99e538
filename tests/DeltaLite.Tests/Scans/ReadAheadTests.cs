using DeltaLite.Parquet;
using DeltaLite.Tests.Writes;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Scans;

/// <summary>
/// A scan decodes the next files while the reader consumes the current one: rows still come in file order, a broken
/// file fails when the reader reaches it (after every row before it), and cancelling stops the scan.
/// </summary>
public class ReadAheadTests
{
    private static readonly Parquet.Schema Schema = new(new Field("id", DataType.Int64, false), new Field("text", DataType.String));

    private static async Task<TempTable> ManyFilesAsync(int files, int rowsPerFile)
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(Schema);
        var batches = Enumerable.Range(0, files).Select(f => Rows.Batch(Schema,
            Enumerable.Range(0, rowsPerFile).Select(r => new object?[] { (long)f * rowsPerFile + r, $"file {f} row {r}" }).ToArray())).ToList();
        // One file per batch: TargetFileSize 1 closes a file after every batch.
        await t.Table.AppendAsync(batches, new WriteOptions { TargetFileSize = 1 });
        return t;
    }

    private static List<long> Ids(IEnumerable<RecordBatch> batches) =>
        batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r => (long)b.Columns[0].GetValue(r)!)).ToList();

    [Fact]
    public async Task Rows_come_in_file_order_across_many_files()
    {
        await using var t = await ManyFilesAsync(files: 23, rowsPerFile: 37);
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(23, snapshot.Files.Count);
        // File order is the snapshot's order: the ids of each file follow the files' order in the snapshot.
        var expected = new List<long>();
        foreach (var file in snapshot.Files)
            await foreach (var b in snapshot.ReadFileAsync(file, Schema.Fields.ToList(), default)) expected.AddRange(Ids([b]));
        var all = await snapshot.ReadAllAsync();
        Assert.Equal(expected, Ids(all));
        Assert.Equal(Enumerable.Range(0, 23 * 37).Select(i => (long)i).ToHashSet(), Ids(all).ToHashSet());
    }

    [Fact]
    public async Task A_missing_file_fails_when_the_reader_reaches_it_after_every_row_before_it()
    {
        await using var t = await ManyFilesAsync(files: 8, rowsPerFile: 10);
        var snapshot = await t.Table.GetSnapshotAsync();
        var victim = snapshot.Files[5];
        File.Delete(Path.Combine(t.Path, snapshot.ResolveDataPath(victim.Path)));

        var seen = new List<RecordBatch>();
        var e = await Assert.ThrowsAsync<DeltaLogException>(async () =>
        {
            await foreach (var b in snapshot.ReadAsync()) seen.Add(b);
        });
        Assert.Contains(victim.Path, e.Message);
        Assert.Contains("missing", e.Message);
        Assert.Equal(50, seen.Sum(b => b.RowCount));
    }

    [Fact]
    public async Task Cancellation_stops_the_scan()
    {
        await using var t = await ManyFilesAsync(files: 6, rowsPerFile: 5);
        var snapshot = await t.Table.GetSnapshotAsync();
        using var cts = new CancellationTokenSource();
        int batches = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in snapshot.ReadAsync(cancellationToken: cts.Token))
                if (++batches == 2) await cts.CancelAsync();
        });
        Assert.Equal(2, batches);
    }
}
