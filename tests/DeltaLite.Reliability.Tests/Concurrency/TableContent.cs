using DeltaLite.Snapshots;

namespace DeltaLite.Reliability.Tests.Concurrency;

/// <summary>The rows of a table version as <see cref="Row"/>s by id, and their comparison with the expected rows.</summary>
internal static class TableContent
{
    /// <summary>The latest version's rows; fails when an id appears twice.</summary>
    public static async Task<Dictionary<long, Row>> ReadAsync(TableTarget target)
    {
        await using var table = await target.OpenAsync();
        return await ReadAsync(await table.GetSnapshotAsync());
    }

    /// <summary>The rows of <paramref name="snapshot"/>; fails when an id appears twice.</summary>
    public static async Task<Dictionary<long, Row>> ReadAsync(Snapshot snapshot)
    {
        var rows = new Dictionary<long, Row>();
        var duplicates = new List<long>();
        await foreach (var batch in snapshot.ReadAsync(["id", "source", "val", "updated_at"]))
        {
            for (int r = 0; r < batch.RowCount; r++)
            {
                var row = new Row((long)batch.Columns[0].GetValue(r)!, (string)batch.Columns[1].GetValue(r)!, (long)batch.Columns[2].GetValue(r)!, (long)batch.Columns[3].GetValue(r)!);
                if (!rows.TryAdd(row.Id, row)) duplicates.Add(row.Id);
            }
        }
        Assert.True(duplicates.Count == 0, $"version {snapshot.Version}: ids loaded more than once: {string.Join(", ", duplicates.Take(10))}");
        return rows;
    }

    /// <summary>Fails, saying how, unless <paramref name="actual"/> holds exactly the <paramref name="expected"/> rows.</summary>
    public static void AssertEqual(IReadOnlyDictionary<long, Row> expected, IReadOnlyDictionary<long, Row> actual, string what)
    {
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).ToList();
        var extra = actual.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var wrong = expected.Where(kv => actual.TryGetValue(kv.Key, out var a) && a != kv.Value).Select(kv => $"{actual[kv.Key]} instead of {kv.Value}").ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && wrong.Count == 0,
            $"{what} differs from the serial reference ({expected.Count} rows): {missing.Count} missing (e.g. {string.Join(", ", missing.Take(5))}), " +
            $"{extra.Count} extra (e.g. {string.Join(", ", extra.Take(5))}), {wrong.Count} with other values (e.g. {string.Join("; ", wrong.Take(3))})");
    }
}
