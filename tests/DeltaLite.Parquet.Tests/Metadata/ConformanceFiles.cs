using System.Buffers.Binary;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>A conformance Parquet file split into its parts: the whole bytes and the footer range.</summary>
internal sealed record ParquetFileBytes(string RelativePath, byte[] Bytes, int FooterOffset, int FooterLength)
{
    public ReadOnlySpan<byte> Footer => Bytes.AsSpan(FooterOffset, FooterLength);

    /// <summary>Reads a file under the conformance root and locates its footer (LE int32 length + "PAR1" at the end).</summary>
    public static ParquetFileBytes Load(string relativePath)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.ConformanceRoot, relativePath));
        Assert.True(bytes.Length >= 12, $"{relativePath}: only {bytes.Length} bytes");
        Assert.True(bytes.AsSpan(0, 4).SequenceEqual("PAR1"u8), $"{relativePath}: no leading PAR1");
        Assert.True(bytes.AsSpan(bytes.Length - 4).SequenceEqual("PAR1"u8), $"{relativePath}: no trailing PAR1");
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 8, 4));
        Assert.InRange(length, 1, bytes.Length - 12);
        return new ParquetFileBytes(relativePath, bytes, bytes.Length - 8 - length, length);
    }

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestData.ConformanceParquetFiles()) data.Add(file);
        return data;
    }
}

/// <summary>A leaf of the schema tree with its path from the root's child and its element.</summary>
internal sealed record SchemaLeaf(IReadOnlyList<string> Path, SchemaElement Element);

internal static class SchemaTree
{
    /// <summary>
    /// Walks the flattened depth-first schema and returns its leaves in order. Fails the test if the
    /// NumChildren counts do not describe exactly one tree covering every element.
    /// </summary>
    public static List<SchemaLeaf> Leaves(List<SchemaElement> schema)
    {
        Assert.NotEmpty(schema);
        var leaves = new List<SchemaLeaf>();
        int next = 1;
        int rootChildren = schema[0].NumChildren ?? 0;
        for (int i = 0; i < rootChildren; i++) Walk(schema, ref next, [], leaves);
        Assert.True(next == schema.Count, $"schema tree covers {next} of {schema.Count} elements");
        return leaves;
    }

    private static void Walk(List<SchemaElement> schema, ref int index, List<string> parent, List<SchemaLeaf> leaves)
    {
        Assert.True(index < schema.Count, "schema ends inside a group");
        var element = schema[index++];
        var path = new List<string>(parent) { element.Name };
        if (element.NumChildren is > 0 and var children)
        {
            for (int i = 0; i < children; i++) Walk(schema, ref index, path, leaves);
        }
        else
        {
            Assert.True(element.Type is not null, $"leaf {string.Join('.', path)} has no physical type");
            leaves.Add(new SchemaLeaf(path, element));
        }
    }
}
