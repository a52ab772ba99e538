using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.DeletionVectors;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Partitions;
using DeltaLite.Schema;
using DeltaLite.Storage;
using Xunit.Abstractions;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Tests.Conformance;

/// <summary>
/// Every delta-rs conformance table at every version from 0 to its latest: DeltaLite's rows equal the rows DuckDB
/// reads from the data files that the log says are live at that version (the test's own replay of the log, see
/// <see cref="LogReplay"/>), with partition values added, column mapping and deletion vectors applied and values
/// given the table's types; or the version is documented as unreadable and fails with the named error.
/// </summary>
public class TableReadTests(ITestOutputHelper output)
{
    /// <summary>Tables DeltaLite refuses to read, with the reader feature it names and why.</summary>
    public static readonly IReadOnlyDictionary<string, (string Feature, string Reason)> Refused = new Dictionary<string, (string, string)>
    {
        ["simple_table_features"] = ("readerVersion5", "protocol minReaderVersion 5 does not exist; it also lists the unknown reader feature 'blahabl'"),
        ["spark-shredded-variant-preview-delta"] = ("variantType", "the variant type (and its shredding preview) is not supported"),
        ["spark-variant-checkpoint"] = ("variantType-preview", "the variant type (preview feature) is not supported"),
        ["spark-variant-stable-feature-checkpoint"] = ("variantType", "the variant type is not supported"),
    };

    /// <summary>
    /// Tables whose conformance copy holds the log only (no data files): their log state (protocol, metadata, live
    /// files, txns) is checked at every version against the test's replay, and reading rows must fail naming the
    /// missing data file; no rows can be compared.
    /// </summary>
    public static readonly IReadOnlySet<string> LogOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "checkpoint_with_partitions", "checkpoints", "checkpoints_vacuumed", "latest_not_checkpointed",
        "table-with-domain-metadata", "with_checkpoint_no_last_checkpoint",
    };

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string DeltaRsRoot => Path.Combine(TestData.ConformanceRoot, "delta-rs");

    private static IReadOnlyList<string> Tables() =>
        Directory.EnumerateDirectories(DeltaRsRoot, "_delta_log", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(DeltaRsRoot, Path.GetDirectoryName(d)!).Replace('\\', '/'))
            .Where(t => !t.Contains("/_delta_log", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> TableData()
    {
        var data = new TheoryData<string>();
        foreach (var t in Tables()) data.Add(t);
        return data;
    }

    /// <summary>DuckDB's reading of every Parquet file of every table (data files and checkpoints), in one peer run.</summary>
    private static readonly Lazy<Dictionary<string, DuckDbPeer.DumpedFile>> s_dump = new(() =>
    {
        var files = Directory.EnumerateFiles(DeltaRsRoot, "*.parquet", SearchOption.AllDirectories)
            .Where(f => !Refused.Keys.Any(r => f.StartsWith(Path.Combine(DeltaRsRoot, r) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
        return DuckDbPeer.Dump(files);
    });

    [Fact]
    public void EveryTableIsCoveredOrRefusedWithAReason()
    {
        var tables = Tables();
        Assert.True(tables.Count >= 45, $"only {tables.Count} tables found under {DeltaRsRoot}");
        foreach (var r in Refused.Keys) Assert.Contains(r, tables);
        foreach (var t in LogOnly)
        {
            Assert.Contains(t, tables);
            var dataFiles = Directory.EnumerateFiles(Path.Combine(DeltaRsRoot, t), "*.parquet", SearchOption.AllDirectories)
                .Count(f => !f.Contains($"{Path.DirectorySeparatorChar}_delta_log{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
            Assert.True(dataFiles == 0, $"{t} is listed as log-only but has {dataFiles} data files");
        }
        output.WriteLine($"{tables.Count} tables, {Refused.Count} refused: {string.Join(", ", Refused.Select(r => $"{r.Key} ({r.Value.Reason})"))}");
    }

    [Theory]
    [MemberData(nameof(TableData))]
    public async Task EveryVersionReadsLikeDuckDb(string table)
    {
        string folder = Path.Combine(DeltaRsRoot, table);
        var listing = LogReplay.Listing.Of(folder);
        Assert.True(listing.Latest >= 0, $"{table}: no commits or checkpoints found");
        await using var delta = await DeltaTable.OpenAsync(folder);
        Assert.Equal(listing.Latest, await delta.GetLatestVersionAsync());

        if (Refused.TryGetValue(table, out var refusal))
        {
            for (long v = 0; v <= listing.Latest; v++)
            {
                if (listing.PlanFor(v) is null) continue;
                long version = v;
                var e = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => delta.GetSnapshotAsync(version));
                Assert.Contains(refusal.Feature, e.Features);
                Assert.Contains($"'{refusal.Feature}'", e.Message.Replace("version 5", "'readerVersion5'", StringComparison.Ordinal));
            }
            var latest = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => delta.GetSnapshotAsync());
            Assert.Contains(refusal.Feature, latest.Features);
            output.WriteLine($"{table}: refused at every version ({refusal.Reason}): {latest.Message}");
            return;
        }

        long earliest = listing.EarliestReadable();
        int rowsChecked = 0, versionsRead = 0;
        for (long v = 0; v <= listing.Latest; v++)
        {
            long version = v;
            var plan = listing.PlanFor(v);
            if (plan is null)
            {
                var e = await Assert.ThrowsAsync<VersionNotFoundException>(() => delta.GetSnapshotAsync(version));
                Assert.Contains($"version {version}", e.Message);
                Assert.Contains($"earliest version that can be read is {earliest}", e.Message);
                continue;
            }
            var replay = Replay(plan.Value.Checkpoint, plan.Value.Commits);
            var snapshot = await delta.GetSnapshotAsync(version);
            Assert.Equal(version, snapshot.Version);
            CheckLogState(table, version, replay, snapshot);
            var absent = replay.Files.Values.FirstOrDefault(f => !File.Exists(Path.Combine(folder, Uri.UnescapeDataString(f.Path))));
            if (absent is not null)
            {
                Assert.True(LogOnly.Contains(table), $"{table} version {version}: live file {absent.Path} is not in the conformance copy, and the table is not listed as log-only");
                var e = await Assert.ThrowsAnyAsync<DeltaLogException>(async () => { await foreach (var _ in snapshot.ReadAsync()) { } });
                Assert.Contains("is missing", e.Message);
                versionsRead++;
                continue;
            }
            Assert.False(LogOnly.Contains(table) && replay.Files.Count > 0, $"{table} is listed as log-only but its files are present");
            var expected = ExpectedRows(table, folder, replay);
            var actual = new List<JsonElement>();
            using (var ms = new MemoryStream())
            {
                await foreach (var batch in snapshot.ReadAsync()) CanonicalJson.WriteLines(batch, ms);
                foreach (var line in Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    using var doc = JsonDocument.Parse(line);
                    actual.Add(doc.RootElement.Clone());
                }
            }
            // Both sides list files in path order and rows in file order; only when that differs, compare as sets.
            var message = JsonRowComparer.Compare(expected, actual, "DuckDB", "DeltaLite") is null ? null
                : JsonRowComparer.Compare(Sorted(expected), Sorted(actual), "DuckDB", "DeltaLite");
            if (message is not null) Assert.Fail($"{table} version {version}: {message}");
            Assert.Equal(expected.Count, await snapshot.CountRowsAsync());
            rowsChecked += expected.Count;
            versionsRead++;
        }
        output.WriteLine($"{table}: versions 0..{listing.Latest}, {versionsRead} read ({rowsChecked} rows compared), earliest readable {earliest}");
        Assert.True(versionsRead > 0, $"{table}: no version could be read");
    }

    /// <summary>Protocol, metadata and live files of our snapshot equal the test's replay.</summary>
    private static void CheckLogState(string table, long version, LogReplay replay, Snapshots.Snapshot snapshot)
    {
        Assert.NotNull(replay.Metadata);
        var md = replay.Metadata!.Value;
        if (md.TryGetProperty("schemaString", out var schemaString)) Assert.Equal(schemaString.GetString(), snapshot.Metadata.SchemaString);
        else Assert.Empty(snapshot.Schema.Fields); // Databricks DLT's first metaData has no schema yet
        Assert.Equal(md.GetProperty("id").GetString(), snapshot.Metadata.Id);
        var partitionColumns = md.TryGetProperty("partitionColumns", out var pc) ? pc.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        Assert.Equal(partitionColumns, snapshot.PartitionColumns);
        var proto = replay.Protocol!.Value;
        Assert.Equal(proto.GetProperty("minReaderVersion").GetInt32(), snapshot.Protocol.MinReaderVersion);
        Assert.Equal(proto.GetProperty("minWriterVersion").GetInt32(), snapshot.Protocol.MinWriterVersion);
        var expectedFiles = replay.Files.Values.Select(f => $"{f.Path} dv={f.DeletionVector?.UniqueId}").Order(StringComparer.Ordinal).ToList();
        var actualFiles = snapshot.Files.Select(f => $"{f.Path} dv={f.DeletionVector?.UniqueId}").Order(StringComparer.Ordinal).ToList();
        if (!expectedFiles.SequenceEqual(actualFiles))
            Assert.Fail($"{table} version {version}: live files differ.\n  replay only: {string.Join(", ", expectedFiles.Except(actualFiles).Take(5))}\n  DeltaLite only: {string.Join(", ", actualFiles.Except(expectedFiles).Take(5))}");
        foreach (var (appId, txnVersion) in replay.Transactions) Assert.Equal(txnVersion, snapshot.GetTransactionVersion(appId));
    }

    private static LogReplay Replay(List<string>? checkpoint, List<string> commits)
    {
        var replay = new LogReplay();
        foreach (var file in checkpoint ?? [])
        {
            if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                foreach (var a in LogReplay.JsonActions(file)) replay.Apply(a);
                continue;
            }
            var dumped = s_dump.Value[Path.GetFullPath(file)];
            if (dumped.Error is not null) throw new InvalidOperationException($"DuckDB cannot read checkpoint {file}: {dumped.Error}");
            foreach (var row in dumped.Rows) replay.Apply(row);
        }
        foreach (var commit in commits)
            foreach (var a in LogReplay.JsonActions(commit)) replay.Apply(a);
        return replay;
    }

    /// <summary>The table's rows as DuckDB reads the live files, turned into the table's logical rows.</summary>
    private static List<JsonElement> ExpectedRows(string table, string folder, LogReplay replay)
    {
        var md = replay.Metadata!.Value;
        var schema = md.TryGetProperty("schemaString", out var ss) ? DeltaSchema.Parse(ss.GetString()!) : new ParquetSchema();
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        if (md.TryGetProperty("configuration", out var c) && c.ValueKind == JsonValueKind.Object)
            foreach (var kv in c.EnumerateObject()) if (kv.Value.ValueKind == JsonValueKind.String) config[kv.Name] = kv.Value.GetString()!;
        var mode = DeltaSchema.ParseColumnMappingMode(config);
        var partitionColumns = md.TryGetProperty("partitionColumns", out var pc) ? pc.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
        var store = new LocalObjectStore(folder);

        var rows = new List<JsonElement>();
        foreach (var file in replay.Files.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            string path = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(file.Path)));
            if (!s_dump.Value.TryGetValue(path, out var dumped)) throw new InvalidOperationException($"{table}: live file {file.Path} ({path}) was not dumped by DuckDB (missing?)");
            if (dumped.Error is not null) throw new InvalidOperationException($"{table}: DuckDB cannot read {file.Path}: {dumped.Error}");
            var duckTypes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in dumped.Types.EnumerateArray()) duckTypes[t.GetProperty("name").GetString()!] = t.GetProperty("type").GetString()!;

            RoaringBitmapArray? deleted = file.DeletionVector is null ? null
                : DeletionVectorReader.ReadAsync(store, file.DeletionVector).GetAwaiter().GetResult();
            var partition = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var f in schema.Fields.Where(f => partitionColumns.Contains(f.Name)))
            {
                string key = DeltaSchema.PhysicalName(f, mode);
                string? text = file.PartitionValues.TryGetValue(key, out var t) ? t : file.PartitionValues.TryGetValue(f.Name, out var t2) ? t2 : null;
                partition[f.Name] = Render(PartitionValues.Constant(text, f.Type, 1), f.Type);
            }
            for (int r = 0; r < dumped.Rows.Count; r++)
            {
                if (deleted?.Contains(r) == true) continue;
                var source = dumped.Rows[r];
                var row = new JsonObject();
                foreach (var f in schema.Fields)
                {
                    if (partition.TryGetValue(f.Name, out var pv)) { row[f.Name] = pv?.DeepClone(); continue; }
                    string physical = DeltaSchema.PhysicalName(f, mode);
                    row[f.Name] = source.TryGetProperty(physical, out var value)
                        ? Convert(value, f.Type, mode, duckTypes.GetValueOrDefault(physical))
                        : null;
                }
                rows.Add(JsonDocument.Parse(row.ToJsonString(Relaxed)).RootElement.Clone());
            }
        }
        return rows;
    }

    private static JsonNode? Render(ColumnVector vector, DataType type)
    {
        var batch = new RecordBatch(new ParquetSchema(new Field("v", type)), [vector], 1);
        return JsonNode.Parse(CanonicalJson.RowToString(batch, 0))!["v"]?.DeepClone();
    }

    /// <summary>A value as DuckDB rendered the file's type, rendered as the table's type instead.</summary>
    private static JsonNode? Convert(JsonElement value, DataType type, ColumnMappingMode mode, string? duckType)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        switch (type)
        {
            case StructType s:
            {
                var obj = new JsonObject();
                foreach (var f in s.Fields)
                {
                    string physical = DeltaSchema.PhysicalName(f, mode);
                    obj[f.Name] = value.TryGetProperty(physical, out var child) ? Convert(child, f.Type, mode, null) : null;
                }
                return obj;
            }
            case ListType l:
                return new JsonArray(value.EnumerateArray().Select(e => Convert(e, l.Element.Type, mode, null)).ToArray());
            case MapType m when value.ValueKind == JsonValueKind.Object:
            {
                var obj = new JsonObject();
                foreach (var kv in value.EnumerateObject()) obj[kv.Name] = Convert(kv.Value, m.Value.Type, mode, null);
                return obj;
            }
            case MapType m:
                return new JsonArray(value.EnumerateArray().Select(e => (JsonNode?)new JsonObject
                {
                    ["key"] = Convert(e.GetProperty("key"), m.Key.Type, mode, null),
                    ["value"] = Convert(e.GetProperty("value"), m.Value.Type, mode, null),
                }).ToArray());
            case TimestampType t when value.ValueKind == JsonValueKind.String:
            {
                var text = value.GetString()!;
                if (t.IsAdjustedToUtc && !text.EndsWith('Z') && !text.Contains("infinity", StringComparison.Ordinal)) text += "Z";
                if (!t.IsAdjustedToUtc && text.EndsWith('Z')) text = text[..^1];
                return JsonValue.Create(text);
            }
            case PrimitiveType { Kind: TypeKind.String } when duckType == "BLOB" && value.ValueKind == JsonValueKind.String:
                return JsonValue.Create(Encoding.UTF8.GetString(System.Convert.FromBase64String(value.GetString()!)));
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }

    private static List<JsonElement> Sorted(List<JsonElement> rows) =>
        rows.Select(r => (Key: SortKey(r), Row: r)).OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => x.Row).ToList();

    /// <summary>A text for ordering rows that does not depend on how either side formats numbers.</summary>
    private static string SortKey(JsonElement e)
    {
        var sb = new StringBuilder();
        void Walk(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Object:
                    sb.Append('{');
                    foreach (var p in v.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)) { sb.Append(p.Name).Append(':'); Walk(p.Value); sb.Append(','); }
                    sb.Append('}');
                    break;
                case JsonValueKind.Array:
                    sb.Append('[');
                    foreach (var i in v.EnumerateArray()) { Walk(i); sb.Append(','); }
                    sb.Append(']');
                    break;
                case JsonValueKind.Number:
                    sb.Append(v.TryGetInt64(out var l) ? l.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : ((float)v.GetDouble()).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(v.GetRawText());
                    break;
            }
        }
        Walk(e);
        return sb.ToString();
    }
}
