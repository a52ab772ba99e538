using DeltaLite.Log;
using DeltaLite.Reliability.Tests.Support;

namespace DeltaLite.Reliability.Tests.Crash;

/// <summary>
/// One operation under attack: the prepared table it starts from, the CLI command that runs it (killed), the same job
/// run in this process to completion (the rerun), and the fault points it passes through.
/// </summary>
/// <param name="Name">The operation, as the test cases name it.</param>
/// <param name="Base">The prepared table it starts from (a <see cref="CrashFixture"/> base), or null: no table yet.</param>
/// <param name="Points">Fault points (name or name:hit) the operation is known to reach: each is killed at once in
/// every run; a point the run never reaches fails the test.</param>
/// <param name="LongPoints">More hits of the same steps, for DELTALITE_LONG_TESTS=1.</param>
/// <param name="ExactlyOnce">The operation commits exactly one version, whatever the kills (ingestion): the latest
/// version after the rerun must be the base's plus one.</param>
internal sealed record CrashOperation(string Name, string? Base, string[] Points, string[] LongPoints, bool ExactlyOnce)
{
    /// <summary>The arguments of the CLI run (after any store arguments).</summary>
    public required Func<CrashFixture, CrashPlace, string[]> Command { get; init; }

    /// <summary>Runs the operation to completion in this process (the rerun after a kill).</summary>
    public required Func<CrashFixture, CrashPlace, Task> Rerun { get; init; }

    public override string ToString() => Name;

    private const string OptimizeTarget = "200000";

    /// <summary>An ingestion into an existing table: data files, the commit, then its checkpoint (interval 1).</summary>
    private static readonly string[] IncrementalIngestPoints =
    [
        "data-before-publish:1", "data-file-written:1", "after-data-files", "before-commit", "log-before-publish:1", "after-commit-before-checkpoint",
        "log-before-publish:2", "mid-checkpoint",
    ];

    /// <summary>Every operation of the suite.</summary>
    public static readonly CrashOperation[] All =
    [
        // The first load: creates the table (version 0; no checkpoint at version 0).
        new("ingest-create", null,
            ["data-before-publish:1", "data-file-written:1", "after-data-files", "before-commit", "log-before-publish:1", "after-commit-before-checkpoint"],
            ["data-before-publish:2", "data-file-written:2"], ExactlyOnce: true)
        {
            Command = (f, p) => f.IngestCommand(p, CrashFixture.Append, stage: 0),
            Rerun = (f, p) => f.IngestAsync(p, CrashFixture.Append, stage: 0),
        },
        // An incremental append: new and updated rows become new files; commit, then its checkpoint (interval 1).
        new("ingest-append", CrashFixture.AppendV0,
            IncrementalIngestPoints,
            ["data-before-publish:2", "data-file-written:2", "log-before-publish:3"], ExactlyOnce: true)
        {
            Command = (f, p) => f.IngestCommand(p, CrashFixture.Append, stage: 1),
            Rerun = (f, p) => f.IngestAsync(p, CrashFixture.Append, stage: 1),
        },
        // An incremental merge: files holding updated keys are rewritten, new rows added.
        new("ingest-merge", CrashFixture.MergeV0,
            IncrementalIngestPoints,
            ["data-before-publish:2", "data-file-written:2", "log-before-publish:3"], ExactlyOnce: true)
        {
            Command = (f, p) => f.IngestCommand(p, CrashFixture.Merge, stage: 1),
            Rerun = (f, p) => f.IngestAsync(p, CrashFixture.Merge, stage: 1),
        },
        // Compaction: bins of small files rewritten (one writer per bin), removes and adds with dataChange=false.
        new("optimize", CrashFixture.MergeV1,
            ["data-before-publish:1", "data-file-written:1", "after-data-files:1", "before-commit", "log-before-publish:1", "after-commit-before-checkpoint", "mid-checkpoint"],
            ["data-before-publish:2", "after-data-files:2", "log-before-publish:2", "log-before-publish:3"], ExactlyOnce: false)
        {
            Command = (_, p) => ["optimize", p.Location, "--target-size", OptimizeTarget],
            Rerun = async (_, p) =>
            {
                await using var t = await p.OpenAsync();
                await t.OptimizeAsync(targetSize: long.Parse(OptimizeTarget, System.Globalization.CultureInfo.InvariantCulture));
            },
        },
        // Vacuum with no retention: VACUUM START commit (and its checkpoint), deletes, VACUUM END commit.
        new("vacuum", CrashFixture.VacuumBase,
            ["before-commit:1", "after-commit-before-checkpoint:1", "mid-checkpoint:1", "mid-vacuum", "before-commit:2", "after-commit-before-checkpoint:2"],
            ["log-before-publish:1", "log-before-publish:2", "log-before-publish:4", "mid-checkpoint:2"], ExactlyOnce: false)
        {
            Command = (_, p) => ["vacuum", p.Location, "--retain", "0", "--force"],
            Rerun = async (_, p) =>
            {
                await using var t = await p.OpenAsync();
                await t.VacuumAsync(TimeSpan.Zero, force: true);
            },
        },
        // An explicit checkpoint: the checkpoint file, then _last_checkpoint.
        new("checkpoint", CrashFixture.MergeV1,
            ["log-before-publish:1", "mid-checkpoint", "log-before-publish:2"], [], ExactlyOnce: false)
        {
            Command = (_, p) => ["checkpoint", p.Location],
            Rerun = async (_, p) =>
            {
                await using var t = await p.OpenAsync();
                await CheckpointWriter.WriteAsync(await t.GetSnapshotAsync(null), DateTimeOffset.UtcNow, CancellationToken.None);
            },
        },
        // Restore to version 0: removes of the merge's files, re-adds of the rewritten ones, one commit.
        new("restore", CrashFixture.MergeV1,
            ["before-commit", "log-before-publish:1", "after-commit-before-checkpoint", "mid-checkpoint"], ["log-before-publish:2", "log-before-publish:3"], ExactlyOnce: false)
        {
            Command = (_, p) => ["restore", p.Location, "--version", "0"],
            Rerun = async (_, p) =>
            {
                await using var t = await p.OpenAsync();
                await t.RestoreAsync(0);
            },
        },
    ];
}

/// <summary>One table location on one store.</summary>
internal sealed record CrashPlace(TableStore Store, string Location)
{
    public Task<DeltaTable> OpenAsync() => Store.OpenAsync(Location);
}
