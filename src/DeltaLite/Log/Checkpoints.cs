using System.Diagnostics;
using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>When to checkpoint after a commit.</summary>
internal static class Checkpoints
{
    /// <summary>
    /// Writes a checkpoint of <paramref name="version"/> when it is a multiple of the table's checkpoint interval.
    /// The commit has already landed, so a failure here is reported, never thrown: the next commit tries again.
    /// </summary>
    /// <remarks>A caller that knows the table configuration at <c>version</c> (a committer does: its read version's, or
    /// the one it committed) passes it to spare replaying the log on commits that do not checkpoint.</remarks>
    public static async Task<bool> MaybeCheckpointAsync(DeltaTable table, long version, IReadOnlyDictionary<string, string>? configuration, CancellationToken ct)
    {
        if (version == 0) return false;
        if (configuration is not null && version % Retention.CheckpointInterval(configuration) != 0) return false;
        try
        {
            var snapshot = await table.GetSnapshotAsync(version, ct).ConfigureAwait(false);
            if (version % Retention.CheckpointInterval(snapshot.Configuration) != 0) return false;
            var now = DateTimeOffset.UtcNow;
            await CheckpointWriter.WriteAsync(snapshot, now, ct).ConfigureAwait(false);
            // As Delta does: expired log files go after a checkpoint, unless the table turns that off.
            if (!(snapshot.Configuration.TryGetValue("delta.enableExpiredLogCleanup", out var cleanup) && cleanup.Equals("false", StringComparison.OrdinalIgnoreCase)))
            {
                try
                {
                    await LogCleanup.RunAsync(table.Store, snapshot.Configuration, now, dryRun: false, ct,
                        Tags.TableTags.Parse(snapshot.GetDomainConfiguration(Tags.TableTags.Domain))).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or DeltaLogException or UnauthorizedAccessException or FormatException)
                {
                    Trace.TraceWarning($"{table.Location}: log cleanup after the checkpoint of version {version} failed ({e.Message}); a later checkpoint retries it.");
                }
            }
            return true;
        }
        catch (Exception e) when (e is IOException or DeltaLogException or UnauthorizedAccessException)
        {
            Trace.TraceWarning($"{table.Location}: checkpoint of version {version} failed ({e.Message}); the commit stands and a later commit will checkpoint.");
            return false;
        }
    }
}
