using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests.Support;

/// <summary>
/// A compact picture of a table version for comparing big tables: the sorted 64-bit hashes of every row's canonical
/// rendering (equal multisets = equal tables) and how many distinct keys there are (duplicates show as fewer keys than rows).
/// </summary>
internal sealed record TableDigest(long Version, long Rows, long DistinctKeys, ulong[] RowHashes)
{
    public static async Task<TableDigest> ReadAsync(string location, string[] keyColumns, long? version = null)
    {
        await using var table = await DeltaTable.OpenAsync(location);
        var snapshot = await table.GetSnapshotAsync(version);
        var hashes = new List<ulong>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var batch in snapshot.ReadAsync())
        {
            var keyVectors = keyColumns.Select(k => batch.Columns[batch.Schema.IndexOf(k)]).ToArray();
            for (int i = 0; i < batch.RowCount; i++)
            {
                var json = CanonicalJson.RowToString(batch, i);
                hashes.Add(BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)), 0));
                keys.Add(string.Join("|", keyVectors.Select(v => Convert.ToString(v.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
        }
        var sorted = hashes.ToArray();
        Array.Sort(sorted);
        return new TableDigest(snapshot.Version, sorted.Length, keys.Count, sorted);
    }

    /// <summary>Asserts the same rows (as a multiset) as <paramref name="expected"/>, and no duplicate key.</summary>
    public void AssertSameRowsAs(TableDigest expected, string what)
    {
        Assert.True(DistinctKeys == Rows, $"{what}: {Rows - DistinctKeys} duplicate key(s) among {Rows} rows");
        Assert.True(Rows == expected.Rows, $"{what}: {Rows} rows, the clean run has {expected.Rows} ({(Rows > expected.Rows ? "extra" : "missing")} rows)");
        int differing = 0;
        for (int i = 0; i < RowHashes.Length; i++) if (RowHashes[i] != expected.RowHashes[i]) differing++;
        Assert.True(differing == 0, $"{what}: {differing} row(s) differ from the clean run's");
    }
}
