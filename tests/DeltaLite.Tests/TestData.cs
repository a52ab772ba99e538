using System.Text.Json;

namespace DeltaLite.Tests;

/// <summary>Locates the conformance tables (outside the repository) and reads their logs.</summary>
internal static class TestData
{
    /// <summary>
    /// The shared conformance folder: $DELTALITE_CONFORMANCE if set, else the first `shared/conformance`
    /// found beside the repository or any folder above it. Fails (never skips) when it cannot be found.
    /// </summary>
    public static string ConformanceRoot => DeltaLite.Parquet.Tests.TestData.ConformanceRoot;

    /// <summary>Every Delta table (a folder holding `_delta_log/`) under the conformance folder, relative to it with '/', sorted.</summary>
    public static IReadOnlyList<string> DeltaTables() => s_tables.Value;

    private static readonly Lazy<IReadOnlyList<string>> s_tables = new(() =>
        Directory.EnumerateDirectories(ConformanceRoot, "_delta_log", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(ConformanceRoot, Path.GetDirectoryName(d)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray());

    /// <summary>The absolute folder of a table given relative to the conformance folder.</summary>
    public static string TablePath(string table) => Path.Combine(ConformanceRoot, table);

    /// <summary>A table of the delta-rs conformance set, by folder name.</summary>
    public static string DeltaRsTable(string name) => Path.Combine(ConformanceRoot, "delta-rs", name);

    /// <summary>The JSON files of a table's log (commits, and v2 checkpoints in JSON), in name order.</summary>
    public static IEnumerable<string> LogJsonFiles(string table) =>
        Directory.EnumerateFiles(Path.Combine(TablePath(table), "_delta_log"), "*.json")
            .Order(StringComparer.Ordinal);

    /// <summary>The JSON commit files of a table's log (NNNNNNNNNNNNNNNNNNNN.json), in version order.</summary>
    public static IEnumerable<string> CommitFiles(string table) =>
        LogJsonFiles(table).Where(f => Path.GetFileName(f).Length == 25 && Path.GetFileName(f)[..20].All(char.IsAsciiDigit));

    /// <summary>Each action of a log JSON file (one JSON object per non-empty line), as a cloned element.</summary>
    public static IEnumerable<JsonElement> Actions(string jsonFile)
    {
        foreach (var line in File.ReadLines(jsonFile))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    /// <summary>Each table as one row of theory data.</summary>
    public static TheoryData<string> DeltaTablesData()
    {
        var data = new TheoryData<string>();
        foreach (var t in DeltaTables()) data.Add(t);
        return data;
    }
}
