using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Reading a version of a Delta table: DeltaLite (open the table, build the snapshot, decode every column of every file
/// of that version) beside DuckDB reading the same version's data files with <c>read_parquet([...])</c>. The table is
/// made by the writes benchmark's steps: N loan rows appended in 8 MiB files (version 1), then 10% of the rows merged
/// (version 2, some files rewritten).
///   deltalite-bench table-read [--rows N] [--seed S] [--dir DIR]
/// </summary>
internal static class TableReadBenchmark
{
    private const int Runs = 3;

    private static double Median(List<JsonElement> runs, string property) => Medians.Of(runs.Select(r => r.GetProperty(property).GetDouble()));

    public static int Run(string[] args)
    {
        var (rows, seed, dir) = RowOptions.Parse(args);
        if (rows < 10_000) throw new ArgumentException("--rows must be at least 10000");
        bool temp = dir is null;
        dir ??= Directory.CreateTempSubdirectory("deltalite-table-read-bench-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            string table = Path.Combine(dir, "loans");
            string n = rows.ToString(CultureInfo.InvariantCulture), s = seed.ToString(CultureInfo.InvariantCulture);
            Console.Error.WriteLine($"table-read benchmark: {rows:N0} loan rows, seed {seed}, in {dir}");
            ChildProcess.Self("child-table", "append", table, n, s);
            ChildProcess.Self("child-table", "merge-spread", table, n, s);

            Console.WriteLine($"Reading a table version: {rows:N0} loan rows ({LoanTable.Schema.Count} columns) in 8 MiB files; version 2 has 10% of the rows merged; {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| version | files | rows | DeltaLite time | DeltaLite rows/s | DeltaLite peak MiB | DuckDB time | DuckDB rows/s | DuckDB peak MiB | ratio (DL/DuckDB) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (long version in new long[] { 1, 2 })
            {
                var list = Path.Combine(dir, $"files-v{version}.json");
                int files = WriteFileList(table, version, list);
                // Each side runs Runs times, alternating; the median time and the median peak are reported (one run's
                // peak moves by 20% with the timing of the collections and the read-ahead).
                var ours = new List<JsonElement>();
                var theirs = new List<JsonElement>();
                for (int run = 0; run < Runs; run++)
                {
                    ours.Add(ChildProcess.Self("child-table-read", table, version.ToString(CultureInfo.InvariantCulture)));
                    theirs.Add(ChildProcess.DuckDb("read-files", list));
                }
                double os = Median(ours, "seconds"), ts = Median(theirs, "seconds");
                double op = Median(ours, "peakMiB"), tp = Median(theirs, "peakMiB");
                long read = ours[0].GetProperty("rows").GetInt64();
                foreach (var r in ours.Concat(theirs))
                    if (r.GetProperty("rows").GetInt64() != read)
                        throw new InvalidOperationException($"version {version}: the runs read different row counts ({string.Join(", ", ours.Concat(theirs).Select(x => x.GetProperty("rows").GetInt64()))}; DuckDB's last)");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {version} | {files} | {read:N0} | {os:F2} s | {read / os:N0} | {op:F0} | {ts:F2} s | {read / ts:N0} | {tp:F0} | {os / ts:F2} |"));
                Summary.Add(new($"read a table version (v{version}, all columns)", read, "rows", new(os, op), "DuckDB read_parquet of its files", new(ts, tp), MaxRatio: 1.5));
            }
            Console.WriteLine();
            Console.WriteLine("DeltaLite: open + snapshot + decode every column; DuckDB: the version's data files (listed by DeltaLite, not timed) into an in-memory table.");
            Console.WriteLine($"Times and peaks: the median of {Runs} runs of each side, alternating. peak MiB: peak resident memory of the step's process above its resident memory when the step began.");
            return 0;
        }
        finally
        {
            if (temp) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the absolute paths of the data files of <paramref name="version"/> as a JSON array; returns their count.</summary>
    private static int WriteFileList(string table, long version, string listFile)
    {
        return Task.Run(async () =>
        {
            await using var t = await DeltaTable.OpenAsync(table);
            var snapshot = await t.GetSnapshotAsync(version);
            var paths = snapshot.Files.Select(f => Path.Combine(table, Uri.UnescapeDataString(f.Path))).ToList();
            await File.WriteAllTextAsync(listFile, JsonSerializer.Serialize(paths));
            return paths.Count;
        }).GetAwaiter().GetResult();
    }

    /// <summary>Child: opens the table, builds the snapshot of <paramref name="version"/> and decodes every column of every file.</summary>
    public static int Child(string table, long version) => Task.Run(async () =>
    {
        GC.Collect();
        ProcessMemory.ResetPeak();
        double baseline = ProcessMemory.CurrentMiB();
        var clock = Stopwatch.StartNew();
        long rows = 0;
        await using (var t = await DeltaTable.OpenAsync(table))
        {
            var snapshot = await t.GetSnapshotAsync(version);
            await foreach (var batch in snapshot.ReadAsync()) rows += batch.RowCount;
        }
        clock.Stop();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, rows, peakMiB = ProcessMemory.PeakMiB() - baseline, baselineMiB = baseline }));
        return 0;
    }).GetAwaiter().GetResult();
}
