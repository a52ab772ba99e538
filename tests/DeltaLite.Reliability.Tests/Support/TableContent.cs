using DeltaLite.Parquet;
using DeltaLite.Snapshots;

namespace DeltaLite.Reliability.Tests.Support;

/// <summary>
/// The rows of one table version as a sorted multiset of canonical JSON lines (every data file read in full, so a
/// missing or damaged file fails here), to compare versions exactly: same rows, no duplicates, none missing.
/// </summary>
internal sealed class TableContent
{
    private readonly string[] _rows;

    private TableContent(long version, string[] rows)
    {
        Version = version;
        _rows = rows;
    }

    public long Version { get; }

    public int Rows => _rows.Length;

    public static async Task<TableContent> ReadAsync(Snapshot snapshot)
    {
        var rows = new List<string>();
        await foreach (var batch in snapshot.ReadAsync())
            for (int r = 0; r < batch.RowCount; r++) rows.Add(CanonicalJson.RowToString(batch, r));
        var sorted = rows.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return new TableContent(snapshot.Version, sorted);
    }

    public static async Task<TableContent> ReadAsync(DeltaTable table, long? version = null) =>
        await ReadAsync(await table.GetSnapshotAsync(version));

    public bool SameRowsAs(TableContent other) => _rows.AsSpan().SequenceEqual(other._rows);

    /// <summary>How the rows differ from <paramref name="expected"/>: counts, and a few rows only on one side.</summary>
    public string DifferenceFrom(TableContent expected)
    {
        var mine = Count(_rows);
        var theirs = Count(expected._rows);
        var extra = mine.Where(kv => kv.Value > theirs.GetValueOrDefault(kv.Key)).Select(kv => kv.Key).ToList();
        var missing = theirs.Where(kv => kv.Value > mine.GetValueOrDefault(kv.Key)).Select(kv => kv.Key).ToList();
        int duplicates = _rows.Length - mine.Count;
        return $"{Rows} rows (version {Version}) against {expected.Rows} expected (version {expected.Version}): {extra.Count} distinct rows too many, " +
            $"{missing.Count} missing, {duplicates} duplicate row(s); e.g. extra {Head(extra)}, missing {Head(missing)}";
    }

    private static Dictionary<string, int> Count(string[] rows)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rows) counts[r] = counts.GetValueOrDefault(r) + 1;
        return counts;
    }

    private static string Head(List<string> rows) => rows.Count == 0 ? "none" : rows[0].Length > 200 ? rows[0][..200] + "..." : rows[0];
}
