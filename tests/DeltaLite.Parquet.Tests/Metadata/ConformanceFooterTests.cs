using DeltaLite.Parquet.Metadata;
using Xunit.Abstractions;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>Every Parquet file of the shared conformance tables: footer, schema and page headers.</summary>
public class ConformanceFooterTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files() => ParquetFileBytes.AllFiles();

    [Theory]
    [MemberData(nameof(Files))]
    public void Footer_parses_and_agrees_with_the_schema_and_pages(string relativePath)
    {
        var file = ParquetFileBytes.Load(relativePath);
        var meta = FileMetaData.Parse(file.Footer);

        Assert.InRange(meta.Version, 1, 2);
        var leaves = SchemaTree.Leaves(meta.Schema);
        Assert.NotEmpty(leaves);
        Assert.Equal(meta.NumRows, meta.RowGroups.Sum(g => g.NumRows));
        if (meta.ColumnOrders is not null) Assert.Equal(leaves.Count, meta.ColumnOrders.Count);

        foreach (var (group, g) in meta.RowGroups.Select((group, g) => (group, g)))
        {
            Assert.Equal(leaves.Count, group.Columns.Count);
            for (int c = 0; c < group.Columns.Count; c++)
            {
                string where = $"row group {g}, column {c}";
                var column = group.Columns[c].MetaData;
                Assert.True(column is not null, $"{where}: no ColumnMetaData");
                Assert.True(leaves[c].Path.SequenceEqual(column.PathInSchema),
                    $"{where}: path {string.Join('.', column.PathInSchema)} is not leaf {string.Join('.', leaves[c].Path)}");
                Assert.Equal(leaves[c].Element.Type, column.Type);
                Assert.NotEmpty(column.Encodings);
                CheckPages(file, column, where);
            }
        }

        // What we read, we write back and read again unchanged.
        ModelAssert.Equal(meta, FileMetaData.Parse(meta.Serialize()));
    }

    /// <summary>Walks every page of the chunk: headers parse, types match, sizes add up.</summary>
    private static void CheckPages(ParquetFileBytes file, ColumnMetaData column, string where)
    {
        long start = column.DictionaryPageOffset is > 0 and var dictionary ? dictionary : column.DataPageOffset;
        long end = start + column.TotalCompressedSize;
        Assert.True(start >= 4 && end <= file.FooterOffset, $"{where}: chunk [{start}, {end}) outside the data");

        long offset = start;
        long values = 0;
        bool first = true;
        while (offset < end)
        {
            var header = PageHeader.Parse(file.Bytes.AsSpan((int)offset, (int)(end - offset)), out int headerLength);
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    Assert.True(first, $"{where}: dictionary page at {offset} is not the first page");
                    Assert.NotNull(header.DictionaryPageHeader);
                    break;
                case PageType.DataPage:
                    Assert.NotNull(header.DataPageHeader);
                    values += header.DataPageHeader.NumValues;
                    break;
                case PageType.DataPageV2:
                    Assert.NotNull(header.DataPageHeaderV2);
                    values += header.DataPageHeaderV2.NumValues;
                    break;
                default:
                    Assert.Fail($"{where}: page at {offset} has type {header.Type}");
                    break;
            }
            if (first && column.DictionaryPageOffset is > 0)
            {
                Assert.Equal(PageType.DictionaryPage, header.Type);
            }
            Assert.InRange(header.CompressedPageSize, 0, int.MaxValue);
            offset += headerLength + header.CompressedPageSize;
            first = false;
        }
        Assert.True(offset == end, $"{where}: pages end at {offset}, the chunk at {end}");
        Assert.Equal(column.NumValues, values);
    }

    [Fact]
    public void Conformance_folder_holds_files_of_several_writers_and_the_tally_is_printed()
    {
        var tally = ConformanceTally.Build();
        output.WriteLine(tally.Report());
        Assert.True(tally.Files >= 300, $"only {tally.Files} files");
        Assert.True(tally.Writers.Count >= 3, "expected files from several writers");
        Assert.Contains(CompressionCodec.Snappy, tally.Codecs.Keys);
    }
}
