using System.Buffers.Binary;
using System.Text.Json;
using DeltaLite.DeletionVectors;
using DeltaLite.Storage;
using Xunit.Abstractions;

namespace DeltaLite.Tests.DeletionVectors;

/// <summary>
/// Every deletion vector referenced by an add or remove action in the JSON logs (commits and JSON checkpoints) of
/// the delta-rs conformance tables, read with our reader and checked against its descriptor and its data file.
/// </summary>
public class ConformanceDeletionVectorTests(ITestOutputHelper output)
{
    /// <summary>One DV reference found in a log.</summary>
    public sealed record DvReference(string Table, string LogFile, int Line, string Action, string DataFile, DeletionVectorDescriptor Descriptor, long? NumRecords)
    {
        public override string ToString() => $"{Table}/_delta_log/{LogFile} line {Line}: {Action} {DataFile}";
    }

    private static readonly Lazy<List<DvReference>> s_references = new(ScanLogs);

    private static List<DvReference> ScanLogs()
    {
        var found = new List<DvReference>();
        var root = Path.Combine(DeltaLite.Tests.TestData.ConformanceRoot, "delta-rs");
        foreach (var log in Directory.EnumerateDirectories(root, "_delta_log", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var tableDir = Path.GetDirectoryName(log)!;
            string table = Path.GetRelativePath(root, tableDir).Replace('\\', '/');
            foreach (var file in Directory.EnumerateFiles(log, "*.json").Order(StringComparer.Ordinal))
            {
                int lineNumber = 0;
                foreach (var line in File.ReadLines(file))
                {
                    lineNumber++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    using var doc = JsonDocument.Parse(line);
                    foreach (var action in new[] { "add", "remove" })
                    {
                        if (!doc.RootElement.TryGetProperty(action, out var a)) continue;
                        if (!a.TryGetProperty("deletionVector", out var dvJson) || dvJson.ValueKind != JsonValueKind.Object) continue;
                        var dv = dvJson.Deserialize<DeletionVectorDescriptor>()!;
                        long? numRecords = null;
                        if (a.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.String)
                        {
                            using var statsDoc = JsonDocument.Parse(stats.GetString()!);
                            if (statsDoc.RootElement.TryGetProperty("numRecords", out var n)) numRecords = n.GetInt64();
                        }
                        found.Add(new DvReference(table, Path.GetFileName(file), lineNumber, action, a.GetProperty("path").GetString()!, dv, numRecords));
                    }
                }
            }
        }
        return found;
    }

    public static TheoryData<string> References()
    {
        var data = new TheoryData<string>();
        foreach (var r in s_references.Value) data.Add(r.ToString());
        return data;
    }

    private static DvReference Find(string name) => s_references.Value.Single(r => r.ToString() == name);

    [Fact]
    public void TheScanFindsTheTablesWithDeletionVectors()
    {
        var tables = s_references.Value.Select(r => r.Table).Distinct().Order(StringComparer.Ordinal).ToArray();
        output.WriteLine($"{s_references.Value.Count} DV references in: {string.Join(", ", tables)}");
        Assert.Contains("table-with-dv-small", tables);
        Assert.Contains("cdf-table-with-cdc-and-dvs", tables);
        Assert.Contains("table_with_deletion_logs", tables);
        Assert.True(s_references.Value.Count >= 20, $"only {s_references.Value.Count} DV references found");
        Assert.Contains(s_references.Value, r => r.Action == "add" && r.Descriptor.Offset > 1); // a second DV in a file
    }

    [Theory]
    [MemberData(nameof(References))]
    public async Task EveryReferencedDvReadsWithItsCardinality(string reference)
    {
        var r = Find(reference);
        var tableDir = Path.Combine(DeltaLite.Tests.TestData.ConformanceRoot, "delta-rs", r.Table);
        await using var store = new LocalObjectStore(tableDir);
        var bitmap = await DeletionVectorReader.ReadAsync(store, r.Descriptor, default);
        Assert.Equal(r.Descriptor.Cardinality, bitmap.Cardinality);
        var rows = bitmap.ToArray();
        Assert.Equal(r.Descriptor.Cardinality, rows.LongLength);
        // Row indexes lie within the data file.
        if (r.NumRecords is { } numRecords) Assert.True(rows[^1] < numRecords, $"row {rows[^1]} is beyond the file's {numRecords} records");
        output.WriteLine($"{r}: {r.Descriptor.UniqueId} -> {r.Descriptor.RelativePath()} rows [{string.Join(", ", rows)}] of {r.NumRecords}");

        // Our serializer reproduces the writer's bytes exactly.
        if (!r.Descriptor.IsInline)
        {
            var file = await File.ReadAllBytesAsync(Path.Combine(tableDir, r.Descriptor.RelativePath()));
            var data = file.AsSpan(r.Descriptor.Offset!.Value + 4, r.Descriptor.SizeInBytes).ToArray();
            Assert.Equal(data, bitmap.Serialize());
        }
    }

    [Fact]
    public async Task TableWithDvSmallDeletesRowsZeroAndNine()
    {
        // Derived independently of our reader: commit 1 is a DELETE with predicate "value IN (0, 9)", and DuckDB
        // (node tests/peers/duckdb/duckdb-peer.mjs rows part-00000-fae5310a-....parquet) reads the file's 10 rows as
        // value = 0, 1, ..., 9 in order, so the rows with value 0 and 9 are at row indexes 0 and 9.
        var r = s_references.Value.Single(x => x.Table == "table-with-dv-small");
        Assert.Equal("part-00000-fae5310a-a37d-4e51-827b-c3d5516560ca-c000.snappy.parquet", r.DataFile);
        await using var store = new LocalObjectStore(DeltaLite.Tests.TestData.DeltaRsTable("table-with-dv-small"));
        var bitmap = await DeletionVectorReader.ReadAsync(store, r.Descriptor, default);
        Assert.Equal(new long[] { 0, 9 }, bitmap.ToArray());
        var deleted = new bool[10];
        bitmap.FillDeleted(deleted, 0);
        Assert.Equal(new[] { true, false, false, false, false, false, false, false, false, true }, deleted);
    }

    /// <summary>
    /// Expected rows derived without our reader: the commit's operation and predicate (commitInfo) applied to the
    /// data file's rows as DuckDB reads them in file order (node tests/peers/duckdb/duckdb-peer.mjs rows FILE).
    /// MERGE commits are left out: their source data is not in the table.
    /// </summary>
    [Theory]
    // DELETE id = 3; ids in the file: 2 3 4 5.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000002.json", "1a76f841-9a83-44cf-ad2b-a022d9462f78", new long[] { 1 })]
    // DELETE id > 3; ids: 1 2 4 5.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000005.json", "378c491b-e2a3-40c7-b572-f43e95b22ea6", new long[] { 2, 3 })]
    // DELETE id = 1; ids: 1 2 3.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000010.json", "30ed8a79-9431-403a-a4c9-21c4c421b59d", new long[] { 0 })]
    // UPDATE id = 2 (the old row is deleted, the new one written elsewhere); ids: 2 3 4 5.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000012.json", "a48132f5-62ca-404a-b17c-0a48a3114c33", new long[] { 0 })]
    // DELETE 6 < id < 9 over two files, one DV each in one DV file (offsets 1 and 43); ids: 8 9 and 6 7.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000016.json", "0c45af51-1a43-45ca-a68f-3bbec354d44a", new long[] { 0 })]
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000016.json", "1b2c86ab-c775-4122-8aca-71ea355cde97", new long[] { 1 })]
    // UPDATE id = 11; ids: 3 4 5 2 6 10 11 9.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000020.json", "e0bed4e7-0c50-4859-af0d-b26932e59a3b", new long[] { 6 })]
    // DELETE id < 10; ids: 3 4 5 2 6 10 9 12.
    [InlineData("cdf-table-with-cdc-and-dvs", "00000000000000000024.json", "92f71a43-287d-4b61-bc93-321cc9a236d4", new long[] { 0, 1, 2, 3, 4, 6 })]
    // DELETE id = 12; ids 10, 11, ..., 109 in order (100 rows).
    [InlineData("table_with_deletion_logs", "00000000000000000003.json", "cb251d5e-b665-437a-a9a7-fbfc5137c77d", new long[] { 2 })]
    // Then DELETE id = 89: the new DV holds both rows.
    [InlineData("table_with_deletion_logs", "00000000000000000004.json", "cb251d5e-b665-437a-a9a7-fbfc5137c77d", new long[] { 2, 79 })]
    public async Task DvsHoldTheRowsTheirCommitsDeleted(string table, string logFile, string dataFileUuid, long[] expected)
    {
        var r = s_references.Value.Single(x => x.Table == table && x.LogFile == logFile && x.Action == "add" && x.DataFile.Contains(dataFileUuid, StringComparison.Ordinal));
        await using var store = new LocalObjectStore(DeltaLite.Tests.TestData.DeltaRsTable(table));
        Assert.Equal(expected, (await DeletionVectorReader.ReadAsync(store, r.Descriptor, default)).ToArray());
    }

    [Fact]
    public void EveryDvFileIsWellFormedFromStartToEnd()
    {
        // Walk each deletion_vector_*.bin as the storage format lays it out, including DVs no log line references.
        var files = Directory.EnumerateFiles(Path.Combine(DeltaLite.Tests.TestData.ConformanceRoot, "delta-rs"), "deletion_vector_*.bin", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        foreach (var path in files)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(1, bytes[0]);
            int pos = 1, count = 0;
            while (pos < bytes.Length)
            {
                int size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
                var data = bytes.AsSpan(pos + 4, size);
                Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos + 4 + size)), Crc32.Compute(data));
                var bitmap = RoaringBitmapArray.Deserialize(data);
                output.WriteLine($"{Path.GetRelativePath(DeltaLite.Tests.TestData.ConformanceRoot, path)} @{pos}: {size} bytes, rows [{string.Join(", ", bitmap.ToArray())}]");
                pos += 4 + size + 4;
                count++;
            }
            Assert.Equal(bytes.Length, pos);
            Assert.True(count >= 1);
        }
    }
}
