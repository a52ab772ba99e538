using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>
/// The rows the write tests use: a mixed schema partitioned by year, rows made from an id, and an in-memory model
/// of what the table should hold (by id) to compare every version with.
/// </summary>
internal sealed class TestRows
{
    public static readonly Parquet.Schema Schema = new(
        new Field("id", DataType.Int64, false),
        new Field("name", DataType.String),
        new Field("amount", new DecimalType(10, 2)),
        new Field("score", DataType.Double),
        new Field("day", DataType.Date),
        new Field("ts", TimestampType.MicrosUtc),
        new Field("year", DataType.Int32));

    public static CreateTableOptions Partitioned(params (string Key, string Value)[] properties) => new()
    {
        PartitionColumns = ["year"],
        Properties = properties.ToDictionary(p => p.Key, p => p.Value),
        Description = "write tests",
    };

    /// <summary>A row for <paramref name="id"/>; <paramref name="version"/> varies the non-key values (an "update").</summary>
    public static object?[] Row(long id, int year, int version = 0) =>
    [
        id,
        id % 11 == 0 ? null : (id % 13 == 0 ? $"a name longer than thirty-two characters, row {id} v{version}" : $"name {id} v{version}"),
        (decimal)(id * 125 + version) / 100m,
        id % 7 == 0 ? null : id / 3.0 + version,
        new DateOnly(year, 1, 1).AddDays((int)(id % 300)),
        new DateTime(year, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(id * 12_345_670 + version * 10),
        year,
    ];

    public static RecordBatch Batch(IEnumerable<object?[]> rows) => Rows.Batch(Schema, rows.ToArray());

    /// <summary>The model: every row by id.</summary>
    public SortedDictionary<long, object?[]> ById { get; } = [];

    public void Put(IEnumerable<object?[]> rows)
    {
        foreach (var r in rows) ById[(long)r[0]!] = r;
    }

    public List<string> Expected() => Rows.Sorted(ById.Count == 0 ? [] : [Batch(ById.Values)]);

    public List<string> Snapshot() => Expected();
}
