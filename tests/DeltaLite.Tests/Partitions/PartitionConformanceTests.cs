using System.Text.Json;
using DeltaLite.Parquet;
using DeltaLite.Partitions;
using DeltaLite.Schema;

namespace DeltaLite.Tests.Partitions;

/// <summary>
/// Every partition value in the logs of the partitioned conformance tables parses with its column's type and
/// re-serializes to the same text; every add path decodes to the folder its values name, which exists on disk.
/// </summary>
public sealed class PartitionConformanceTests
{
    public static TheoryData<string, int> Tables => new()
    {
        // table, number of (file action, partition column) values in its JSON commits
        { "delta-rs/delta-0.8.0-special-partition", 2 },
        { "delta-rs/delta-0.8.0-null-partition", 2 },
        { "delta-rs/delta-0.8.0-numeric-partition", 4 },
        { "delta-rs/delta-2.2.0-partitioned-types", 6 },
        { "delta-rs/partition-type-primitives", 64 },
        { "delta-rs/table_with_partitioning_mapping", 2 },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void PartitionValues_ParseAndReserializeToTheSameText_AndPathsMatchFolders(string table, int expectedValues)
    {
        var root = TestData.TablePath(table);
        ParquetSchemaState? state = null;
        int values = 0, folders = 0;
        foreach (var commit in TestData.CommitFiles(table))
        {
            var actions = TestData.Actions(commit).ToArray();
            foreach (var a in actions)
                if (a.TryGetProperty("metaData", out var md)) state = ParquetSchemaState.From(md);
            foreach (var a in actions)
            {
                bool isAdd = a.TryGetProperty("add", out var file);
                if (!isAdd && !a.TryGetProperty("remove", out file)) continue;
                if (!file.TryGetProperty("partitionValues", out var pv)) continue;
                Assert.NotNull(state);
                string where = $"{Path.GetFileName(commit)} {file.GetProperty("path").GetString()}";

                var parsed = new Dictionary<string, string?>();
                foreach (var entry in pv.EnumerateObject())
                {
                    var type = state.TypeOfPhysical(entry.Name, where);
                    string? text = entry.Value.ValueKind == JsonValueKind.Null ? null : entry.Value.GetString();
                    object? value = PartitionValues.Parse(text, type);
                    Assert.True(text == PartitionValues.Serialize(value, type), $"{where}: '{text}' as {DeltaSchema.TypeName(type)} re-serializes to '{PartitionValues.Serialize(value, type)}'");
                    parsed[entry.Name] = text;
                    values++;
                }

                string uriPath = file.GetProperty("path").GetString()!;
                string relative = PartitionValues.FromUriPath(uriPath);
                Assert.Equal(uriPath, PartitionValues.ToUriPath(relative));
                int slash = relative.LastIndexOf('/');
                string folder = slash < 0 ? "" : relative[..slash];
                if (!isAdd || folder.Split('/').Any(s => !s.Contains('='))) continue; // random-prefix folders (column mapping)
                var expected = PartitionValues.RelativePath(state.PartitionColumns.Select(c => (c, parsed[c])).ToArray());
                Assert.Equal(expected, folder);
                foreach (var segment in folder.Split('/'))
                {
                    var (column, text) = PartitionValues.ParseFolderName(segment);
                    Assert.Equal(parsed[column], text);
                }
                Assert.True(Directory.Exists(Path.Combine(root, folder)), $"{where}: folder '{folder}' is not on disk");
                folders++;
            }
        }
        Assert.Equal(expectedValues, values);
        Assert.True(folders > 0, "no add path was checked against its folder");
    }

    /// <summary>The partition columns of the metadata in effect, by the physical names partition values use.</summary>
    private sealed class ParquetSchemaState
    {
        private readonly Dictionary<string, DataType> _byPhysical = new(StringComparer.Ordinal);

        public List<string> PartitionColumns { get; } = [];

        public static ParquetSchemaState From(JsonElement metaData)
        {
            var schema = DeltaSchema.Parse(metaData.GetProperty("schemaString").GetString()!);
            var config = metaData.GetProperty("configuration").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            var mode = DeltaSchema.ParseColumnMappingMode(config);
            var state = new ParquetSchemaState();
            foreach (var name in metaData.GetProperty("partitionColumns").EnumerateArray().Select(e => e.GetString()!))
            {
                var field = schema[schema.IndexOf(name)];
                string physical = DeltaSchema.PhysicalName(field, mode);
                state._byPhysical[physical] = field.Type;
                state.PartitionColumns.Add(physical);
            }
            return state;
        }

        public DataType TypeOfPhysical(string physicalName, string where) =>
            _byPhysical.TryGetValue(physicalName, out var t) ? t : throw new Xunit.Sdk.XunitException($"{where}: '{physicalName}' is not a partition column");
    }
}
