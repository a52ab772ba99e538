using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeltaLite.Ingest;
using DeltaLite.LoanGenerator;
using Npgsql;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Ingestion benchmark: generated loans from SQLite, PostgreSQL and CSV into a new Delta table (merge by id, watermark
/// updated_at), then an incremental run of about --changed changed rows (new loans plus updates), beside the raw
/// extraction cost: PostgreSQL <c>COPY (SELECT ...) TO STDOUT (FORMAT BINARY)</c> read through Npgsql's raw copy into a
/// null stream, and DuckDB writing the same CSV to Parquet. With --big N, the SQLite and CSV first loads are repeated at N
/// rows to show peak memory does not grow with the source. Each measured step runs in its own process, so its peak
/// resident memory (VmHWM) is its own.
/// With --profile, each first load is followed by a read of the same source alone (no Delta writing): the reading share.
///   deltalite-bench ingest [--loans N] [--changed N] [--big N] [--sources sqlite,postgres,csv] [--pg CONN] [--dir DIR] [--profile]
/// PostgreSQL: --pg, else DELTALITE_BENCH_PG, else DELTALITE_TEST_PG; without one the PostgreSQL rows are skipped (start a
/// server as scripts/test.sh does, or run the benchmark inside it).
/// </summary>
internal static class IngestBenchmark
{
    private static readonly JsonSerializerOptions JobJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task<int> RunAsync(string[] args)
    {
        long loans = 1_000_000, changed = 100_000, big = 0;
        bool profile = false;
        string[] sources = ["sqlite", "postgres", "csv"];
        string? dir = null;
        string? pg = Environment.GetEnvironmentVariable("DELTALITE_BENCH_PG") is { Length: > 0 } b ? b : Environment.GetEnvironmentVariable("DELTALITE_TEST_PG");
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--loans": loans = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--changed": changed = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--big": big = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--sources": sources = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--pg": pg = Next(); break;
                case "--dir": dir = Next(); break;
                case "--profile": profile = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (loans <= 0 || changed <= 0 || changed > loans) throw new ArgumentException("--loans must be positive and --changed between 1 and --loans");
        bool temp = dir is null;
        dir ??= Directory.CreateTempSubdirectory("deltalite-ingest-bench-").FullName;
        Directory.CreateDirectory(dir);
        var lines = new List<string>
        {
            $"Ingestion benchmark: {loans:N0} generated loans (38 columns) into a new table, then ~{changed:N0} changed rows merged by id (watermark updated_at); {Environment.ProcessorCount} cores",
            "",
            "| run | rows | time | rows/s | peak MiB | raw extraction | raw time | raw rows/s | peak MiB (raw) | ratio (ingest/raw) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        };
        try
        {
            // 2021 brings about `changed` rows: half new loans, half updates of the 2020 loans (all still open).
            long newLoans = changed / 2;
            double updateShare = (double)(changed - newLoans) / loans;
            string pgSchema = "bench_" + Guid.NewGuid().ToString("N")[..8];
            foreach (var source in sources)
            {
                switch (source)
                {
                    case "sqlite":
                        {
                            string db = $"Data Source={Path.Combine(dir, "loans.db")};Pooling=False";
                            await GenerateAsync(new GenerateOptions { Year = 2020, Loans = loans, Target = LoanTargetKind.Sqlite, Connection = db });
                            var job = Job(SourceKind.Sqlite, db, "loans", null, Path.Combine(dir, "sqlite-table"));
                            lines.Add(Line("SQLite, first load", Ingest(dir, job), null));
                            if (profile) lines.Add(Line("SQLite, source read only (profile)", Extract(dir, job), null));
                            await GenerateAsync(new GenerateOptions { Year = 2021, Loans = newLoans, UpdateShare = updateShare, Target = LoanTargetKind.Sqlite, Connection = db });
                            lines.Add(Line("SQLite, incremental merge", Ingest(dir, job), null));
                            break;
                        }
                    case "postgres":
                        {
                            if (pg is null)
                            {
                                lines.Add("| PostgreSQL | skipped: no server (set DELTALITE_BENCH_PG) | | | | | | | | |");
                                break;
                            }
                            await ExecuteAsync(pg, $"CREATE SCHEMA {pgSchema}");
                            try
                            {
                                string table = $"{pgSchema}.loans";
                                await GenerateAsync(new GenerateOptions { Year = 2020, Loans = loans, Target = LoanTargetKind.Postgres, Connection = pg, Table = table });
                                await ExecuteAsync(pg, $"VACUUM ANALYZE {table}");
                                var job = Job(SourceKind.Postgres, pg, table, null, Path.Combine(dir, "pg-table"));
                                var copy = Child("child-pgcopy", pg, table);
                                lines.Add(Line("PostgreSQL, first load", Ingest(dir, job), ("COPY TO STDOUT (binary) to a null stream", copy)));
                                if (profile) lines.Add(Line("PostgreSQL, source read only (profile)", Extract(dir, job), ("COPY TO STDOUT (binary) to a null stream", copy)));
                                await GenerateAsync(new GenerateOptions { Year = 2021, Loans = newLoans, UpdateShare = updateShare, Target = LoanTargetKind.Postgres, Connection = pg, Table = table });
                                lines.Add(Line("PostgreSQL, incremental merge", Ingest(dir, job), null));
                            }
                            finally
                            {
                                await ExecuteAsync(pg, $"DROP SCHEMA {pgSchema} CASCADE");
                            }
                            break;
                        }
                    case "csv":
                        {
                            string folder = Path.Combine(dir, "csv");
                            await GenerateAsync(new GenerateOptions { Year = 2020, Loans = loans, Target = LoanTargetKind.Csv, OutputDirectory = folder });
                            var job = Job(SourceKind.Csv, null, null, folder, Path.Combine(dir, "csv-table"));
                            var duck = Peer("csv-to-parquet", Path.Combine(folder, "loans_2020.csv"), Path.Combine(dir, "duckdb-2020.parquet"));
                            lines.Add(Line("CSV, first load", Ingest(dir, job), ("DuckDB CSV to Parquet", duck)));
                            if (profile) lines.Add(Line("CSV, source read only (profile)", Extract(dir, job), ("DuckDB CSV to Parquet", duck)));
                            await GenerateAsync(new GenerateOptions { Year = 2021, Loans = newLoans, UpdateShare = updateShare, Target = LoanTargetKind.Csv, OutputDirectory = folder });
                            lines.Add(Line("CSV, incremental merge (new file)", Ingest(dir, job), null));
                            break;
                        }
                    default:
                        throw new ArgumentException($"unknown source '{source}' (sqlite, postgres, csv)");
                }
            }
            if (big > 0)
            {
                // Peak memory at a bigger source: the same first loads at --big rows.
                if (sources.Contains("sqlite"))
                {
                    string db = $"Data Source={Path.Combine(dir, "big.db")};Pooling=False";
                    await GenerateAsync(new GenerateOptions { Year = 2020, Loans = big, Target = LoanTargetKind.Sqlite, Connection = db });
                    lines.Add(Line($"SQLite, first load of {big:N0}", Ingest(dir, Job(SourceKind.Sqlite, db, "loans", null, Path.Combine(dir, "big-sqlite-table"))), null));
                    File.Delete(Path.Combine(dir, "big.db"));
                }
                if (sources.Contains("csv"))
                {
                    string folder = Path.Combine(dir, "big-csv");
                    await GenerateAsync(new GenerateOptions { Year = 2020, Loans = big, Target = LoanTargetKind.Csv, OutputDirectory = folder });
                    var duck = Peer("csv-to-parquet", Path.Combine(folder, "loans_2020.csv"), Path.Combine(dir, "duckdb-big.parquet"));
                    lines.Add(Line($"CSV, first load of {big:N0}", Ingest(dir, Job(SourceKind.Csv, null, null, folder, Path.Combine(dir, "big-csv-table"))), ("DuckDB CSV to Parquet", duck)));
                }
            }
            lines.Add("");
            lines.Add("peak MiB: peak resident memory (VmHWM) of the step's own process, runtime included; rows: rows read from the source.");
            lines.Add("Targets: PostgreSQL within 2x of COPY, CSV within 2x of DuckDB, peak memory under 500 MiB and flat in the source size.");
            foreach (var l in lines) Console.WriteLine(l);
            return 0;
        }
        finally
        {
            if (temp) Directory.Delete(dir, recursive: true);
        }
    }

    private static IngestJob Job(SourceKind kind, string? connection, string? table, string? path, string target) => new()
    {
        Source = kind, Connection = connection, Table = table, Path = path, Target = target, SourceId = "loans",
        Mode = IngestMode.Merge, KeyColumns = ["id"], WatermarkColumn = kind == SourceKind.Csv ? null : "updated_at",
    };

    private static async Task GenerateAsync(GenerateOptions options)
    {
        var clock = Stopwatch.StartNew();
        var result = await LoanGeneration.GenerateAsync(options);
        Console.Error.WriteLine($"generated {options.Target} {options.Year}: {result.Inserted:N0} new, {result.Updated:N0} updated ({clock.Elapsed.TotalSeconds:F1} s, not timed)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Figures(double Seconds, long Rows, double PeakMiB, string? Detail);

    private static Figures Ingest(string dir, IngestJob job) => RunJob(dir, job, "child-ingest");

    /// <summary>The source read through DeltaLite's readers into batches, nothing written: the reading share of a load.</summary>
    private static Figures Extract(string dir, IngestJob job) => RunJob(dir, job, "child-extract");

    private static Figures RunJob(string dir, IngestJob job, string mode)
    {
        string file = Path.Combine(dir, $"job-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(job, JobJson));
        var f = Child(mode, file);
        Console.Error.WriteLine($"  {job.Source} -> {job.Target}: {f.Rows:N0} rows in {f.Seconds:F2} s, peak {f.PeakMiB:F0} MiB ({f.Detail})");
        return f;
    }

    private static string Line(string name, Figures ours, (string Name, Figures Figures)? raw)
    {
        var inv = CultureInfo.InvariantCulture;
        Summary.Add(new(name, ours.Rows, "rows", new(ours.Seconds, ours.PeakMiB), raw?.Name, raw is { } x ? new(x.Figures.Seconds, x.Figures.PeakMiB) : null,
            MaxRatio: raw is null ? null : 1.5));
        string left = string.Create(inv, $"| {name} | {ours.Rows:N0} | {ours.Seconds:F2} s | {ours.Rows / ours.Seconds:N0} | {ours.PeakMiB:F0} | ");
        string right = raw is { } r
            ? string.Create(inv, $"{r.Name} | {r.Figures.Seconds:F2} s | {ours.Rows / r.Figures.Seconds:N0} | {r.Figures.PeakMiB:F0} | {ours.Seconds / r.Figures.Seconds:F2} |")
            : "| | | | |";
        return left + right;
    }

    /// <summary>Child: runs one ingestion job; prints seconds, rows and the process's peak resident memory.</summary>
    public static async Task<int> ChildIngestAsync(string jobFile)
    {
        var job = IngestJob.Load(jobFile);
        using var gc = new GcProfile();
        var clock = Stopwatch.StartNew();
        var result = await IngestRunner.RunAsync(job);
        clock.Stop();
        if (result.Outcome != IngestOutcome.Committed) throw new InvalidOperationException($"the run did not commit: {result.Outcome} {result.Message}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            seconds = clock.Elapsed.TotalSeconds, rows = result.RowsRead, peakMiB = ProcessMemory.PeakMiB(),
            detail = $"version {result.Version}, {result.RowsInserted:N0} inserted, {result.RowsUpdated:N0} updated; {gc.Describe(result.RowsRead)}",
        }));
        return 0;
    }

    /// <summary>Child: only reads the job's source through DeltaLite's source readers (no Delta writing), for profiling.</summary>
    public static async Task<int> ChildExtractAsync(string jobFile)
    {
        var job = IngestJob.Load(jobFile);
        using var gc = new GcProfile();
        var clock = Stopwatch.StartNew();
        long rows = 0;
        if (job.Source == SourceKind.Csv)
        {
            var source = new DeltaLite.Ingest.Csv.CsvSource(job);
            var files = source.ListFiles();
            var schema = source.InferSchema(files[0].Info);
            await foreach (var b in source.ReadAsync(files, schema, null, null, default)) rows += b.RowCount;
        }
        else
        {
            var source = new DeltaLite.Ingest.Sql.SqlSource(job);
            var schema = await source.GetSchemaAsync(default);
            await foreach (var b in source.ReadAsync(schema, null, null, includeNulls: true, null, default)) rows += b.RowCount;
        }
        clock.Stop();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, rows, peakMiB = ProcessMemory.PeakMiB(), detail = $"extract only; {gc.Describe(rows)}" }));
        return 0;
    }

    /// <summary>Child: the raw extraction cost of SQLite, every value of SELECT * read with GetValue and dropped.</summary>
    public static int ChildSqliteScan(string connectionString, string table)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        connection.Open();
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            var values = new object[reader.FieldCount];
            while (reader.Read())
            {
                reader.GetValues(values);
                rows++;
            }
        }
        clock.Stop();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, rows, peakMiB = ProcessMemory.PeakMiB(), detail = "SELECT * GetValues" }));
        return 0;
    }

    /// <summary>Child: the raw extraction cost of PostgreSQL, COPY of the whole table in binary to a null stream.</summary>
    public static async Task<int> ChildPgCopyAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long rows;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection)) rows = (long)(await count.ExecuteScalarAsync())!;
        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY (SELECT * FROM {table}) TO STDOUT (FORMAT BINARY)"))
            await copy.CopyToAsync(Stream.Null);
        clock.Stop();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, rows, peakMiB = ProcessMemory.PeakMiB(), detail = "COPY" }));
        return 0;
    }

    private static Figures Child(params string[] args) => Parse(ChildProcess.Self(args));

    private static Figures Peer(params string[] args) => Parse(ChildProcess.DuckDb(args));

    private static Figures Parse(JsonElement doc) =>
        new(doc.GetProperty("seconds").GetDouble(), doc.TryGetProperty("rows", out var r) ? r.GetInt64() : 0,
            doc.GetProperty("peakMiB").GetDouble(), doc.TryGetProperty("detail", out var d) ? d.GetString() : null);

    /// <summary>
    /// The allocation profile of a step: bytes allocated (per row), collections per generation, and the largest managed
    /// heap and committed GC memory seen (sampled every 50 ms), to tell managed data from garbage, GC slack and native memory.
    /// </summary>
    private sealed class GcProfile : IDisposable
    {
        private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: false);
        private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        private readonly Timer _timer;
        private long _maxHeap, _maxCommitted;

        public GcProfile() => _timer = new Timer(_ => Sample(), null, 0, 50);

        private void Sample()
        {
            var info = GC.GetGCMemoryInfo();
            long heap = GC.GetTotalMemory(false);
            if (heap > Interlocked.Read(ref _maxHeap)) Interlocked.Exchange(ref _maxHeap, heap);
            if (info.TotalCommittedBytes > Interlocked.Read(ref _maxCommitted)) Interlocked.Exchange(ref _maxCommitted, info.TotalCommittedBytes);
        }

        public string Describe(long rows)
        {
            Sample();
            double allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
            return string.Create(CultureInfo.InvariantCulture,
                $"allocated {allocated / (1 << 20):F0} MiB ({allocated / Math.Max(1, rows):F0} B/row), GCs {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]}, " +
                $"max heap {Interlocked.Read(ref _maxHeap) / (1 << 20)} MiB, max GC committed {Interlocked.Read(ref _maxCommitted) / (1 << 20)} MiB");
        }

        public void Dispose() => _timer.Dispose();
    }
}
