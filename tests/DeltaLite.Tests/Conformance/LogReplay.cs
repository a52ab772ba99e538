using System.Globalization;
using System.Text.Json;
using DeltaLite.DeletionVectors;

namespace DeltaLite.Tests.Conformance;

/// <summary>
/// The test's own, deliberately simple replay of a Delta log (PROTOCOL.md "Action Reconciliation"), independent
/// of DeltaLite's LogSegment/SnapshotBuilder: JSON commits parsed line by line, classic checkpoints read through
/// DuckDB (the caller passes DuckDB's rows of the checkpoint file), v2 JSON checkpoints parsed as JSON.
/// </summary>
internal sealed class LogReplay
{
    /// <summary>A live file: its add.path, partition values and deletion vector.</summary>
    public sealed record LiveFile(string Path, Dictionary<string, string?> PartitionValues, DeletionVectorDescriptor? DeletionVector, long Size);

    public JsonElement? Protocol { get; private set; }

    public JsonElement? Metadata { get; private set; }

    public Dictionary<(string Path, string? Dv), LiveFile> Files { get; } = [];

    public Dictionary<string, long> Transactions { get; } = new(StringComparer.Ordinal);

    /// <summary>Applies one action object ({"add": {...}} etc.).</summary>
    public void Apply(JsonElement action)
    {
        if (action.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.Object) Protocol = p.Clone();
        if (action.TryGetProperty("metaData", out var m) && m.ValueKind == JsonValueKind.Object) Metadata = m.Clone();
        if (action.TryGetProperty("add", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            var file = ReadFile(a);
            Files[(file.Path, file.DeletionVector?.UniqueId)] = file;
        }
        if (action.TryGetProperty("remove", out var r) && r.ValueKind == JsonValueKind.Object)
        {
            var file = ReadFile(r);
            Files.Remove((file.Path, file.DeletionVector?.UniqueId));
        }
        if (action.TryGetProperty("txn", out var t) && t.ValueKind == JsonValueKind.Object)
            Transactions[t.GetProperty("appId").GetString()!] = t.GetProperty("version").GetInt64();
    }

    private static LiveFile ReadFile(JsonElement a)
    {
        var pv = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (a.TryGetProperty("partitionValues", out var values) && values.ValueKind == JsonValueKind.Object)
            foreach (var kv in values.EnumerateObject())
                pv[kv.Name] = kv.Value.ValueKind == JsonValueKind.Null ? null : kv.Value.GetString();
        DeletionVectorDescriptor? dv = null;
        if (a.TryGetProperty("deletionVector", out var d) && d.ValueKind == JsonValueKind.Object)
            dv = d.Deserialize<DeletionVectorDescriptor>();
        long size = a.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
        return new LiveFile(a.GetProperty("path").GetString()!, pv, dv, size);
    }

    /// <summary>The actions of a JSON log file (commit or v2 JSON checkpoint), one per non-empty line.</summary>
    public static IEnumerable<JsonElement> JsonActions(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    /// <summary>What the test knows of a table's log folder from file names alone.</summary>
    public sealed class Listing
    {
        public SortedDictionary<long, string> Commits { get; } = [];

        /// <summary>Complete checkpoints by version: classic single file, all parts of a multi-part one, or a v2 top-level file.</summary>
        public SortedDictionary<long, List<string>> Checkpoints { get; } = [];

        public long Latest => Math.Max(Commits.Count > 0 ? Commits.Keys.Last() : -1, Checkpoints.Count > 0 ? Checkpoints.Keys.Last() : -1);

        public static Listing Of(string tableFolder)
        {
            var listing = new Listing();
            var parts = new Dictionary<long, List<string>>();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(tableFolder, "_delta_log")).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name.Length < 21 || name[20] != '.' || !long.TryParse(name[..20], NumberStyles.None, CultureInfo.InvariantCulture, out long v)) continue;
                var rest = name[21..];
                if (rest == "json") listing.Commits[v] = file;
                else if (rest == "checkpoint.parquet") listing.Checkpoints[v] = [file];
                else if (rest.StartsWith("checkpoint.", StringComparison.Ordinal))
                {
                    var pieces = rest.Split('.');
                    if (pieces.Length == 4) { if (!parts.TryGetValue(v, out var l)) parts[v] = l = []; l.Add(file); }
                    else if (pieces.Length == 3) listing.Checkpoints[v] = [file];
                }
            }
            foreach (var (v, files) in parts)
                if (!listing.Checkpoints.ContainsKey(v) && files.Count == int.Parse(Path.GetFileName(files[0]).Split('.')[3], CultureInfo.InvariantCulture))
                    listing.Checkpoints[v] = files;
            return listing;
        }

        /// <summary>
        /// How to rebuild <paramref name="version"/>: from commit 0 when every commit up to it is there (the JSON
        /// alone is the truth), else from the newest checkpoint at or below it followed by contiguous commits;
        /// null when neither works (the log was cleaned up).
        /// </summary>
        public (List<string>? Checkpoint, List<string> Commits)? PlanFor(long version)
        {
            if (Enumerable.Range(0, checked((int)version + 1)).All(v => Commits.ContainsKey(v)))
                return (null, Enumerable.Range(0, (int)version + 1).Select(v => Commits[v]).ToList());
            foreach (var (cv, files) in Checkpoints.Reverse())
            {
                if (cv > version) continue;
                var after = new List<string>();
                bool complete = true;
                for (long v = cv + 1; v <= version; v++)
                {
                    if (!Commits.TryGetValue(v, out var c)) { complete = false; break; }
                    after.Add(c);
                }
                if (complete) return (files, after);
            }
            return null;
        }

        /// <summary>The oldest version <see cref="PlanFor"/> can rebuild.</summary>
        public long EarliestReadable()
        {
            for (long v = 0; v <= Latest; v++) if (PlanFor(v) is not null) return v;
            return -1;
        }
    }
}
