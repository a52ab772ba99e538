using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Protocol;
using DeltaLite.Schema;
using DeltaLite.Snapshots;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>Begins a transaction on the latest version (for custom changes; the operations below use it too).</summary>
    public async Task<Transaction> BeginTransactionAsync(string operation, CancellationToken cancellationToken = default)
    {
        var snapshot = await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        TableFeatures.CheckWritable(snapshot.Protocol, snapshot.Metadata, Location);
        return new Transaction(this, snapshot, operation);
    }

    /// <summary>Creates the table (version 0) with the lowest protocol its features need.</summary>
    public async Task<CommitResult> CreateAsync(Parquet.Schema schema, CreateTableOptions? options = null, CancellationToken cancellationToken = default,
        IReadOnlyList<DomainMetadataAction>? domainMetadata = null)
    {
        options ??= new CreateTableOptions();
        if (await ExistsAsync(cancellationToken).ConfigureAwait(false))
            throw new TableOperationException($"{Location}: a Delta table already exists here.");
        var txn = new Transaction(this, null, "CREATE TABLE");
        foreach (var a in CreateActions(schema, options, domainMetadata?.Count > 0)) txn.Add(a);
        if (domainMetadata is not null) txn.AddRange(domainMetadata);
        txn.OperationParameters["partitionBy"] = new JsonArray(options.PartitionColumns.Select(c => (JsonNode?)c).ToArray()).ToJsonString();
        if (options.Description is not null) txn.OperationParameters["description"] = options.Description;
        txn.OperationParameters["properties"] = new JsonObject(options.Properties.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))).ToJsonString();
        return await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal IEnumerable<DeltaAction> CreateActions(Parquet.Schema schema, CreateTableOptions options, bool usesDomains)
    {
        if (schema.Count == 0) throw new ArgumentException("A table needs at least one column.", nameof(schema));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in schema.Fields)
            if (!names.Add(f.Name)) throw new ArgumentException($"Column '{f.Name}' appears twice (names are case-insensitive in Delta).", nameof(schema));
        foreach (var p in options.PartitionColumns)
        {
            int i = schema.IndexOf(p);
            if (i < 0) throw new ArgumentException($"Partition column '{p}' is not in the schema.", nameof(options));
            if (!schema[i].Type.IsPrimitive) throw new ArgumentException($"Partition column '{p}' is {DeltaSchema.TypeName(schema[i].Type)}; partition columns must be primitive.", nameof(options));
        }
        if (options.PartitionColumns.Count == schema.Count) throw new ArgumentException("At least one column must not be a partition column.", nameof(options));

        var config = new Dictionary<string, string>(options.Properties, StringComparer.Ordinal);
        // Properties that turn on features whose writers must do more than DeltaLite does.
        foreach (var (key, value) in config)
        {
            if ((key == "delta.enableChangeDataFeed" && value.Equals("true", StringComparison.OrdinalIgnoreCase)) || key.StartsWith("delta.constraints.", StringComparison.Ordinal))
                throw new ArgumentException($"Table property {key} = '{value}' needs a writer that {(key.StartsWith("delta.constraints.", StringComparison.Ordinal) ? "enforces CHECK constraints" : "writes change data files")}, which DeltaLite does not do; leave it out.", nameof(options));
        }
        var mode = DeltaSchema.ParseColumnMappingMode(config);
        if (mode != ColumnMappingMode.None)
        {
            int next = 0;
            schema = new Parquet.Schema(schema.Fields.Select(f => AssignMapping(f, ref next)).ToArray());
            config["delta.columnMapping.maxColumnId"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        bool ntz = DeltaSchema.ToJson(schema).Contains("\"timestamp_ntz\"", StringComparison.Ordinal);
        bool ict = config.TryGetValue("delta.enableInCommitTimestamps", out var ictv) && ictv.Equals("true", StringComparison.OrdinalIgnoreCase);
        if (ict) config["delta.inCommitTimestampEnablementVersion"] = "0";
        var readerFeatures = new List<string>();
        var writerFeatures = new List<string>();
        if (ntz) { readerFeatures.Add("timestampNtz"); writerFeatures.Add("timestampNtz"); }
        bool dv = config.TryGetValue("delta.enableDeletionVectors", out var dvv) && dvv.Equals("true", StringComparison.OrdinalIgnoreCase);
        if (dv) { readerFeatures.Add("deletionVectors"); writerFeatures.Add("deletionVectors"); }
        if (mode != ColumnMappingMode.None) { readerFeatures.Add("columnMapping"); writerFeatures.Add("columnMapping"); }
        if (usesDomains) writerFeatures.Add("domainMetadata");
        if (ict) writerFeatures.Add("inCommitTimestamp");
        if (config.TryGetValue("delta.appendOnly", out var ao) && ao.Equals("true", StringComparison.OrdinalIgnoreCase)) writerFeatures.Add("appendOnly");
        ProtocolAction protocol;
        if (ntz || dv) protocol = new ProtocolAction(3, 7, readerFeatures, writerFeatures);
        else if (writerFeatures.Count > 0 && (usesDomains || ict)) protocol = new ProtocolAction(mode != ColumnMappingMode.None ? 2 : 1, 7, null, writerFeatures);
        else if (mode != ColumnMappingMode.None) protocol = new ProtocolAction(2, 5);
        else protocol = new ProtocolAction(1, 2);
        yield return protocol;
        yield return new MetadataAction(Guid.NewGuid().ToString(), options.Name, options.Description, FormatSpec.Parquet, DeltaSchema.ToJson(schema),
            options.PartitionColumns.ToList(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), config);
    }

    internal static Field AssignMapping(Field f, ref int next)
    {
        var type = f.Type;
        if (type is StructType s)
        {
            var children = new Field[s.Fields.Count];
            for (int i = 0; i < children.Length; i++) children[i] = AssignMapping(s.Fields[i], ref next);
            type = new StructType(children);
        }
        int id = ++next;
        return f with
        {
            Type = type,
            Metadata = f.Metadata.With("delta.columnMapping.id", id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .With("delta.columnMapping.physicalName", System.Text.Json.JsonSerializer.Serialize("col-" + Guid.NewGuid())),
        };
    }

    /// <summary>
    /// Creates the table and writes its first rows in one commit (version 0), so a first load is one version.
    /// Fails with <see cref="CommitConflictException"/> (TableAlreadyExists) if another writer created it meanwhile.
    /// </summary>
    public async Task<CommitResult> CreateWithDataAsync(Parquet.Schema schema, CreateTableOptions options, IAsyncEnumerable<RecordBatch> data,
        WriteOptions? writeOptions = null, CancellationToken cancellationToken = default)
    {
        writeOptions ??= new WriteOptions();
        if (await ExistsAsync(cancellationToken).ConfigureAwait(false))
            throw new TableOperationException($"{Location}: a Delta table already exists here.");
        var txn = new Transaction(this, null, "CREATE TABLE AS SELECT");
        var actions = CreateActions(schema, options, writeOptions.DomainMetadata is not null).ToList();
        txn.AddRange(actions);
        var metadata = actions.OfType<MetadataAction>().Single();
        var tableSchema = DeltaSchema.Parse(metadata.SchemaString);
        txn.OperationParameters["partitionBy"] = new JsonArray(options.PartitionColumns.Select(c => (JsonNode?)c).ToArray()).ToJsonString();
        await using var writer = new DataFileWriter(Store, tableSchema, options.PartitionColumns, metadata.Configuration, writeOptions);
        SchemaAlignment? alignment = null;
        long rows = 0;
        await foreach (var batch in data.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            alignment ??= SchemaAlignment.Create(Location, tableSchema, batch.Schema, false, options.PartitionColumns);
            await writer.WriteAsync(alignment.Apply(batch), cancellationToken).ConfigureAwait(false);
            rows += batch.RowCount;
        }
        var added = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        txn.AddRange(added);
        if (writeOptions.ApplicationTransaction is var (appId, appVersion))
            txn.Add(new SetTransaction(appId, appVersion, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        if (writeOptions.DomainMetadata is { Count: > 0 } domains) txn.AddRange(domains);
        txn.OperationMetrics["numFiles"] = added.Count;
        txn.OperationMetrics["numOutputRows"] = rows;
        txn.OperationMetrics["numOutputBytes"] = added.Sum(a => a.Size);
        if (writeOptions.CommitInfo is not null) foreach (var kv in writeOptions.CommitInfo) txn.ExtraCommitInfo[kv.Key] = kv.Value?.DeepClone();
        return await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends rows as one new version.</summary>
    public Task<CommitResult> AppendAsync(IAsyncEnumerable<RecordBatch> data, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync("WRITE", "Append", data, overwrite: false, replaceWhere: null, options ?? new WriteOptions(), cancellationToken);

    public Task<CommitResult> AppendAsync(IEnumerable<RecordBatch> data, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        AppendAsync(data.ToAsyncEnumerable(), options, cancellationToken);

    /// <summary>Replaces all rows (or, with <paramref name="replaceWhere"/>, only the rows matching it) with <paramref name="data"/>.</summary>
    public Task<CommitResult> OverwriteAsync(IAsyncEnumerable<RecordBatch> data, Predicate? replaceWhere = null, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync("WRITE", "Overwrite", data, overwrite: true, replaceWhere, options ?? new WriteOptions(), cancellationToken);

    public Task<CommitResult> OverwriteAsync(IEnumerable<RecordBatch> data, Predicate? replaceWhere = null, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        OverwriteAsync(data.ToAsyncEnumerable(), replaceWhere, options, cancellationToken);

    /// <summary>Deletes the rows matching <paramref name="predicate"/> (files wholly matched are removed, others rewritten).</summary>
    public async Task<CommitResult> DeleteAsync(Predicate predicate, CancellationToken cancellationToken = default)
    {
        var txn = await BeginTransactionAsync("DELETE", cancellationToken).ConfigureAwait(false);
        CheckNotAppendOnly(txn.ReadSnapshot!);
        txn.OperationParameters["predicate"] = new JsonArray((JsonNode?)predicate.ToString()).ToJsonString();
        await using var writer = new DataFileWriter(Store, txn.ReadSnapshot!.Schema, txn.ReadSnapshot.PartitionColumns, txn.ReadSnapshot.Configuration, new WriteOptions());
        var (removed, deletedRows, copiedRows) = await RemoveMatchingAsync(txn, predicate, writer, cancellationToken).ConfigureAwait(false);
        var added = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        txn.AddRange(added);
        txn.OperationMetrics["numRemovedFiles"] = removed;
        txn.OperationMetrics["numAddedFiles"] = added.Count;
        txn.OperationMetrics["numDeletedRows"] = deletedRows;
        txn.OperationMetrics["numCopiedRows"] = copiedRows;
        return await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void CheckNotAppendOnly(Snapshot s)
    {
        if (s.Configuration.TryGetValue("delta.appendOnly", out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase))
            throw new TableOperationException($"{Location}: the table is append-only (delta.appendOnly = true); rows cannot be deleted or replaced.");
    }

    /// <summary>
    /// Stages removes for files with rows matching <paramref name="predicate"/>, rewriting the rows that do not match
    /// through <paramref name="writer"/>; returns files removed, rows deleted, rows copied.
    /// </summary>
    internal async Task<(long Removed, long Deleted, long Copied)> RemoveMatchingAsync(Transaction txn, Predicate predicate, DataFileWriter writer, CancellationToken ct)
    {
        var snapshot = txn.ReadSnapshot!;
        txn.ReadRows(predicate);
        var candidates = snapshot.SelectFiles(predicate);
        txn.ReadFiles(candidates);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long removed = 0, deleted = 0, copied = 0;
        var dataColumns = snapshot.Schema.Fields;
        foreach (var file in candidates)
        {
            var partition = snapshot.GetPartitionValues(file);
            bool? whole = predicate.Evaluate(c => partition.TryGetValue(c, out var v) ? v : Predicate.Unknown);
            if (whole == true)
            {
                txn.Add(file.ToRemove(now));
                removed++;
                deleted += snapshot.GetStatistics(file)?.NumRecords - (file.DeletionVector?.Cardinality ?? 0) ?? 0;
                continue;
            }
            var keep = new List<RecordBatch>();
            long matched = 0, kept = 0;
            await foreach (var batch in snapshot.ReadFileAsync(file, dataColumns, ct).ConfigureAwait(false))
            {
                var cols = new Dictionary<string, ColumnVector>(StringComparer.Ordinal);
                for (int c = 0; c < batch.Columns.Count; c++) cols[batch.Schema[c].Name] = batch.Columns[c];
                var mask = new bool[batch.RowCount];
                for (int r = 0; r < batch.RowCount; r++)
                {
                    int row = r;
                    bool match = predicate.Evaluate(n => cols.TryGetValue(n, out var v) ? v.GetValue(row) : Predicate.Unknown) == true;
                    mask[r] = !match;
                    if (match) matched++; else kept++;
                }
                if (kept > 0) keep.Add(VectorOps.Filter(batch, mask));
            }
            if (matched == 0) continue;
            txn.Add(file.ToRemove(now));
            removed++;
            deleted += matched;
            copied += kept;
            foreach (var b in keep) await writer.WriteAsync(b, ct).ConfigureAwait(false);
        }
        return (removed, deleted, copied);
    }

    private async Task<CommitResult> WriteAsync(string operation, string mode, IAsyncEnumerable<RecordBatch> data, bool overwrite, Predicate? replaceWhere,
        WriteOptions options, CancellationToken ct)
    {
        var txn = await BeginTransactionAsync(operation, ct).ConfigureAwait(false);
        var snapshot = txn.ReadSnapshot!;
        if (options.ApplicationTransaction is var (appId, appVersion) && snapshot.GetTransactionVersion(appId) is long done && done >= appVersion)
            return new CommitResult(snapshot.Version, 0, snapshot.Timestamp, false) { Skipped = true };
        if (overwrite) CheckNotAppendOnly(snapshot);
        txn.OperationParameters["mode"] = mode;
        txn.OperationParameters["partitionBy"] = new JsonArray(snapshot.PartitionColumns.Select(c => (JsonNode?)c).ToArray()).ToJsonString();
        if (replaceWhere is not null) txn.OperationParameters["predicate"] = replaceWhere.ToString();

        SchemaAlignment? alignment = null;
        DataFileWriter? writer = null;
        try
        {
            long rows = 0;
            await foreach (var batch in data.WithCancellation(ct).ConfigureAwait(false))
            {
                if (alignment is null)
                {
                    alignment = SchemaAlignment.Create(Location, snapshot.Schema, batch.Schema, options.MergeSchema, snapshot.PartitionColumns, snapshot.Configuration);
                    writer = new DataFileWriter(Store, alignment.Target, snapshot.PartitionColumns, snapshot.Configuration, options);
                }
                var aligned = alignment.Apply(batch);
                if (replaceWhere is not null) CheckMatches(aligned, replaceWhere, rows);
                await writer!.WriteAsync(aligned, ct).ConfigureAwait(false);
                rows += batch.RowCount;
            }
            writer ??= new DataFileWriter(Store, snapshot.Schema, snapshot.PartitionColumns, snapshot.Configuration, options);
            long removedFiles = 0, deletedRows = 0;
            if (overwrite && replaceWhere is null)
            {
                txn.ReadWholeTable();
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var f in snapshot.Files) { txn.Add(f.ToRemove(now)); removedFiles++; }
            }
            else if (overwrite)
            {
                (removedFiles, deletedRows, _) = await RemoveMatchingAsync(txn, replaceWhere!, writer, ct).ConfigureAwait(false);
            }
            var added = await writer.FinishAsync(ct).ConfigureAwait(false);
            txn.AddRange(added);
            if (alignment?.SchemaChanged == true)
                txn.Add(alignment.UpdateMetadata(snapshot.Metadata));
            AddApplicationState(txn, snapshot, options);
            txn.OperationMetrics["numFiles"] = added.Count;
            txn.OperationMetrics["numOutputRows"] = rows;
            txn.OperationMetrics["numOutputBytes"] = added.Sum(a => a.Size);
            if (overwrite) txn.OperationMetrics["numRemovedFiles"] = removedFiles;
            if (options.CommitInfo is not null) foreach (var kv in options.CommitInfo) txn.ExtraCommitInfo[kv.Key] = kv.Value?.DeepClone();
            return await txn.CommitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Adds the txn and domain metadata of a write (upgrading the protocol for domains when needed).</summary>
    internal static void AddApplicationState(Transaction txn, Snapshot snapshot, WriteOptions options)
    {
        if (options.ApplicationTransaction is var (appId, appVersion))
            txn.Add(new SetTransaction(appId, appVersion, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        // The list may be filled while the data is read (a CSV run learns its watermark at the end): read it now.
        if (options.DomainMetadata is { Count: > 0 } domains)
        {
            if (!TableFeatures.Has(snapshot.Protocol, "domainMetadata")) txn.Add(WithWriterFeature(snapshot.Protocol, "domainMetadata"));
            txn.AddRange(domains);
        }
    }

    /// <summary>The protocol with one more writer feature (moving a legacy writer version to 7 with its implied features).</summary>
    internal static ProtocolAction WithWriterFeature(ProtocolAction p, string feature)
    {
        var features = new List<string>(p.WriterFeatures ?? []);
        if (p.MinWriterVersion < 7)
        {
            if (p.MinWriterVersion >= 2) features.AddRange(["appendOnly", "invariants"]);
            if (p.MinWriterVersion >= 3) features.Add("checkConstraints");
            if (p.MinWriterVersion >= 4) features.AddRange(["changeDataFeed", "generatedColumns"]);
            if (p.MinWriterVersion >= 5) features.Add("columnMapping");
            if (p.MinWriterVersion >= 6) features.Add("identityColumns");
        }
        if (!features.Contains(feature)) features.Add(feature);
        return new ProtocolAction(p.MinReaderVersion, 7, p.MinReaderVersion >= 3 ? p.ReaderFeatures ?? [] : null, features.Distinct().ToList());
    }

    private static void CheckMatches(RecordBatch batch, Predicate predicate, long rowBase)
    {
        var cols = new Dictionary<string, ColumnVector>(StringComparer.Ordinal);
        for (int c = 0; c < batch.Columns.Count; c++) cols[batch.Schema[c].Name] = batch.Columns[c];
        for (int r = 0; r < batch.RowCount; r++)
        {
            int row = r;
            if (predicate.Evaluate(n => cols.TryGetValue(n, out var v) ? v.GetValue(row) : Predicate.Unknown) != true)
                throw new ArgumentException($"Row {rowBase + r} of the data does not match the replace condition '{predicate}'; every written row must.");
        }
    }
}

internal static class AsyncEnumerableExtensions
{
    public static async IAsyncEnumerable<T> ToAsyncEnumerable<T>(this IEnumerable<T> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var i in items)
        {
            ct.ThrowIfCancellationRequested();
            yield return i;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
