using DeltaLite.Log;
using DeltaLite.Protocol;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>
    /// Deletes expired log files: commits, checkpoints and checksums older than <c>delta.logRetentionDuration</c>
    /// (default 30 days, by file time) that no retained version needs. The log keeps the newest checkpoint at or
    /// before the retention cutoff and everything after it, so every version from that checkpoint on stays readable;
    /// older versions become unreadable. A tagged version holds the log back: it stays readable until its tag is
    /// removed, and the result names the tag (<see cref="LogCleanupResult.HeldByTag"/>). Commits run this after each checkpoint unless
    /// <c>delta.enableExpiredLogCleanup</c> is false; an explicit call runs regardless of that property.
    /// </summary>
    /// <param name="now">The time to measure retention from (default: now).</param>
    /// <param name="dryRun">Only report what would be deleted.</param>
    /// <param name="cancellationToken">Cancels the cleanup (files already deleted stay deleted).</param>
    public async Task<LogCleanupResult> CleanupLogAsync(DateTimeOffset? now = null, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var snapshot = await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        TableFeatures.CheckWritable(snapshot.Protocol, snapshot.Metadata, Location);
        return await LogCleanup.RunAsync(Store, snapshot.Configuration, now ?? DateTimeOffset.UtcNow, dryRun, cancellationToken,
            Tags.TableTags.Parse(snapshot.GetDomainConfiguration(Tags.TableTags.Domain))).ConfigureAwait(false);
    }
}
