using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Log;
using DeltaLite.Snapshots;
using DeltaLite.Storage;

namespace DeltaLite.Transactions;

/// <summary>
/// One atomic change to a table. Stage actions, say what the change read (so concurrent writers can be checked
/// against it), then <see cref="CommitAsync"/>: the new version is written only if absent; when another writer
/// won the race, its commits are checked against ours by Delta's rules and, if compatible, ours is retried at the
/// next version, a bounded number of times with backoff.
/// </summary>
public sealed class Transaction
{
    /// <summary>The engine name written to commitInfo.engineInfo.</summary>
    public static readonly string EngineInfo = $"DeltaLite/{typeof(Transaction).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}";

    private readonly List<DeltaAction> _actions = [];
    private readonly HashSet<string> _readFiles = new(StringComparer.Ordinal);

    internal Transaction(DeltaTable table, Snapshot? readSnapshot, string operation)
    {
        Table = table;
        ReadSnapshot = readSnapshot;
        Operation = operation;
    }

    public DeltaTable Table { get; }

    /// <summary>The version this transaction read (null when it creates the table).</summary>
    public Snapshot? ReadSnapshot { get; }

    public string Operation { get; }

    /// <summary>Operation parameters for commitInfo (values are shown as strings, as Delta writers do).</summary>
    public Dictionary<string, string> OperationParameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Operation metrics for commitInfo.</summary>
    public Dictionary<string, long> OperationMetrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra commitInfo members (e.g. the ingestion source and watermark range).</summary>
    public JsonObject ExtraCommitInfo { get; } = [];

    /// <summary>How many times to try before giving up on a busy table.</summary>
    public int MaxAttempts { get; set; } = 25;

    /// <summary>A test hook: runs after the commit file is published and before the checkpoint.</summary>
    internal Func<long, Task>? AfterCommitHook { get; set; }

    public IReadOnlyList<DeltaAction> Actions => _actions;

    /// <summary>True when the change only adds data and read nothing (concurrent writers never conflict with it).</summary>
    public bool IsBlindAppend => !_readWholeTable && _readPredicates.Count == 0 && _readFiles.Count == 0
        && _actions.All(a => a is AddFile { DataChange: true } or SetTransaction or DomainMetadataAction or AddCdcFile);

    private bool _readWholeTable;
    private readonly List<Predicate> _readPredicates = [];

    public void Add(DeltaAction action) => _actions.Add(action);

    public void AddRange(IEnumerable<DeltaAction> actions) => _actions.AddRange(actions);

    /// <summary>Records that the change depends on every row of the table (e.g. an unpartitioned overwrite check).</summary>
    public void ReadWholeTable() => _readWholeTable = true;

    /// <summary>Records that the change depends on the rows matching <paramref name="predicate"/>.</summary>
    public void ReadRows(Predicate predicate) => _readPredicates.Add(predicate);

    /// <summary>Records that the change read (or rewrote) these files.</summary>
    public void ReadFiles(IEnumerable<AddFile> files)
    {
        foreach (var f in files) _readFiles.Add(f.Path);
    }

    /// <summary>Publishes the change as the next version.</summary>
    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        var store = Table.Store;
        long version = (ReadSnapshot?.Version ?? -1) + 1;
        var rng = new Random();
        for (int attempt = 1; ; attempt++)
        {
            var timestamp = DateTimeOffset.UtcNow;
            var bytes = ActionSerializer.WriteCommit(BuildActions(timestamp, attempt));
            Diagnostics.FaultPoints.Reach("before-commit");
            try
            {
                await store.WriteIfAbsentAsync(LogFile.CommitPath(version), bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectAlreadyExistsException)
            {
                if (ReadSnapshot is null)
                    throw new CommitConflictException(ConflictKind.TableAlreadyExists, version, $"{store.DisplayRoot}: the table was created by another writer at the same time.");
                long latest = await CheckWinnersAsync(version, cancellationToken).ConfigureAwait(false);
                if (attempt >= MaxAttempts)
                    throw new CommitConflictException(ConflictKind.TooManyRetries, latest,
                        $"{store.DisplayRoot}: gave up after {attempt} attempts; other writers keep committing (latest version {latest}).");
                int delay = Math.Min(2000, 10 * (1 << Math.Min(attempt, 8))) / 2;
                await Task.Delay(delay + rng.Next(delay + 1), cancellationToken).ConfigureAwait(false);
                // Others kept committing while we waited: check those too and aim past them, not at a version that
                // was already stale before the wait.
                latest = await CheckWinnersAsync(latest + 1, cancellationToken).ConfigureAwait(false);
                version = latest + 1;
                continue;
            }
            Diagnostics.FaultPoints.Reach("after-commit-before-checkpoint");
            if (AfterCommitHook is not null) await AfterCommitHook(version).ConfigureAwait(false);
            // A concurrent metadata change would have conflicted, so the configuration at our version is ours.
            var configuration = _actions.OfType<MetadataAction>().LastOrDefault()?.Configuration ?? ReadSnapshot?.Configuration;
            bool checkpoint = await Checkpoints.MaybeCheckpointAsync(Table, version, configuration, cancellationToken).ConfigureAwait(false);
            return new CommitResult(version, attempt, timestamp, checkpoint);
        }
    }

    private IEnumerable<DeltaAction> BuildActions(DateTimeOffset timestamp, int attempt)
    {
        var info = new JsonObject
        {
            ["timestamp"] = timestamp.ToUnixTimeMilliseconds(),
        };
        var config = _actions.OfType<MetadataAction>().LastOrDefault()?.Configuration ?? ReadSnapshot?.Configuration;
        if (config is not null && config.TryGetValue("delta.enableInCommitTimestamps", out var ict) && ict.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            long ts = timestamp.ToUnixTimeMilliseconds();
            if (ReadSnapshot is not null && ReadSnapshot.Timestamp.ToUnixTimeMilliseconds() >= ts) ts = ReadSnapshot.Timestamp.ToUnixTimeMilliseconds() + 1;
            info["inCommitTimestamp"] = ts;
        }
        info["operation"] = Operation;
        var parameters = new JsonObject();
        foreach (var kv in OperationParameters) parameters[kv.Key] = kv.Value;
        info["operationParameters"] = parameters;
        if (ReadSnapshot is not null) info["readVersion"] = ReadSnapshot.Version;
        info["isolationLevel"] = "Serializable";
        info["isBlindAppend"] = IsBlindAppend;
        var metrics = new JsonObject();
        foreach (var kv in OperationMetrics) metrics[kv.Key] = kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info["operationMetrics"] = metrics;
        info["engineInfo"] = EngineInfo;
        info["txnId"] = Guid.NewGuid().ToString();
        if (attempt > 1) info["attempts"] = attempt;
        foreach (var kv in ExtraCommitInfo) info[kv.Key] = kv.Value?.DeepClone();
        // commitInfo first: in-commit timestamps require it, and readers find provenance without scanning.
        yield return new CommitInfoAction(info);
        foreach (var a in _actions.OfType<ProtocolAction>()) yield return a;
        foreach (var a in _actions.OfType<MetadataAction>()) yield return a;
        foreach (var a in _actions.Where(a => a is not (ProtocolAction or MetadataAction or CommitInfoAction))) yield return a;
    }

    /// <summary>
    /// Reads the commits at or after <paramref name="from"/> and throws when one conflicts with ours; returns the
    /// latest version (<paramref name="from"/> - 1 when there is none).
    /// </summary>
    private async Task<long> CheckWinnersAsync(long from, CancellationToken ct)
    {
        var store = Table.Store;
        var files = await LogSegment.ListAsync(store, from, ct).ConfigureAwait(false);
        var winners = files.Where(f => f.Kind == LogFileKind.Commit && f.Version >= from).OrderBy(f => f.Version).ToList();
        long latest = from - 1;
        foreach (var w in winners)
        {
            var actions = await SnapshotBuilder.ReadCommitAsync(store, w, ct).ConfigureAwait(false);
            CheckConflict(w.Version, actions);
            latest = w.Version;
        }
        return latest;
    }

    private void CheckConflict(long winner, List<DeltaAction> theirs)
    {
        string table = Table.Store.DisplayRoot;
        CommitConflictException Conflict(ConflictKind kind, string what) =>
            new(kind, winner, $"{table}: a concurrent commit (version {winner}) {what}; this {Operation} read version {ReadSnapshot?.Version} and cannot be applied after it.");

        if (theirs.OfType<ProtocolAction>().Any()) throw Conflict(ConflictKind.ProtocolChanged, "changed the table protocol");
        if (theirs.OfType<MetadataAction>().Any()) throw Conflict(ConflictKind.MetadataChanged, "changed the table metadata (schema, partitioning or properties)");

        var ourApps = _actions.OfType<SetTransaction>().Select(t => t.AppId).ToHashSet(StringComparer.Ordinal);
        foreach (var t in theirs.OfType<SetTransaction>())
            if (ourApps.Contains(t.AppId)) throw Conflict(ConflictKind.ConcurrentTransaction, $"committed application transaction '{t.AppId}' version {t.Version}");

        var ourDomains = _actions.OfType<DomainMetadataAction>().Select(d => d.Domain).ToHashSet(StringComparer.Ordinal);
        foreach (var d in theirs.OfType<DomainMetadataAction>())
            if (ourDomains.Contains(d.Domain)) throw Conflict(ConflictKind.ConcurrentDomainMetadata, $"changed metadata domain '{d.Domain}'");

        var ourRemoves = _actions.OfType<RemoveFile>().Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var r in theirs.OfType<RemoveFile>())
        {
            if (ourRemoves.Contains(r.Path)) throw Conflict(ConflictKind.ConcurrentDeleteDelete, $"removed file '{r.Path}', which this change also removes");
            if (_readFiles.Contains(r.Path) && r.DataChange) throw Conflict(ConflictKind.ConcurrentDeleteRead, $"removed file '{r.Path}', which this change read");
        }

        if (!_readWholeTable && _readPredicates.Count == 0) return;
        foreach (var add in theirs.OfType<AddFile>().Where(a => a.DataChange))
        {
            if (_readWholeTable) throw Conflict(ConflictKind.ConcurrentAppend, $"added file '{add.Path}' to data this change read");
            var snapshot = ReadSnapshot!;
            var partition = snapshot.GetPartitionValues(add);
            var stats = snapshot.GetStatistics(add);
            foreach (var p in _readPredicates)
            {
                bool? byPartition = p.Evaluate(c => partition.TryGetValue(c, out var v) ? v : Predicate.Unknown);
                if (byPartition == false) continue;
                if (stats is not null && !p.MightMatch(new PartitionStats(stats, partition))) continue;
                throw Conflict(ConflictKind.ConcurrentAppend, $"added file '{add.Path}' with rows that may match '{p}', which this change read");
            }
        }
    }

    private sealed class PartitionStats(FileStatistics stats, Dictionary<string, object?> partition) : IColumnStatistics
    {
        public long? NumRecords => stats.NumRecords;

        public (object? Min, object? Max) Bounds(string column) => partition.TryGetValue(column, out var v) ? (v, v) : stats.Bounds(column);

        public long? NullCount(string column) => partition.TryGetValue(column, out var v) ? (v is null ? stats.NumRecords : 0) : stats.NullCount(column);
    }
}
