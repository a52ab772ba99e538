using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Cli.Tests;

/// <summary>A temporary folder, removed at the end of the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltalite-cli-tests", Guid.NewGuid().ToString("N"));

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a process may still hold a file; the OS cleans the temp folder
        }
    }
}

/// <summary>Tables made through the public C# API, and their rows as the API reads them.</summary>
internal static class TestTables
{
    public const string LoanColumns = "id long not null, name string, amount decimal(12,2), day date";

    /// <summary>Rows of <see cref="LoanColumns"/>: id, name, amount, day.</summary>
    public static object?[][] Loans(int firstId, int count, string day) =>
        Enumerable.Range(firstId, count)
            .Select(i => new object?[] { (long)i, i % 7 == 0 ? null : $"borrower {i}", i * 10.25m, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture) })
            .ToArray();

    /// <summary>Appends <paramref name="rows"/> (values in schema order) as one new version.</summary>
    public static async Task<long> AppendAsync(string table, IReadOnlyList<object?[]> rows, IReadOnlyDictionary<string, JsonNode?>? commitInfo = null)
    {
        await using var t = await DeltaTable.OpenAsync(table);
        var snapshot = await t.GetSnapshotAsync();
        var schema = snapshot.Schema;
        var builders = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        foreach (var row in rows)
            for (int c = 0; c < builders.Length; c++) builders[c].Append(row[c]);
        var batch = new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), rows.Count);
        var result = await t.AppendAsync([batch], new WriteOptions { CommitInfo = commitInfo });
        return result.Version;
    }

    /// <summary>The rows of a version in the canonical rendering, as the C# API reads them.</summary>
    public static async Task<List<JsonElement>> RowsAsync(string table, long? version = null, IReadOnlyList<string>? columns = null, string? where = null)
    {
        await using var t = await DeltaTable.OpenAsync(table);
        var snapshot = await t.GetSnapshotAsync(version);
        var filter = where is null ? null : Expressions.PredicateParser.Parse(where);
        var rows = new List<JsonElement>();
        foreach (var batch in await snapshot.ReadAllAsync(columns, filter))
        {
            for (int r = 0; r < batch.RowCount; r++)
            {
                using var doc = JsonDocument.Parse(CanonicalJson.RowToString(batch, r));
                rows.Add(doc.RootElement.Clone());
            }
        }
        return rows;
    }

    /// <summary>Creates a table with <see cref="LoanColumns"/> through `deltalite create` and appends two versions (3 + 2 rows).</summary>
    public static async Task<string> CreateLoansAsync(TempDir dir, string name = "loans", bool partitioned = false)
    {
        string table = dir.Combine(name);
        var args = new List<string> { "create", table, "--schema", LoanColumns };
        if (partitioned) args.AddRange(["--partition-by", "day"]);
        Cli.Run([.. args]).Ok();
        await AppendAsync(table, Loans(1, 3, "2024-01-01"));
        await AppendAsync(table, Loans(4, 2, "2024-01-02"));
        return table;
    }
}
