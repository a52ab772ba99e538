using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeltaLite.Actions;
using DeltaLite.Ingest.Csv;
using DeltaLite.Ingest.Sql;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Snapshots;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite.Ingest;

/// <summary>
/// Runs an ingestion job: reads only the source rows past the table's stored watermark and commits them, with the
/// new watermark (domain metadata <c>deltalite.ingest.&lt;source-id&gt;</c>) and an application transaction, as one
/// new table version. A crash before the commit leaves table and watermark as they were, so the next run loads the
/// same rows once; a concurrent run of the same job loses the commit race on the watermark domain and commits nothing.
/// </summary>
public static partial class IngestRunner
{
    public static async Task<IngestResult> RunAsync(IngestJob job, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        job.Validate();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(job, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (CommitConflictException e) when (e.Kind == ConflictKind.TableAlreadyExists && attempt == 1)
            {
                // Another run created the table at the same moment: run again against what it committed.
            }
        }
    }

    /// <summary>The id under which a source's state is kept: the job's, or kind and table (or a hash of the query / path).</summary>
    public static string SourceIdOf(IngestJob job)
    {
        if (job.SourceId is { Length: > 0 } id)
        {
            if (!SafeId().IsMatch(id)) throw new IngestException($"Source id '{id}' may only hold letters, digits, '.', '_' and '-'.");
            return id;
        }
        string name = job.Source switch
        {
            SourceKind.Csv => "csv." + Slug(job.Path!),
            _ when job.Table is not null => job.Source.ToString().ToLowerInvariant() + "." + Slug(job.Table),
            _ => job.Source.ToString().ToLowerInvariant() + ".query-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(job.Query!)))[..12].ToLowerInvariant(),
        };
        return name;
    }

    private static string Slug(string s)
    {
        var slug = NonIdChars().Replace(s.Trim().ToLowerInvariant(), "_").Trim('_');
        return slug.Length == 0 ? "source" : slug.Length > 80 ? slug[..80] : slug;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,120}$")]
    private static partial Regex SafeId();

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NonIdChars();

    private static async Task<IngestResult> RunOnceAsync(IngestJob job, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string sourceId = SourceIdOf(job);
        await using var table = await DeltaTable.OpenAsync(job.Target!, job.StorageOptions, ct).ConfigureAwait(false);
        bool exists = await table.ExistsAsync(ct).ConfigureAwait(false);
        Snapshot? snapshot = exists ? await table.GetSnapshotAsync(null, ct).ConfigureAwait(false) : null;
        var state = snapshot?.GetDomainConfiguration(IngestState.DomainPrefix + sourceId) is { } json
            ? IngestState.Parse(sourceId, json) : IngestState.Empty(sourceId, job.WatermarkColumn);
        if (state.WatermarkColumn is not null && job.WatermarkColumn is not null && !string.Equals(state.WatermarkColumn, job.WatermarkColumn, StringComparison.OrdinalIgnoreCase) && job.Mode != IngestMode.Overwrite)
            throw new IngestException($"Source '{sourceId}' was loaded by watermark column '{state.WatermarkColumn}', not '{job.WatermarkColumn}'; use another source id or a full reload.");

        return job.Source == SourceKind.Csv
            ? await RunCsvAsync(job, table, snapshot, state, progress, clock, ct).ConfigureAwait(false)
            : await RunSqlAsync(job, table, snapshot, state, progress, clock, ct).ConfigureAwait(false);
    }

    private static async Task<IngestResult> RunSqlAsync(IngestJob job, DeltaTable table, Snapshot? snapshot, IngestState state,
        IProgress<IngestProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var source = new SqlSource(job);
        progress?.Report(new IngestProgress("reading schema", 0, 0));
        var schema = await source.GetSchemaAsync(ct).ConfigureAwait(false);
        var low = job.Mode == IngestMode.Overwrite ? null : state.Watermark;
        progress?.Report(new IngestProgress("capturing the high watermark", 0, 0));
        var high = await source.GetHighWatermarkAsync(ct).ConfigureAwait(false);
        var baseResult = new IngestResult
        {
            Outcome = IngestOutcome.NoNewRows,
            SourceId = state.SourceId,
            Source = source.Description,
            Target = table.Location,
            WatermarkColumn = job.WatermarkColumn,
            WatermarkFrom = low?.Text,
            WatermarkTo = (high ?? low)?.Text,
        };
        // Rows with a NULL watermark are read by the first load of the source (or a full reload) only: later runs
        // cannot tell new NULL rows from loaded ones, so they count them instead (NullWatermarkRows).
        bool includeNulls = job.WatermarkColumn is not null && low is null && (job.Mode == IngestMode.Overwrite || state.Runs == 0);
        bool nothingNew = job.WatermarkColumn is not null && (high is null ? !includeNulls : low is not null && high.CompareTo(low) <= 0);
        long nullRows = 0;
        if (job.WatermarkColumn is not null && !includeNulls)
            nullRows = await CountNullWatermarkAsync(source, job, ct).ConfigureAwait(false);
        if (nothingNew && !job.CommitWhenEmpty)
            return baseResult with { Duration = clock.Elapsed, NullWatermarkRows = nullRows, Version = snapshot?.Version, Message = "no new rows past the watermark" };

        var readLow = low;
        if (job.Mode == IngestMode.Merge && job.Lookback is { } lookback && low is not null) readLow = low.Minus(lookback);
        if (job.DryRun)
        {
            long count = nothingNew ? 0 : await source.CountAsync(readLow, high, includeNulls, ct).ConfigureAwait(false);
            return baseResult with
            {
                Outcome = IngestOutcome.DryRun, RowsRead = count, Duration = clock.Elapsed, NullWatermarkRows = nullRows,
                Message = $"would read {count} rows ({(readLow is null ? "from the start" : $"after {readLow.Text}")}{(high is null ? "" : $" up to {high.Text}")}) and {Verb(job, snapshot)} {table.Location}",
            };
        }

        var newState = state with { WatermarkColumn = job.WatermarkColumn, Watermark = high ?? low, Runs = state.Runs + 1 };
        long rowsRead = 0;
        var rate = Stopwatch.StartNew();
        // Nothing past the watermark but asked to commit: an empty version with the state, without reading anything.
        var data = nothingNew ? Empty() : source.ReadAsync(schema, readLow, high, includeNulls, rows =>
        {
            rowsRead = rows;
            progress?.Report(new IngestProgress("loading", rows, rows / Math.Max(rate.Elapsed.TotalSeconds, 0.001)));
        }, ct);
        var domains = new List<DomainMetadataAction> { new(newState.Domain, newState.ToJson(), false) };
        var commitInfo = CommitInfo(job, source.Description, low, high ?? low);
        var result = await CommitAsync(job, table, snapshot, schema, data, domains, commitInfo, newState, ct).ConfigureAwait(false);
        return result with
        {
            SourceId = state.SourceId, Source = source.Description, Target = table.Location, WatermarkColumn = job.WatermarkColumn,
            WatermarkFrom = low?.Text, WatermarkTo = (high ?? low)?.Text, RowsRead = rowsRead, Duration = clock.Elapsed, NullWatermarkRows = nullRows,
        };
    }

#pragma warning disable CS1998 // an empty async stream
    private static async IAsyncEnumerable<RecordBatch> Empty()
    {
        yield break;
    }
#pragma warning restore CS1998

    private static async Task<long> CountNullWatermarkAsync(SqlSource source, IngestJob job, CancellationToken ct)
    {
        await using var connection = source.Dialect.CreateConnection(job.ResolveConnection());
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {source.From} WHERE {source.Dialect.QuoteIdentifier(job.WatermarkColumn!)} IS NULL";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Verb(IngestJob job, Snapshot? snapshot) => snapshot is null ? "create" : job.Mode switch
    {
        IngestMode.Append => "append to",
        IngestMode.Merge => "merge into",
        _ => "overwrite",
    };

    private static Dictionary<string, JsonNode?> CommitInfo(IngestJob job, string source, WatermarkValue? from, WatermarkValue? to) => new()
    {
        ["deltalite.source"] = source,
        ["deltalite.mode"] = job.Mode.ToString().ToLowerInvariant(),
        ["deltalite.watermark"] = job.WatermarkColumn is null ? null : new JsonObject
        {
            ["column"] = job.WatermarkColumn,
            ["from"] = from?.Text,
            ["to"] = to?.Text,
        },
    };

    /// <summary>Writes the rows with the state in one commit; a concurrent run of the same job is detected here.</summary>
    private static async Task<IngestResult> CommitAsync(IngestJob job, DeltaTable table, Snapshot? snapshot, Parquet.Schema schema,
        IAsyncEnumerable<RecordBatch> data, List<DomainMetadataAction> domains, Dictionary<string, JsonNode?> commitInfo, IngestState newState, CancellationToken ct)
    {
        // Reading and parsing the source overlap encoding and writing (bounded: a few batches ahead).
        data = ReadAhead.Batches(data, depth: 4, ct);
        var appTxn = (IngestState.DomainPrefix + newState.SourceId, newState.Runs);
        var writeOptions = new WriteOptions
        {
            MergeSchema = job.MergeSchema,
            ApplicationTransaction = appTxn,
            DomainMetadata = domains,
            CommitInfo = commitInfo,
        };
        if (snapshot is null && !job.CommitWhenEmpty)
        {
            // A first run over an empty source creates no table (an empty one only when asked, with CommitWhenEmpty).
            var peeked = await PeekAsync(data, ct).ConfigureAwait(false);
            if (peeked is null)
                return new IngestResult
                {
                    Outcome = IngestOutcome.NoNewRows, SourceId = newState.SourceId, Source = "", Target = table.Location,
                    Message = "the source has no rows: no table was created",
                };
            data = peeked;
        }
        // Merge mode keeps one row per key. A first run creates the table without a merge: check the keys here, as the
        // merge does on later runs (a CSV folder may hold two versions of a row in one run).
        if (job.Mode == IngestMode.Merge && snapshot is null) data = UniqueKeys(data, job.KeyColumns);
        var counted = Count(data);
        CommitResult commit;
        try
        {
            if (snapshot is null)
            {
                var options = new CreateTableOptions { PartitionColumns = job.PartitionBy, Properties = job.TableProperties };
                try
                {
                    commit = await table.CreateWithDataAsync(schema, options, counted.Items, writeOptions, ct).ConfigureAwait(false);
                }
                catch (TableOperationException e)
                {
                    // Another run created the table after this one looked: the same race as a lost creating commit.
                    if (!await table.ExistsAsync(ct).ConfigureAwait(false)) throw;
                    throw new CommitConflictException(ConflictKind.TableAlreadyExists, 0, $"{table.Location}: the table was created by another run at the same time ({e.Message}).");
                }
            }
            else
            {
                commit = job.Mode switch
                {
                    IngestMode.Append => await table.AppendAsync(counted.Items, writeOptions, ct).ConfigureAwait(false),
                    IngestMode.Overwrite => await table.OverwriteAsync(counted.Items, null, writeOptions, ct).ConfigureAwait(false),
                    _ => await table.MergeAsync(counted.Items, job.KeyColumns, new MergeOptions
                    {
                        MergeSchema = job.MergeSchema, ApplicationTransaction = appTxn, DomainMetadata = domains, CommitInfo = commitInfo,
                    }, ct).ConfigureAwait(false),
                };
            }
        }
        catch (ArgumentException e) when (job.Mode == IngestMode.Merge && e.Message.Contains("more than one row with key", StringComparison.Ordinal))
        {
            throw new IngestException($"Merge by {string.Join(", ", job.KeyColumns)}: {e.Message} A run may hold one version of each key: load such sources in separate runs.", e);
        }
        catch (CommitConflictException e) when (e.Kind is ConflictKind.ConcurrentDomainMetadata or ConflictKind.ConcurrentTransaction)
        {
            return new IngestResult
            {
                Outcome = IngestOutcome.ConcurrentRunCommitted, SourceId = newState.SourceId, Source = "", Target = table.Location,
                Version = e.WinningVersion,
                Message = $"another run of this job committed version {e.WinningVersion} first; this run committed nothing (its data files are orphans that vacuum removes)",
            };
        }
        if (commit.Skipped)
        {
            return new IngestResult { Outcome = IngestOutcome.ConcurrentRunCommitted, SourceId = newState.SourceId, Source = "", Target = table.Location, Version = commit.Version,
                Message = "this run's application transaction was already committed; nothing was committed again" };
        }
        var info = await ReadMetricsAsync(table, commit.Version, ct).ConfigureAwait(false);
        long inserted = info.TryGetValue("numTargetRowsInserted", out var ins) ? ins : info.TryGetValue("numOutputRows", out var o) ? o : counted.Rows;
        long updated = info.TryGetValue("numTargetRowsUpdated", out var up) ? up : 0;
        return new IngestResult
        {
            Outcome = IngestOutcome.Committed, SourceId = newState.SourceId, Source = "", Target = table.Location,
            Version = commit.Version, RowsInserted = inserted, RowsUpdated = updated,
        };
    }

    private static async Task<Dictionary<string, long>> ReadMetricsAsync(DeltaTable table, long version, CancellationToken ct)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var entry in table.HistoryAsync(1, ct).ConfigureAwait(false))
        {
            if (entry.Version != version || entry.CommitInfo?.OperationMetrics is not { } metrics) break;
            foreach (var kv in metrics)
                if (kv.Value is not null && long.TryParse(kv.Value.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)) result[kv.Key] = v;
        }
        return result;
    }

    /// <summary>
    /// Passes the batches through, failing on a key seen twice (before the data ends, so before anything commits). A
    /// single integer key is kept exactly in an <see cref="IntegerKeySet"/> (a bitmap for a dense range: 625 KiB for 5M
    /// ids; else 8 bytes a key, sorted and checked when the data ends); other keys as a 64-bit hash of their text, checked as they come (a false "seen twice" would need a
    /// 64-bit hash collision).
    /// </summary>
    private static async IAsyncEnumerable<RecordBatch> UniqueKeys(IAsyncEnumerable<RecordBatch> data, IReadOnlyList<string> keyColumns,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var seen = new HashSet<long>();
        var integers = new IntegerKeySet();
        var text = new System.Text.StringBuilder();
        await foreach (var batch in data.WithCancellation(ct).ConfigureAwait(false))
        {
            var vectors = keyColumns.Select(k => batch.Schema.IndexOf(k) is var i and >= 0 ? batch.Columns[i]
                : throw new IngestException($"Merge by {string.Join(", ", keyColumns)}: the source has no key column '{k}'.")).ToArray();
            var longs = vectors.Length == 1 ? vectors[0] as PrimitiveVector<long> : null;
            for (int r = 0; r < batch.RowCount; r++)
            {
                if (vectors.Any(v => v.IsNull(r))) continue; // a null key never matches: the merge inserts such rows
                long key;
                if (longs is not null)
                {
                    if (integers.Add(longs[r]) is long repeated) throw RepeatedKey(keyColumns[0], repeated);
                    continue;
                }
                else
                {
                    text.Clear();
                    for (int k = 0; k < vectors.Length; k++)
                        text.Append(Convert.ToString(vectors[k].GetValue(r), System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
                    ulong h = 14695981039346656037UL;
                    foreach (var chunk in text.GetChunks())
                        foreach (char c in chunk.Span) h = (h ^ c) * 1099511628211UL;
                    key = unchecked((long)h);
                }
                if (!seen.Add(key))
                    throw new IngestException($"Merge by {string.Join(", ", keyColumns)}: the source has more than one row with key " +
                        string.Join(", ", keyColumns.Select((k, i) => $"{k}={Convert.ToString(vectors[i].GetValue(r), System.Globalization.CultureInfo.InvariantCulture)}")) +
                        "; each key may appear once. A run may hold one version of each key: load such sources in separate runs.");
            }
            yield return batch;
        }
        if (integers.Finish() is long twice) throw RepeatedKey(keyColumns[0], twice);
    }

    private static IngestException RepeatedKey(string column, long key) =>
        new($"Merge by {column}: the source has more than one row with key {column}={key.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
            "; each key may appear once. A run may hold one version of each key: load such sources in separate runs.");

    /// <summary>Reads the first batch: null when there is none, else the whole stream again (the first batch included).</summary>
    private static async Task<IAsyncEnumerable<RecordBatch>?> PeekAsync(IAsyncEnumerable<RecordBatch> data, CancellationToken ct)
    {
        var e = data.GetAsyncEnumerator(ct);
        bool any;
        try
        {
            any = await e.MoveNextAsync().ConfigureAwait(false);
        }
        catch
        {
            await e.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (!any)
        {
            await e.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        return Replay(e);

        static async IAsyncEnumerable<RecordBatch> Replay(IAsyncEnumerator<RecordBatch> e)
        {
            try
            {
                yield return e.Current;
                while (await e.MoveNextAsync().ConfigureAwait(false)) yield return e.Current;
            }
            finally
            {
                await e.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class Counter
    {
        public IAsyncEnumerable<RecordBatch> Items { get; set; } = null!;
        public long Rows { get; set; }
    }

    private static Counter Count(IAsyncEnumerable<RecordBatch> data)
    {
        var c = new Counter();
        async IAsyncEnumerable<RecordBatch> Wrap([EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var b in data.WithCancellation(ct).ConfigureAwait(false))
            {
                c.Rows += b.RowCount;
                yield return b;
            }
        }
        c.Items = Wrap();
        return c;
    }

    private static async Task<IngestResult> RunCsvAsync(IngestJob job, DeltaTable table, Snapshot? snapshot, IngestState state,
        IProgress<IngestProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var source = new CsvSource(job);
        var all = source.ListFiles();
        var known = state.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var toLoad = new List<(string Relative, FileInfo Info)>();
        var modified = new List<string>();
        foreach (var f in all)
        {
            if (job.Mode == IngestMode.Overwrite) { toLoad.Add(f); continue; }
            if (!known.TryGetValue(f.Relative, out var seen)) { toLoad.Add(f); continue; }
            if (seen.Size != f.Info.Length || Math.Abs((seen.Modified - new DateTimeOffset(f.Info.LastWriteTimeUtc)).TotalMilliseconds) >= 1)
                modified.Add(f.Relative);
        }
        var low = job.Mode == IngestMode.Overwrite ? null : state.Watermark;
        var baseResult = new IngestResult
        {
            Outcome = IngestOutcome.NoNewRows, SourceId = state.SourceId, Source = source.Description, Target = table.Location,
            WatermarkColumn = job.WatermarkColumn, WatermarkFrom = low?.Text, WatermarkTo = low?.Text, ModifiedFiles = modified,
        };
        if (toLoad.Count == 0 && !job.CommitWhenEmpty)
            return baseResult with
            {
                Duration = clock.Elapsed, Version = snapshot?.Version,
                Message = modified.Count > 0 ? $"no new files; {modified.Count} already-loaded file(s) changed since they were loaded and were NOT reloaded: {string.Join(", ", modified)}" : "no new files",
            };

        Parquet.Schema schema;
        if (job.SchemaFile is not null) schema = CsvSchema.Load(job.SchemaFile);
        else if (snapshot is not null) schema = snapshot.Schema;
        else if (toLoad.Count > 0) schema = source.InferSchema(toLoad[0].Info);
        else throw new IngestException("No CSV file to infer a schema from; give a schema file.");
        if (snapshot is not null && job.SchemaFile is null && job.MergeSchema && toLoad.Count > 0)
        {
            // New columns of the files are added (inferred) when merge-schema is on.
            var inferred = source.InferSchema(toLoad[0].Info);
            var extra = inferred.Fields.Where(f => schema.Fields.All(s => !string.Equals(s.Name, f.Name, StringComparison.OrdinalIgnoreCase))).ToList();
            if (extra.Count > 0) schema = new Parquet.Schema(schema.Fields.Concat(extra).ToList());
        }

        if (job.DryRun)
        {
            return baseResult with
            {
                Outcome = IngestOutcome.DryRun, Duration = clock.Elapsed, FilesLoaded = toLoad.Select(f => f.Relative).ToList(),
                Message = $"would load {toLoad.Count} file(s) ({toLoad.Sum(f => f.Info.Length)} bytes) and {Verb(job, snapshot)} {table.Location}",
            };
        }

        var loaded = job.Mode == IngestMode.Overwrite ? new List<LoadedFile>() : state.Files.ToList();
        foreach (var f in toLoad)
        {
            loaded.RemoveAll(l => l.Path == f.Relative);
            loaded.Add(new LoadedFile(f.Relative, f.Info.Length, new DateTimeOffset(f.Info.LastWriteTimeUtc)));
        }
        // The watermark is known only after the files are read: the state is completed when the reading ends,
        // before the commit is built.
        var domains = new List<DomainMetadataAction>();
        long rowsRead = 0;
        var rate = Stopwatch.StartNew();
        var commitInfo = CommitInfo(job, source.Description, low, null);
        IngestState? finalState = null;
        async IAsyncEnumerable<RecordBatch> Read([EnumeratorCancellation] CancellationToken token = default)
        {
            await foreach (var b in source.ReadAsync(toLoad, schema, low, (rows, file) =>
            {
                rowsRead = rows;
                progress?.Report(new IngestProgress("loading", rows, rows / Math.Max(rate.Elapsed.TotalSeconds, 0.001), file));
            }, token).ConfigureAwait(false))
                yield return b;
            var high = source.MaxWatermark is { } m && (low is null || m.CompareTo(low) > 0) ? m : low;
            finalState = state with { WatermarkColumn = job.WatermarkColumn, Watermark = high, Runs = state.Runs + 1, Files = loaded };
            domains.Add(new DomainMetadataAction(finalState.Domain, finalState.ToJson(), false));
            if (job.WatermarkColumn is not null) commitInfo["deltalite.watermark"] = new JsonObject { ["column"] = job.WatermarkColumn, ["from"] = low?.Text, ["to"] = high?.Text };
            commitInfo["deltalite.files"] = new JsonArray(toLoad.Select(f => (JsonNode?)f.Relative).ToArray());
        }
        var provisional = state with { Runs = state.Runs + 1 };
        var result = await CommitAsync(job, table, snapshot, schema, Read(), domains, commitInfo, provisional, ct).ConfigureAwait(false);
        return result with
        {
            Source = source.Description, Target = table.Location, WatermarkColumn = job.WatermarkColumn, WatermarkFrom = low?.Text,
            WatermarkTo = finalState?.Watermark?.Text, RowsRead = rowsRead, Duration = clock.Elapsed,
            FilesLoaded = toLoad.Select(f => f.Relative).ToList(), ModifiedFiles = modified,
            RejectedRows = source.RejectedRows, RejectsFile = source.RejectsFile,
            Message = modified.Count > 0 ? $"{modified.Count} already-loaded file(s) changed since they were loaded and were NOT reloaded: {string.Join(", ", modified)}" : result.Message,
        };
    }
}
