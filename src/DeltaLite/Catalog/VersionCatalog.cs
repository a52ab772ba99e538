using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Snapshots;
using DeltaLite.Tags;

namespace DeltaLite.Catalog;

/// <summary>An ingestion's watermark range recorded in a commit.</summary>
public sealed record WatermarkRange(string Column, string? From, string? To);

/// <summary>What one version is: when, what operation, how the table grew, which load and which tags.</summary>
public sealed record VersionInfo
{
    public required long Version { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public string? Operation { get; init; }
    public IReadOnlyDictionary<string, string> Metrics { get; init; } = new Dictionary<string, string>();
    /// <summary>Rows in the table after this version (null when some file has no statistics).</summary>
    public long? TotalRows { get; init; }
    public long TotalBytes { get; init; }
    public int FileCount { get; init; }
    public long RowsAdded { get; init; }
    public long RowsRemoved { get; init; }
    public long RowsUpdated { get; init; }
    public int FilesAdded { get; init; }
    public int FilesRemoved { get; init; }
    /// <summary>The ingestion source (without secrets) when this version was an ingestion.</summary>
    public string? Source { get; init; }
    public WatermarkRange? Watermark { get; init; }
    /// <summary>The schema JSON when this version changed it (or created the table).</summary>
    public string? SchemaChange { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? EngineInfo { get; init; }
}

/// <summary>Builds the catalog of a table's versions by replaying its log once.</summary>
public static class VersionCatalog
{
    public static async Task<IReadOnlyList<VersionInfo>> BuildAsync(DeltaTable table, CancellationToken ct = default)
    {
        var latest = await table.GetSnapshotAsync(null, ct).ConfigureAwait(false);
        var tags = TableTags.Parse(latest.GetDomainConfiguration(TableTags.Domain));
        var times = (await table.CommitTimesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.Version, t => t.Timestamp);
        var files = (await LogSegment.ListAsync(table.Store, null, ct).ConfigureAwait(false))
            .Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version).ToList();
        var live = new Dictionary<string, (long Size, long? Rows)>(StringComparer.Ordinal);
        long startAfter = -1;
        if (files.Count == 0 || files[0].Version > 0)
        {
            // The early log was cleaned up: start from the oldest readable version.
            long first = files.Count == 0 ? latest.Version : files[0].Version - 1;
            var start = await table.GetSnapshotAsync(first, ct).ConfigureAwait(false);
            foreach (var f in start.Files) live[f.Path] = (f.Size, start.GetStatistics(f)?.NumRecords);
            startAfter = first;
        }
        var result = new List<VersionInfo>();
        foreach (var commit in files.Where(f => f.Version > startAfter))
        {
            var actions = await SnapshotBuilder.ReadCommitAsync(table.Store, commit, ct).ConfigureAwait(false);
            var info = actions.OfType<CommitInfoAction>().FirstOrDefault();
            long rowsAdded = 0, rowsRemoved = 0;
            int filesAdded = 0, filesRemoved = 0;
            string? schema = null;
            foreach (var a in actions)
            {
                switch (a)
                {
                    case AddFile add:
                        long? n = NumRecords(add.Stats);
                        if (add.DataChange) { rowsAdded += n ?? 0; filesAdded++; }
                        live[add.Path] = (add.Size, n - (add.DeletionVector?.Cardinality ?? 0));
                        break;
                    case RemoveFile rm:
                        if (live.Remove(rm.Path, out var old) && rm.DataChange) { rowsRemoved += old.Rows ?? 0; filesRemoved++; }
                        break;
                    case MetadataAction m:
                        schema = m.SchemaString;
                        break;
                }
            }
            var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
            if (info?.OperationMetrics is { } om)
                foreach (var kv in om) if (kv.Value is not null) metrics[kv.Key] = kv.Value.GetValueKind() == JsonValueKind.String ? (string)kv.Value! : kv.Value.ToJsonString();
            long updated = metrics.TryGetValue("numTargetRowsUpdated", out var u) && long.TryParse(u, out var uu) ? uu : 0;
            // A merge's copy-on-write removes and re-adds the rows it keeps: count only inserted and deleted rows.
            if (metrics.TryGetValue("numTargetRowsInserted", out var ins) && long.TryParse(ins, out var insN))
            {
                rowsAdded = insN;
                rowsRemoved = metrics.TryGetValue("numTargetRowsDeleted", out var del) && long.TryParse(del, out var delN) ? delN : 0;
            }
            else if (metrics.TryGetValue("numDeletedRows", out var dr) && long.TryParse(dr, out var drN) && filesAdded > 0)
            {
                rowsRemoved = drN;
                rowsAdded = 0;
            }
            WatermarkRange? watermark = null;
            if (info?.Values["deltalite.watermark"] is JsonObject w && (string?)w["column"] is { } col)
                watermark = new WatermarkRange(col, (string?)w["from"], (string?)w["to"]);
            bool allKnown = live.Values.All(v => v.Rows is not null);
            result.Add(new VersionInfo
            {
                Version = commit.Version,
                Timestamp = times.TryGetValue(commit.Version, out var t) ? t : commit.Info.LastModified,
                Operation = info?.Operation,
                Metrics = metrics,
                TotalRows = allKnown ? live.Values.Sum(v => v.Rows ?? 0) : null,
                TotalBytes = live.Values.Sum(v => v.Size),
                FileCount = live.Count,
                RowsAdded = rowsAdded,
                RowsRemoved = rowsRemoved,
                RowsUpdated = updated,
                FilesAdded = filesAdded,
                FilesRemoved = filesRemoved,
                Source = info?.Values["deltalite.source"]?.GetValueKind() == JsonValueKind.String ? (string?)info.Values["deltalite.source"] : null,
                Watermark = watermark,
                SchemaChange = schema,
                Tags = tags.Values.Where(x => x.Version == commit.Version).Select(x => x.Name).ToList(),
                EngineInfo = info?.EngineInfo,
            });
        }
        return result;
    }

    private static long? NumRecords(string? stats)
    {
        if (string.IsNullOrEmpty(stats)) return null;
        try
        {
            using var doc = JsonDocument.Parse(stats);
            return doc.RootElement.TryGetProperty("numRecords", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
