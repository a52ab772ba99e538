using DeltaLite.Schema;

namespace DeltaLite.Tests.Schema;

public sealed class DeltaSchemaConformanceTests
{
    public static TheoryData<string> Tables => TestData.DeltaTablesData();

    [Fact]
    public void ConformanceFolder_HoldsTheExpectedTables()
    {
        Assert.True(TestData.DeltaTables().Count >= 50, $"only {TestData.DeltaTables().Count} tables found under {TestData.ConformanceRoot}");
        foreach (var refused in ConformanceSchemas.Refused.Keys) Assert.Contains(refused, TestData.DeltaTables());
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void EverySchemaString_RoundTripsOrIsRefusedWithTheNamedType(string table)
    {
        var schemas = ConformanceSchemas.Of(table);
        Assert.NotEmpty(schemas);
        foreach (var (source, json) in schemas)
        {
            if (ConformanceSchemas.Refused.TryGetValue(table, out var refused))
            {
                var e = Assert.Throws<DeltaSchemaException>(() => DeltaSchema.Parse(json));
                Assert.Equal(refused.FieldPath, e.FieldPath);
                Assert.Contains($"'{refused.Type}'", e.Message);
                Assert.Contains($"'{refused.FieldPath}'", e.Message);
                continue;
            }
            var schema = DeltaSchema.Parse(json);
            string written = DeltaSchema.ToJson(schema);
            if (JsonShape.MetadataKeysSorted(json))
                Assert.Equal(json, written);
            else // FieldMetadata keeps keys sorted; JSON object member order carries no meaning
                Assert.Equal(ConformanceSchemas.Canonical(json), ConformanceSchemas.Canonical(written));
            Assert.Equal(schema, DeltaSchema.Parse(written));
            Assert.True(schema.Count > 0, $"{table} {source}: empty schema");
        }
    }

    [Fact]
    public void SchemasWithUnsortedFieldMetadata_AreKnown()
    {
        // Spark writes metadata members in its own order; these are the conformance schemas that are not in ordinal
        // order, compared member-order-insensitively above. Listing them keeps the exact comparison honest.
        var unsorted = TestData.DeltaTables()
            .Where(t => !ConformanceSchemas.Refused.ContainsKey(t))
            .Where(t => ConformanceSchemas.Of(t).Any(s => !JsonShape.MetadataKeysSorted(s.SchemaString)))
            .ToArray();
        Assert.Equal(["delta-rs/checkpoint-v2-table", "delta-rs/issue-2152"], unsorted);
    }
}
