using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Storage;

namespace DeltaLite.Snapshots;

/// <summary>
/// The table as it was at one version: protocol, metadata, live files, tombstones, application transactions and
/// domain metadata. Immutable; built by replaying a <see cref="LogSegment"/>.
/// </summary>
public sealed partial class Snapshot
{
    internal Snapshot(IObjectStore store, LogSegment segment, DateTimeOffset timestamp, ProtocolAction protocol, MetadataAction metadata,
        IReadOnlyList<AddFile> files, IReadOnlyList<RemoveFile> tombstones, IReadOnlyDictionary<string, SetTransaction> transactions,
        IReadOnlyDictionary<string, DomainMetadataAction> domains, long? inCommitTimestampEnablementVersion)
    {
        Store = store;
        Segment = segment;
        Timestamp = timestamp;
        Protocol = protocol;
        Metadata = metadata;
        Files = files;
        Tombstones = tombstones;
        Transactions = transactions;
        Domains = domains;
        InCommitTimestampEnablementVersion = inCommitTimestampEnablementVersion;
    }

    public IObjectStore Store { get; }

    public LogSegment Segment { get; }

    public long Version => Segment.Version;

    /// <summary>When this version was committed (its in-commit timestamp where enabled, else its commit file's time).</summary>
    public DateTimeOffset Timestamp { get; }

    public ProtocolAction Protocol { get; }

    public MetadataAction Metadata { get; }

    public IReadOnlyList<string> PartitionColumns => Metadata.PartitionColumns;

    public IReadOnlyDictionary<string, string> Configuration => Metadata.Configuration;

    /// <summary>The live data files, in a stable order (by path).</summary>
    public IReadOnlyList<AddFile> Files { get; }

    /// <summary>Files removed and not yet expired, as the log records them.</summary>
    public IReadOnlyList<RemoveFile> Tombstones { get; }

    /// <summary>The latest <c>txn</c> of each application id.</summary>
    public IReadOnlyDictionary<string, SetTransaction> Transactions { get; }

    /// <summary>The live (not removed) domain metadata, by domain.</summary>
    public IReadOnlyDictionary<string, DomainMetadataAction> Domains { get; }

    /// <summary>The version from which in-commit timestamps are on, when they are.</summary>
    public long? InCommitTimestampEnablementVersion { get; }

    /// <summary>The configuration of a domain, or null when the domain is absent or removed.</summary>
    public string? GetDomainConfiguration(string domain) => Domains.TryGetValue(domain, out var d) ? d.Configuration : null;

    /// <summary>The latest version application <paramref name="appId"/> committed, or null.</summary>
    public long? GetTransactionVersion(string appId) => Transactions.TryGetValue(appId, out var t) ? t.Version : null;

    /// <summary>Total bytes of the live files.</summary>
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>A table property, or <paramref name="defaultValue"/>.</summary>
    public string? GetProperty(string key, string? defaultValue = null) => Configuration.TryGetValue(key, out var v) ? v : defaultValue;
}
