using DeltaLite.Parquet;
using DeltaLite.Partitions;
using DeltaLite.Schema;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Tests.Schema;

/// <summary>The data files of the conformance tables, read by the codec, cast to their table's schema.</summary>
public sealed class ColumnCastConformanceTests
{
    private const int FilesPerTable = 6;

    /// <summary>Tables whose JSON commits add no file that is present (vacuumed, or adds only in checkpoints).</summary>
    private static readonly string[] s_withoutDataFiles =
    [
        "delta-rs/checkpoints", "delta-rs/concurrent_workers", "delta-rs/delta-live-table", "delta-rs/issue-2152",
        "delta-rs/latest_not_checkpointed", "delta-rs/simple_commit", "delta-rs/with_checkpoint_no_last_checkpoint",
    ];

    public static TheoryData<string> Tables
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var t in TestData.DeltaTables())
                if (!ConformanceSchemas.Refused.ContainsKey(t) && ConformanceSchemas.LatestMetadata(t) is not null) data.Add(t);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task DataFiles_CastToTheTableSchema(string table)
    {
        var md = ConformanceSchemas.LatestMetadata(table)!.Value;
        var logical = DeltaSchema.Parse(md.GetProperty("schemaString").GetString()!);
        var config = md.TryGetProperty("configuration", out var c)
            ? c.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : new Dictionary<string, string>();
        var mode = DeltaSchema.ParseColumnMappingMode(config);
        var partitionColumns = md.GetProperty("partitionColumns").EnumerateArray().Select(p => p.GetString()!).ToHashSet();
        var physical = DeltaSchema.ToPhysical(logical, mode);
        var dataFields = physical.Fields.Where((f, i) => !partitionColumns.Contains(logical[i].Name)).ToArray();
        var target = new ParquetSchema(dataFields);

        var files = TestData.CommitFiles(table)
            .SelectMany(TestData.Actions)
            .Where(a => a.TryGetProperty("add", out _))
            .Select(a => PartitionValues.FromUriPath(a.GetProperty("add").GetProperty("path").GetString()!))
            .Distinct()
            .Select(p => Path.Combine(TestData.TablePath(table), p))
            .Where(File.Exists)
            .Take(FilesPerTable)
            .ToArray();
        if (files.Length == 0)
        {
            Assert.Contains(table, s_withoutDataFiles);
            return;
        }
        Assert.DoesNotContain(table, s_withoutDataFiles);

        foreach (var file in files)
        {
            await using var reader = await ParquetReader.OpenAsync(file);
            foreach (var batch in await reader.ReadAllAsync())
            {
                RecordBatch cast;
                try
                {
                    cast = ColumnCast.Cast(batch, target);
                }
                catch (DeltaSchemaException e)
                {
                    throw new Xunit.Sdk.XunitException($"{Path.GetRelativePath(TestData.ConformanceRoot, file)}: {e.Message}\nfile schema:\n{batch.Schema}");
                }
                Assert.Equal(batch.RowCount, cast.RowCount);
                Assert.Equal(target, cast.Schema);
            }
        }
    }
}
