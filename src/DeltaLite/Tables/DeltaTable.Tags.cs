using DeltaLite.Actions;
using DeltaLite.Protocol;
using DeltaLite.Snapshots;
using DeltaLite.Tags;
using DeltaLite.Transactions;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>The tags at the latest version (or at <paramref name="snapshot"/>), by name.</summary>
    public async Task<IReadOnlyDictionary<string, TableTag>> GetTagsAsync(Snapshot? snapshot = null, CancellationToken cancellationToken = default)
    {
        snapshot ??= await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        return TableTags.Parse(snapshot.GetDomainConfiguration(TableTags.Domain));
    }

    /// <summary>Names <paramref name="version"/> (or moves the tag to it). The change is a commit of its own.</summary>
    public Task<CommitResult> SetTagAsync(string name, long version, string? description = null, CancellationToken cancellationToken = default)
    {
        TableTags.Validate(name);
        return ChangeTagsAsync($"tag {name} -> version {version}", async (snapshot, tags) =>
        {
            if (version < 0 || version > snapshot.Version)
                throw new VersionNotFoundException($"{Location}: cannot tag version {version}; versions run from 0 to {snapshot.Version}.");
            // The version must be readable now: a tag is a promise to keep it readable.
            await GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
            tags[name] = new TableTag(name, version, DateTimeOffset.UtcNow, description);
        }, cancellationToken);
    }

    /// <summary>Removes a tag (an error when it does not exist).</summary>
    public Task<CommitResult> DeleteTagAsync(string name, CancellationToken cancellationToken = default) =>
        ChangeTagsAsync($"untag {name}", (_, tags) =>
        {
            if (!tags.Remove(name)) throw new ArgumentException($"{Location}: no tag '{name}'. Tags: {(tags.Count == 0 ? "(none)" : string.Join(", ", tags.Keys))}.");
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>A version given as a number or a tag name.</summary>
    public async Task<long> ResolveVersionAsync(string versionOrTag, CancellationToken cancellationToken = default)
    {
        if (long.TryParse(versionOrTag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v)) return v;
        var tags = await GetTagsAsync(null, cancellationToken).ConfigureAwait(false);
        if (tags.TryGetValue(versionOrTag, out var tag)) return tag.Version;
        throw new VersionNotFoundException($"{Location}: '{versionOrTag}' is neither a version number nor a tag. Tags: {(tags.Count == 0 ? "(none)" : string.Join(", ", tags.Keys))}.");
    }

    /// <summary>The snapshot of a version given as a number or a tag name.</summary>
    public async Task<Snapshot> GetSnapshotAtAsync(string versionOrTag, CancellationToken cancellationToken = default) =>
        await GetSnapshotAsync(await ResolveVersionAsync(versionOrTag, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Commits a change to the tags. When another writer changes the tags at the same time, the change is applied
    /// again on top of theirs (a bounded number of times), so both land and no tag is lost.
    /// </summary>
    private async Task<CommitResult> ChangeTagsAsync(string what, Func<Snapshot, Dictionary<string, TableTag>, Task> change, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var txn = await BeginTransactionAsync("SET TAGS", ct).ConfigureAwait(false);
            var snapshot = txn.ReadSnapshot!;
            var tags = new Dictionary<string, TableTag>(TableTags.Parse(snapshot.GetDomainConfiguration(TableTags.Domain)), StringComparer.Ordinal);
            await change(snapshot, tags).ConfigureAwait(false);
            if (!TableFeatures.Has(snapshot.Protocol, "domainMetadata")) txn.Add(WithWriterFeature(snapshot.Protocol, "domainMetadata"));
            txn.Add(new DomainMetadataAction(TableTags.Domain, TableTags.ToJson(tags.Values), false));
            txn.OperationParameters["change"] = what;
            try
            {
                return await txn.CommitAsync(ct).ConfigureAwait(false);
            }
            catch (CommitConflictException e) when (e.Kind is ConflictKind.ConcurrentDomainMetadata or ConflictKind.ProtocolChanged && attempt < 10)
            {
                await Task.Delay(Random.Shared.Next(5, 50 * attempt), ct).ConfigureAwait(false);
            }
        }
    }
}
