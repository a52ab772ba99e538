using System.Globalization;
using System.Text.Json.Nodes;
using DeltaLite;
using DeltaLite.Parquet;
using DeltaLite.Writes;

// A writer process for the concurrency tests:
//   dotnet DeltaLite.TestWorker.dll TABLE COUNT WORKER [ROWS]
// appends COUNT commits of ROWS rows (default 2) to the existing table TABLE (columns id long, worker int, seq int),
// each tagged in commitInfo with {"worker": WORKER, "seq": i}, and prints each committed version on its own line.
// Exit code 0 on success, 1 on a failed commit (the error on stderr), 2 on bad arguments.
if (args.Length is < 3 or > 4
    || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
    || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int worker))
{
    Console.Error.WriteLine("usage: DeltaLite.TestWorker TABLE COUNT WORKER [ROWS]");
    return 2;
}
int rows = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
var schema = new Schema(new Field("id", DataType.Int64), new Field("worker", DataType.Int32), new Field("seq", DataType.Int32));
try
{
    await using var table = await DeltaTable.OpenAsync(args[0]);
    for (int seq = 0; seq < count; seq++)
    {
        var ids = ColumnBuilder.Create(DataType.Int64);
        var workers = ColumnBuilder.Create(DataType.Int32);
        var seqs = ColumnBuilder.Create(DataType.Int32);
        for (int r = 0; r < rows; r++)
        {
            ids.Append(((long)worker * 1_000_000) + ((long)seq * 1000) + r);
            workers.Append(worker);
            seqs.Append(seq);
        }
        var batch = new RecordBatch(schema, [ids.Build(), workers.Build(), seqs.Build()], rows);
        var options = new WriteOptions { CommitInfo = new Dictionary<string, JsonNode?> { ["worker"] = worker, ["seq"] = seq } };
        var result = await table.AppendAsync([batch], options);
        Console.Out.WriteLine(result.Version.ToString(CultureInfo.InvariantCulture));
    }
    return 0;
}
catch (DeltaLogException e)
{
    Console.Error.WriteLine($"worker {worker}: {e.Message}");
    return 1;
}
