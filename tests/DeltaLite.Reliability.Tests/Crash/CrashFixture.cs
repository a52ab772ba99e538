using System.Text.Json;
using System.Text.Json.Serialization;
using DeltaLite.Ingest;
using DeltaLite.LoanGenerator;
using DeltaLite.Reliability.Tests.Support;

namespace DeltaLite.Reliability.Tests.Crash;

/// <summary>
/// The sources and prepared tables the crash suite starts from, made once: loans of 2020 in a SQLite file and the
/// same database after 2021 (new loans and updates of 2020 loans), and local tables built from them in this process
/// (copied to each store before every kill). Every table is created with <c>delta.checkpointInterval = 1</c> (each
/// commit also writes a checkpoint, so every commit passes the checkpoint steps) and a small
/// <c>delta.targetFileSize</c> (several data files per write).
/// </summary>
public sealed class CrashFixture : IAsyncLifetime
{
    public const int Loans2020 = 1_200, Loans2021 = 400;
    public const string AppendV0 = "append-v0", MergeV0 = "merge-v0", MergeV1 = "merge-v1", VacuumBase = "vacuum-base";
    public const IngestMode Append = IngestMode.Append, Merge = IngestMode.Merge;

    private static readonly JsonSerializerOptions JobJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "deltalite-crash-" + Guid.NewGuid().ToString("N")[..12]);

    private string Source(int stage) => Path.Combine(Root, $"src-{2020 + stage}.db");

    /// <summary>The prepared local tables, by name.</summary>
    public string BaseFolder(string name) => Path.Combine(Root, "bases", name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        string work = Path.Combine(Root, "work.db");
        await Generate(work, 2020, Loans2020);
        File.Copy(work, Source(0));
        await Generate(work, 2021, Loans2021);
        File.Move(work, Source(1));

        var local = new LocalTables(BaseFolder(""));
        await IngestAsync(new CrashPlace(local, BaseFolder(AppendV0)), Append, 0);
        await IngestAsync(new CrashPlace(local, BaseFolder(MergeV0)), Merge, 0);
        await local.SeedAsync(BaseFolder(MergeV0), BaseFolder(MergeV1));
        await IngestAsync(new CrashPlace(local, BaseFolder(MergeV1)), Merge, 1);
        // The vacuum's table: compacted (the merge's files become tombstones) plus an orphan of a failed write.
        await local.SeedAsync(BaseFolder(MergeV1), BaseFolder(VacuumBase));
        await using (var t = await DeltaTable.OpenAsync(BaseFolder(VacuumBase)))
        {
            var optimized = await t.OptimizeAsync(targetSize: 1 << 20);
            Assert.True(optimized.NumFilesRemoved > 1, "the vacuum's base table has nothing for the vacuum to delete");
            var live = (await t.GetSnapshotAsync(null)).Files[0].Path;
            File.Copy(Path.Combine(BaseFolder(VacuumBase), live), Path.Combine(BaseFolder(VacuumBase), "part-00000-orphan-of-a-failed-write.snappy.parquet"));
        }
    }

    private static Task<GenerateResult> Generate(string file, int year, int loans) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year, Loans = loans, Seed = 42, Target = LoanTargetKind.Sqlite, Connection = $"Data Source={file};Pooling=False", Table = "loans",
        });

    /// <summary>The ingestion job: stage 0 loads the 2020 source (creating the table), stage 1 the 2021 source.</summary>
    private IngestJob Job(CrashPlace place, IngestMode mode, int stage, IReadOnlyDictionary<string, string> storageOptions) => new()
    {
        Source = SourceKind.Sqlite,
        Connection = $"Data Source={Source(stage)};Pooling=False",
        Table = "loans",
        SourceId = "loans",
        WatermarkColumn = "updated_at",
        Mode = mode,
        KeyColumns = mode == Merge ? ["id"] : [],
        Target = place.Location,
        BatchSize = 200,
        TableProperties = new Dictionary<string, string> { ["delta.checkpointInterval"] = "1", ["delta.targetFileSize"] = "65536" },
        StorageOptions = storageOptions,
    };

    /// <summary>The CLI arguments of the ingestion: a job file (no secrets in it: the CLI gets those from its environment).</summary>
    internal string[] IngestCommand(CrashPlace place, IngestMode mode, int stage)
    {
        string file = Path.Combine(Root, "jobs", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, JsonSerializer.Serialize(Job(place, mode, stage, place.Store.JobStorageOptions), JobJson));
        return ["ingest", "--job", file];
    }

    /// <summary>The same ingestion, run to completion in this process.</summary>
    internal async Task IngestAsync(CrashPlace place, IngestMode mode, int stage)
    {
        var result = await IngestRunner.RunAsync(Job(place, mode, stage, place.Store.OpenOptions));
        Assert.True(result.Outcome is IngestOutcome.Committed or IngestOutcome.NoNewRows, $"{place.Location}: ingestion ended {result.Outcome}: {result.Message}");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the system eventually.
        }
        return Task.CompletedTask;
    }
}
