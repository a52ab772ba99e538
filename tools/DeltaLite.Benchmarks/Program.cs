using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeltaLite.Parquet;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Benchmarks that print figures beside a peer's on the same data, in one run. Each measured step runs in its
/// own process so that peak memory belongs to that step alone.
///   deltalite-bench parquet [--rows N] [--seed S] [--dir DIR]
///   deltalite-bench log [--commits N] [--runs R] [--dir DIR]   (see LogBenchmark)
///   deltalite-bench writes [--rows N] [--seed S] [--dir DIR]     (append, merge, optimize, vacuum)
///   deltalite-bench azure [--endpoint URL] [--size-mib 256] [--small 1000] [--commits 100]
///   deltalite-bench ingest [--loans N] [--changed N] [--big N] [--sources sqlite,postgres,csv] [--pg CONN] [--dir DIR]
/// </summary>
internal static class Program
{
    private const int BatchRows = 65536;

    private static int Main(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "parquet" => ParquetBenchmark.Run(args[1..]),
                "log" => LogBenchmark.Run(args[1..]),
                "writes" => WritesBenchmark.Run(args[1..]),
                "child-table" => WritesBenchmark.ChildStep(args[1], args[2], long.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture)),
                "azure" => AzureBenchmark.Run(args[1..]),
                "child-write" => ChildWrite(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
                "child-read" => ChildRead(args[1]),
                "ingest" => IngestBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult(),
                "table-read" => TableReadBenchmark.Run(args[1..]),
                "child-table-read" => TableReadBenchmark.Child(args[1], long.Parse(args[2], CultureInfo.InvariantCulture)),
                "summary" => Summary.Print(args[1..]),
                "child-ingest" => IngestBenchmark.ChildIngestAsync(args[1]).GetAwaiter().GetResult(),
                "child-extract" => IngestBenchmark.ChildExtractAsync(args[1]).GetAwaiter().GetResult(),
                "child-sqlite-scan" => IngestBenchmark.ChildSqliteScan(args[1], args[2]),
                "child-pgcopy" => IngestBenchmark.ChildPgCopyAsync(args[1], args[2]).GetAwaiter().GetResult(),
                _ => Usage(),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException or DeltaLite.Ingest.IngestException
            or DeltaLite.LoanGenerator.LoanGeneratorException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"deltalite-bench: {e.Message}");
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: deltalite-bench parquet|writes [--rows N] [--seed S] [--dir DIR]");
        Console.Error.WriteLine("       deltalite-bench table-read [--rows N] [--seed S] [--dir DIR]");
        Console.Error.WriteLine("       deltalite-bench log [--commits N] [--runs R] [--dir DIR]");
        Console.Error.WriteLine("       deltalite-bench azure [--endpoint http://127.0.0.1:PORT/devstoreaccount1] [--size-mib 256] [--small 1000] [--small-kib 16] [--commits 100] [--dir DIR]");
        Console.Error.WriteLine("       deltalite-bench ingest [--loans N] [--changed N] [--big N] [--sources sqlite,postgres,csv] [--pg CONN] [--dir DIR]");
        Console.Error.WriteLine("       deltalite-bench summary FILE   (the combined table of the rows the benchmarks added to $DELTALITE_BENCH_SUMMARY)");
        return 2;
    }

    /// <summary>Generates the table in memory (not timed), then times writing it with DeltaLite.Parquet.</summary>
    private static int ChildWrite(string path, long rows, int seed)
    {
        var batches = new List<RecordBatch>();
        for (long start = 0; start < rows; start += BatchRows)
            batches.Add(LoanTable.Batch(start, (int)Math.Min(BatchRows, rows - start), seed));
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        ProcessMemory.ResetPeak();
        double baseline = ProcessMemory.CurrentMiB();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using (var writer = ParquetWriter.Create(path, LoanTable.Schema))
            foreach (var b in batches) writer.Write(b);
        clock.Stop();
        Report(clock.Elapsed.TotalSeconds, new FileInfo(path).Length, ProcessMemory.PeakMiB() - baseline, baseline, cpu);
        GC.KeepAlive(batches);
        return 0;
    }

    /// <summary>Times decoding every column of every row.</summary>
    private static int ChildRead(string path)
    {
        GC.Collect();
        ProcessMemory.ResetPeak();
        double baseline = ProcessMemory.CurrentMiB();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using (var reader = ParquetReader.Open(path))
        {
            // Bounded batches (page by page within large row groups), as a streaming consumer reads; set
            // DELTALITE_BENCH_READ=rowgroups to time whole-row-group reads instead.
            if (Environment.GetEnvironmentVariable("DELTALITE_BENCH_READ") == "rowgroups")
            {
                for (int g = 0; g < reader.RowGroupCount; g++)
                    rows += reader.ReadRowGroupAsync(g).GetAwaiter().GetResult().RowCount;
            }
            else
            {
                int batchRows = int.TryParse(Environment.GetEnvironmentVariable("DELTALITE_BENCH_BATCH"), out int n) ? n : ParquetReader.DefaultBatchRows;
                var batches = reader.ReadBatchesAsync(batchRows).GetAsyncEnumerator();
                while (batches.MoveNextAsync().AsTask().GetAwaiter().GetResult()) rows += batches.Current.RowCount;
            }
        }
        clock.Stop();
        if (rows == 0) throw new InvalidOperationException($"{path} has no rows.");
        Report(clock.Elapsed.TotalSeconds, new FileInfo(path).Length, ProcessMemory.PeakMiB() - baseline, baseline, cpu);
        return 0;
    }

    private static void Report(double seconds, long bytes, double peakMiB, double baselineMiB, TimeSpan cpuAtStart)
    {
        // CPU time of the step on all cores, a companion to wall-clock seconds that a busy machine disturbs less.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, bytes, peakMiB, baselineMiB, cpuSeconds }));
    }
}

/// <summary>Parquet write and read, DeltaLite beside DuckDB, on the same loan-shaped data.</summary>
internal static class ParquetBenchmark
{
    public static int Run(string[] args)
    {
        var (rows, seed, dir) = RowOptions.Parse(args);
        if (rows <= 0) throw new ArgumentException("--rows must be positive");
        bool temp = dir is null;
        dir ??= Directory.CreateTempSubdirectory("deltalite-bench-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            string ours = Path.Combine(dir, "deltalite.parquet"), theirs = Path.Combine(dir, "duckdb.parquet");
            Console.Error.WriteLine($"parquet benchmark: {rows:N0} loan rows x {LoanTable.Schema.Count} columns, seed {seed}, SNAPPY, {Environment.ProcessorCount} cores");
            var write = Self("child-write", ours, rows.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture));
            var duckWrite = Peer("write", ours, theirs);
            var read = Self("child-read", ours);
            var duckRead = Peer("read", theirs);
            Summary.Add(new("Parquet write", rows, "rows", new(write.Seconds, write.PeakMiB), "DuckDB", new(duckWrite.Seconds, duckWrite.PeakMiB), MaxRatio: 1.5));
            Summary.Add(new("Parquet read (all columns)", rows, "rows", new(read.Seconds, read.PeakMiB), "DuckDB", new(duckRead.Seconds, duckRead.PeakMiB), MaxRatio: 1.5));

            var lines = new List<string>
            {
                $"Parquet benchmark: {rows:N0} rows x {LoanTable.Schema.Count} columns (ints, decimals, doubles, dates, timestamps, low- and high-cardinality strings), SNAPPY, {Environment.ProcessorCount} cores",
                "",
                "| workload | DeltaLite time | DeltaLite rows/s | DeltaLite peak MiB | DuckDB time | DuckDB rows/s | DuckDB peak MiB | time ratio (DL/DuckDB) |",
                "|---|---|---|---|---|---|---|---|",
                Row("write", rows, write, duckWrite),
                Row("read (all columns)", rows, read, duckRead),
                "",
                $"file size: DeltaLite {Mib(write.Bytes)} MiB, DuckDB {Mib(duckWrite.Bytes)} MiB, ratio {(double)write.Bytes / duckWrite.Bytes:F2}",
                "peak MiB = peak resident memory of the step's process above its resident memory when the step began",
                "(for writes, the input table is already in memory in both processes).",
            };
            foreach (var l in lines) Console.WriteLine(l);
            return 0;
        }
        finally
        {
            if (temp) Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Figures(double Seconds, long Bytes, double PeakMiB);

    private static string Row(string name, long rows, Figures ours, Figures theirs) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {ours.Seconds:F2} s | {rows / ours.Seconds:N0} | {ours.PeakMiB:F0} | {theirs.Seconds:F2} s | {rows / theirs.Seconds:N0} | {theirs.PeakMiB:F0} | {ours.Seconds / theirs.Seconds:F2} |");

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    private static Figures Self(params string[] args) => Parse(ChildProcess.Self(args));

    private static Figures Peer(params string[] args) => Parse(ChildProcess.DuckDb(args));

    private static Figures Parse(JsonElement doc) =>
        new(doc.GetProperty("seconds").GetDouble(), doc.GetProperty("bytes").GetInt64(), doc.GetProperty("peakMiB").GetDouble());
}
