using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Storage;

namespace DeltaLite.Tests.Writes;

/// <summary>A table in a temporary folder, deleted on dispose.</summary>
internal sealed class TempTable : IAsyncDisposable
{
    private TempTable(string path, DeltaTable table)
    {
        Path = path;
        Table = table;
    }

    public string Path { get; }

    public DeltaTable Table { get; }

    public LocalObjectStore Store => (LocalObjectStore)Table.Store;

    public static async Task<TempTable> NewAsync(string? copyFrom = null)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltalite-writes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        if (copyFrom is not null)
        {
            foreach (var file in Directory.EnumerateFiles(copyFrom, "*", SearchOption.AllDirectories))
            {
                var target = System.IO.Path.Combine(path, System.IO.Path.GetRelativePath(copyFrom, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return new TempTable(path, await DeltaTable.OpenAsync(path));
    }

    /// <summary>Another handle on the same table (as a second writer would have).</summary>
    public Task<DeltaTable> OpenAgainAsync() => DeltaTable.OpenAsync(Path);

    public async ValueTask DisposeAsync()
    {
        await Table.DisposeAsync();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Rows
{
    /// <summary>A batch from row arrays (values in the forms <see cref="ColumnBuilder"/> accepts).</summary>
    public static RecordBatch Batch(Parquet.Schema schema, params object?[][] rows)
    {
        var builders = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        foreach (var row in rows)
            for (int c = 0; c < builders.Length; c++) builders[c].Append(row[c]);
        return new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), rows.Length);
    }

    /// <summary>Every row of a batch list in the canonical rendering.</summary>
    public static List<string> Json(IEnumerable<RecordBatch> batches)
    {
        var list = new List<string>();
        foreach (var b in batches)
            for (int r = 0; r < b.RowCount; r++) list.Add(CanonicalJson.RowToString(b, r));
        return list;
    }

    /// <summary>The rows of a version (all columns, in schema order), rendered and sorted.</summary>
    public static async Task<List<string>> OfVersionAsync(DeltaTable table, long? version = null)
    {
        var snapshot = await table.GetSnapshotAsync(version);
        var rows = Json(await snapshot.ReadAllAsync());
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public static List<string> Sorted(IEnumerable<RecordBatch> batches)
    {
        var rows = Json(batches);
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public static async IAsyncEnumerable<RecordBatch> Async(IEnumerable<RecordBatch> batches)
    {
        foreach (var b in batches)
        {
            await Task.Yield();
            yield return b;
        }
    }
}

internal static class CommitLog
{
    /// <summary>The actions of one commit file.</summary>
    public static List<DeltaAction> Commit(TempTable t, long version)
    {
        string path = System.IO.Path.Combine(t.Path, "_delta_log", $"{version:D20}.json");
        return ActionSerializer.ParseCommit(File.ReadAllBytes(path), path);
    }

    public static CommitInfoAction Info(TempTable t, long version) => Commit(t, version).OfType<CommitInfoAction>().Single();

    /// <summary>An operation metric of a commit, as a number.</summary>
    public static long Metric(TempTable t, long version, string name)
    {
        var node = Info(t, version).OperationMetrics?[name] ?? throw new Xunit.Sdk.XunitException($"Version {version} has no metric '{name}'.");
        return long.Parse((string)node!, CultureInfo.InvariantCulture);
    }

    public static long Versions(TempTable t) =>
        Directory.EnumerateFiles(System.IO.Path.Combine(t.Path, "_delta_log"), "*.json").Count(f => LogFile.TryParse(new ObjectInfo("_delta_log/" + System.IO.Path.GetFileName(f), 0, DateTimeOffset.UtcNow)) is { Kind: LogFileKind.Commit });
}

/// <summary>
/// Checks every data file a table's log ever added (and that is still on disk) with DuckDB: DuckDB's rows equal the
/// rows our reader gives for the file's data columns, and the add's stats (numRecords, minValues, maxValues,
/// nullCount) equal what DuckDB's rows show (with the spec's truncations: strings to 32 characters, timestamps to
/// milliseconds).
/// </summary>
internal static class DuckDbCheck
{
    public static async Task<int> AllFilesAsync(TempTable t)
    {
        long latest = await t.Table.GetLatestVersionAsync();
        var adds = new Dictionary<string, (AddFile Add, long Version)>(StringComparer.Ordinal);
        for (long v = 0; v <= latest; v++)
            foreach (var a in CommitLog.Commit(t, v).OfType<AddFile>())
                if (a.DeletionVector is null) adds.TryAdd(a.Path, (a, v));
        var present = adds.Values.Where(x => File.Exists(System.IO.Path.Combine(t.Path, DeltaLite.Partitions.PartitionValues.FromUriPath(x.Add.Path)))).ToList();
        if (present.Count == 0) return 0;
        var fullPaths = present.Select(x => System.IO.Path.GetFullPath(System.IO.Path.Combine(t.Path, DeltaLite.Partitions.PartitionValues.FromUriPath(x.Add.Path)))).ToList();
        var dumped = DuckDbPeer.Dump(fullPaths);
        for (int i = 0; i < present.Count; i++)
        {
            var (add, version) = present[i];
            var file = dumped[fullPaths[i]];
            Assert.True(file.Error is null, $"DuckDB could not read {add.Path}: {file.Error}");
            var snapshot = await t.Table.GetSnapshotAsync(version);
            var dataFields = snapshot.Schema.Fields.Where(f => !snapshot.PartitionColumns.Contains(f.Name)).ToList();
            var ours = new List<JsonElement>();
            await foreach (var b in snapshot.ReadFileAsync(add, dataFields, CancellationToken.None))
                foreach (var row in Rows.Json([b])) ours.Add(JsonDocument.Parse(row).RootElement.Clone());
            JsonRowComparer.AssertEqual(ours, file.Rows, "DeltaLite", "DuckDB");
            CheckStats(add, snapshot.Schema, dataFields, file.Rows);
        }
        return present.Count;
    }

    private static void CheckStats(AddFile add, Parquet.Schema schema, List<Field> dataFields, List<JsonElement> rows)
    {
        Assert.NotNull(add.Stats);
        var stats = JsonNode.Parse(add.Stats!)!.AsObject();
        Assert.Equal(rows.Count, (long)stats["numRecords"]!);
        var mins = stats["minValues"]?.AsObject() ?? [];
        var maxs = stats["maxValues"]?.AsObject() ?? [];
        var nulls = stats["nullCount"]?.AsObject() ?? [];
        foreach (var field in dataFields.Take(32))
        {
            if (!field.Type.IsPrimitive) continue;
            var values = rows.Select(r => r.GetProperty(field.Name)).Where(v => v.ValueKind != JsonValueKind.Null).ToList();
            long nullCount = rows.Count - values.Count;
            Assert.True(nulls[field.Name] is not null, $"{add.Path}: no nullCount for '{field.Name}'");
            Assert.Equal(nullCount, (long)nulls[field.Name]!);
            if (field.Type.Kind is TypeKind.Boolean or TypeKind.Binary) continue;
            if (values.Count == 0)
            {
                Assert.Null(mins[field.Name]);
                Assert.Null(maxs[field.Name]);
                continue;
            }
            var (min, max) = Expected(field.Type, values);
            Assert.True(mins[field.Name] is not null, $"{add.Path}: no minValues for '{field.Name}'");
            Assert.True(Same(field.Type, min, mins[field.Name]!), $"{add.Path}: minValues.{field.Name} is {mins[field.Name]!.ToJsonString()}, DuckDB's rows give {min}");
            Assert.True(Same(field.Type, max, maxs[field.Name]!), $"{add.Path}: maxValues.{field.Name} is {maxs[field.Name]!.ToJsonString()}, DuckDB's rows give {max}");
        }
    }

    /// <summary>The stats a writer should record for the values, as text.</summary>
    private static (string Min, string Max) Expected(DataType type, List<JsonElement> values)
    {
        switch (type.Kind)
        {
            case TypeKind.String:
                {
                    var s = values.Select(v => v.GetString()!).ToList();
                    s.Sort(StringComparer.Ordinal);
                    string min = s[0], max = s[^1];
                    var mi = new StringInfo(min);
                    var ma = new StringInfo(max);
                    return (mi.LengthInTextElements > 32 ? mi.SubstringByTextElements(0, 32) : min,
                        ma.LengthInTextElements > 32 ? ma.SubstringByTextElements(0, 32) + "\U0010FFFF" : max);
                }
            case TypeKind.Date:
                {
                    var s = values.Select(v => v.GetString()!).Order(StringComparer.Ordinal).ToList();
                    return (s[0], s[^1]);
                }
            case TypeKind.Timestamp:
                {
                    // DuckDB prints microseconds; stats keep milliseconds, floored.
                    var s = values.Select(v => v.GetString()!).Order(StringComparer.Ordinal).ToList();
                    return (Millis(s[0]), Millis(s[^1]));
                }
            case TypeKind.Decimal:
                {
                    var d = values.Select(v => decimal.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToList();
                    return (d.Min().ToString(CultureInfo.InvariantCulture), d.Max().ToString(CultureInfo.InvariantCulture));
                }
            default:
                {
                    var d = values.Select(v => v.GetRawText()).ToList();
                    var sorted = d.OrderBy(x => double.Parse(x, CultureInfo.InvariantCulture)).ToList();
                    return (sorted[0], sorted[^1]);
                }
        }
    }

    private static string Millis(string ts) => ts.Length >= 26 ? ts[..23] + ts[26..] : ts;

    private static bool Same(DataType type, string expected, JsonNode actual) => type.Kind switch
    {
        TypeKind.String or TypeKind.Date or TypeKind.Timestamp => actual.GetValueKind() == JsonValueKind.String && (string)actual! == expected,
        TypeKind.Decimal => decimal.Parse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture),
        TypeKind.Float => (float)double.Parse(actual.ToJsonString(), CultureInfo.InvariantCulture) == (float)double.Parse(expected, CultureInfo.InvariantCulture),
        _ => double.Parse(actual.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(expected, CultureInfo.InvariantCulture),
    };
}
