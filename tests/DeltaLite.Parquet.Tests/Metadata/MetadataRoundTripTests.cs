using System.Buffers;
using DeltaLite.Parquet.Metadata;
using Encoding = DeltaLite.Parquet.Metadata.Encoding;

namespace DeltaLite.Parquet.Tests.Metadata;

public class MetadataRoundTripTests
{
    internal static Statistics RichStatistics(int seed) => new()
    {
        Max = [0x7F, (byte)seed],
        Min = [0x80, 0x00],
        NullCount = 3 + seed,
        DistinctCount = long.MaxValue - seed,
        MaxValue = System.Text.Encoding.UTF8.GetBytes("zebra"),
        MinValue = [],
        IsMaxValueExact = true,
        IsMinValueExact = false,
        NanCount = 0,
    };

    internal static FileMetaData RichFileMetaData()
    {
        var leafA = new ColumnMetaData
        {
            Type = PhysicalType.Int64,
            Encodings = [Encoding.Plain, Encoding.RleDictionary, Encoding.Rle, Encoding.BitPacked],
            PathInSchema = ["id"],
            Codec = CompressionCodec.Zstd,
            NumValues = 1_000_000_000_000,
            TotalUncompressedSize = 5_000_000_000,
            TotalCompressedSize = 4_000_000_000,
            KeyValueMetadata = [new KeyValue("k", "v"), new KeyValue("ключ", "значение ✓")],
            DataPageOffset = 4,
            IndexPageOffset = 17,
            DictionaryPageOffset = 2,
            Statistics = RichStatistics(1),
            EncodingStats =
            [
                new PageEncodingStats { PageType = PageType.DictionaryPage, Encoding = Encoding.Plain, Count = 1 },
                new PageEncodingStats { PageType = PageType.DataPage, Encoding = Encoding.RleDictionary, Count = 70 },
            ],
            BloomFilterOffset = 1 << 40,
            BloomFilterLength = 4096,
        };
        // 20 path elements and 16 encodings: long-form list headers.
        var leafB = new ColumnMetaData
        {
            Type = PhysicalType.FixedLenByteArray,
            Encodings = Enumerable.Repeat(Encoding.DeltaBinaryPacked, 16).ToList(),
            PathInSchema = Enumerable.Range(0, 20).Select(i => "p" + i).ToList(),
            Codec = CompressionCodec.Snappy,
            NumValues = 0,
            TotalUncompressedSize = -1,
            TotalCompressedSize = long.MinValue,
            KeyValueMetadata = [new KeyValue("only", "one")],
            DataPageOffset = long.MaxValue,
            IndexPageOffset = 0,
            DictionaryPageOffset = -5,
            Statistics = RichStatistics(2),
            EncodingStats = [new PageEncodingStats { PageType = PageType.DataPageV2, Encoding = Encoding.ByteStreamSplit, Count = int.MaxValue }],
            BloomFilterOffset = 9,
            BloomFilterLength = int.MinValue,
        };
        var chunk = new ColumnChunk
        {
            FilePath = "other/file.parquet",
            FileOffset = 123456789012,
            MetaData = leafA,
            OffsetIndexOffset = 1000,
            OffsetIndexLength = 77,
            ColumnIndexOffset = 2000,
            ColumnIndexLength = 88,
        };
        var chunkB = new ColumnChunk
        {
            FilePath = "",
            FileOffset = 0,
            MetaData = leafB,
            OffsetIndexOffset = -1,
            OffsetIndexLength = -1,
            ColumnIndexOffset = -2,
            ColumnIndexLength = 0,
        };
        return new FileMetaData
        {
            Version = 2,
            Schema =
            [
                new SchemaElement
                {
                    Type = PhysicalType.FixedLenByteArray,
                    TypeLength = 16,
                    RepetitionType = FieldRepetitionType.Optional,
                    Name = "amount",
                    NumChildren = 0,
                    ConvertedType = ConvertedType.Decimal,
                    Scale = 4,
                    Precision = 38,
                    FieldId = -7,
                    LogicalType = LogicalType.Decimal(38, 4),
                },
            ],
            NumRows = 42,
            RowGroups =
            [
                new RowGroup
                {
                    Columns = [chunk, chunkB],
                    TotalByteSize = 999,
                    NumRows = 42,
                    SortingColumns =
                    [
                        new SortingColumn { ColumnIdx = 0, Descending = true, NullsFirst = false },
                        new SortingColumn { ColumnIdx = 1, Descending = false, NullsFirst = true },
                    ],
                    FileOffset = 4,
                    TotalCompressedSize = 500,
                    Ordinal = short.MaxValue,
                },
            ],
            KeyValueMetadata = [new KeyValue("org.apache.spark.version", "3.5.0"), new KeyValue("empty", "")],
            CreatedBy = "DeltaLite test (build 1)",
            ColumnOrders = [ColumnOrder.TypeDefined(), new ColumnOrder { OrderId = 2 }],
        };
    }

    internal static PageHeader RichPageHeader() => new()
    {
        Type = PageType.DataPage,
        UncompressedPageSize = 1 << 20,
        CompressedPageSize = 12345,
        Crc = unchecked((int)0xDEADBEEF),
        DataPageHeader = new DataPageHeader
        {
            NumValues = 100,
            Encoding = Encoding.DeltaByteArray,
            DefinitionLevelEncoding = Encoding.Rle,
            RepetitionLevelEncoding = Encoding.BitPacked,
            Statistics = RichStatistics(3),
        },
        DictionaryPageHeader = new DictionaryPageHeader { NumValues = 7, Encoding = Encoding.PlainDictionary, IsSorted = true },
        DataPageHeaderV2 = new DataPageHeaderV2
        {
            NumValues = 10,
            NumNulls = 2,
            NumRows = 9,
            Encoding = Encoding.DeltaLengthByteArray,
            DefinitionLevelsByteLength = 3,
            RepetitionLevelsByteLength = 0,
            IsCompressed = false,
            Statistics = RichStatistics(4),
        },
    };

    public static TheoryData<string> LogicalTypeCases() =>
    [
        "STRING", "MAP", "LIST", "ENUM", "DECIMAL", "DATE", "TIME", "TIMESTAMP",
        "INTEGER", "UNKNOWN", "JSON", "BSON", "UUID", "FLOAT16", "FUTURE",
    ];

    private static LogicalType LogicalTypeFor(string name) => name switch
    {
        "STRING" => LogicalType.String(),
        "MAP" => LogicalType.Map(),
        "LIST" => LogicalType.List(),
        "ENUM" => LogicalType.Enum(),
        "DECIMAL" => LogicalType.Decimal(9, 2),
        "DATE" => LogicalType.Date(),
        "TIME" => LogicalType.Time(false, TimeUnit.Nanos),
        "TIMESTAMP" => LogicalType.Timestamp(true, TimeUnit.Micros),
        "INTEGER" => LogicalType.Integer(8, false),
        "UNKNOWN" => LogicalType.Unknown(),
        "JSON" => LogicalType.Json(),
        "BSON" => LogicalType.Bson(),
        "UUID" => LogicalType.Uuid(),
        "FLOAT16" => LogicalType.Float16(),
        _ => new LogicalType { Kind = (LogicalTypeKind)40 },
    };

    [Fact]
    public void Rich_file_metadata_sets_every_field()
    {
        // Guards the round-trip test below: a property added to the model without a value here fails.
        ModelAssert.EverythingSet(RichFileMetaData());
        ModelAssert.EverythingSet(RichPageHeader());
    }

    [Fact]
    public void Rich_file_metadata_round_trips()
    {
        var original = RichFileMetaData();
        var bytes = original.Serialize();
        var parsed = FileMetaData.Parse(bytes);
        ModelAssert.Equal(original, parsed);
        Assert.Equal(bytes, parsed.Serialize());
    }

    [Fact]
    public void Rich_page_header_round_trips_and_reports_its_length()
    {
        var original = RichPageHeader();
        var buffer = new ArrayBufferWriter<byte>();
        original.WriteTo(buffer);
        int written = buffer.WrittenCount;
        // The page body follows the header: the parser must stop at the header's end.
        var withBody = buffer.WrittenSpan.ToArray().Concat(new byte[] { 0xAA, 0xBB, 0xCC }).ToArray();
        var parsed = PageHeader.Parse(withBody, out int headerLength);
        Assert.Equal(written, headerLength);
        ModelAssert.Equal(original, parsed);
    }

    [Fact]
    public void Minimal_file_metadata_round_trips_with_every_optional_unset()
    {
        var original = new FileMetaData
        {
            Version = 1,
            Schema = [new SchemaElement { Name = "root" }],
            NumRows = 0,
            RowGroups =
            [
                new RowGroup
                {
                    Columns =
                    [
                        new ColumnChunk { MetaData = new ColumnMetaData() },
                        new ColumnChunk { MetaData = new ColumnMetaData { Statistics = new Statistics() } },
                        new ColumnChunk(),
                    ],
                },
            ],
        };
        var parsed = FileMetaData.Parse(original.Serialize());
        ModelAssert.Equal(original, parsed);
        ModelAssert.OptionalsUnset(parsed);
        ModelAssert.OptionalsUnset(parsed.Schema[0]);
        ModelAssert.OptionalsUnset(parsed.RowGroups[0]);
        ModelAssert.OptionalsUnset(parsed.RowGroups[0].Columns[2]);
        ModelAssert.OptionalsUnset(parsed.RowGroups[0].Columns[0].MetaData!);
        ModelAssert.OptionalsUnset(parsed.RowGroups[0].Columns[1].MetaData!.Statistics!);
    }

    [Fact]
    public void Minimal_file_metadata_has_the_expected_bytes()
    {
        var meta = new FileMetaData { Version = 1, Schema = [new SchemaElement { Name = "root" }], NumRows = 3 };
        byte[] expected =
        [
            0x15, 0x02,                              // 1: i32 version = 1 (zigzag 2)
            0x19, 0x1C,                              // 2: list, 1 struct
            0x48, 0x04, (byte)'r', (byte)'o', (byte)'o', (byte)'t', 0x00, //   4: name = "root", stop
            0x16, 0x06,                              // 3: i64 num_rows = 3 (zigzag 6)
            0x19, 0x0C,                              // 4: list, 0 structs
            0x00,                                    // stop
        ];
        Assert.Equal(expected, meta.Serialize());
    }

    [Fact]
    public void Minimal_page_headers_round_trip_with_every_optional_unset()
    {
        var dictionary = new PageHeader
        {
            Type = PageType.DictionaryPage,
            UncompressedPageSize = 10,
            CompressedPageSize = 8,
            DictionaryPageHeader = new DictionaryPageHeader { NumValues = 2, Encoding = Encoding.Plain },
        };
        var v2 = new PageHeader
        {
            Type = PageType.DataPageV2,
            DataPageHeaderV2 = new DataPageHeaderV2 { NumValues = 1 },
        };
        var v1 = new PageHeader { Type = PageType.DataPage, DataPageHeader = new DataPageHeader() };
        foreach (var original in new[] { dictionary, v2, v1, new PageHeader() })
        {
            var buffer = new ArrayBufferWriter<byte>();
            original.WriteTo(buffer);
            var parsed = PageHeader.Parse(buffer.WrittenSpan, out int length);
            Assert.Equal(buffer.WrittenCount, length);
            ModelAssert.Equal(original, parsed);
            Assert.Null(parsed.Crc);
        }
        var parsedDictionary = PageHeader.Parse(Serialize(dictionary), out _);
        Assert.Null(parsedDictionary.DictionaryPageHeader!.IsSorted);
        Assert.Null(parsedDictionary.DataPageHeader);
        Assert.Null(parsedDictionary.DataPageHeaderV2);
        Assert.Null(PageHeader.Parse(Serialize(v1), out _).DataPageHeader!.Statistics);
        Assert.True(PageHeader.Parse(Serialize(v2), out _).DataPageHeaderV2!.IsCompressed);
    }

    [Theory]
    [MemberData(nameof(LogicalTypeCases))]
    public void Every_logical_type_round_trips(string name)
    {
        var logicalType = LogicalTypeFor(name);
        var meta = new FileMetaData
        {
            Schema = [new SchemaElement { Name = "root", NumChildren = 1 }, new SchemaElement { Name = "c", LogicalType = logicalType }],
        };
        var parsed = FileMetaData.Parse(meta.Serialize()).Schema[1].LogicalType;
        ModelAssert.Equal(logicalType, parsed);
        Assert.Equal(logicalType.ToString(), parsed!.ToString());
    }

    [Fact]
    public void Logical_type_text_names_parameters()
    {
        Assert.Equal("DECIMAL(10,2)", LogicalType.Decimal(10, 2).ToString());
        Assert.Equal("TIMESTAMP(MICROS,utc)", LogicalType.Timestamp(true, TimeUnit.Micros).ToString());
        Assert.Equal("TIME(MILLIS,local)", LogicalType.Time(false, TimeUnit.Millis).ToString());
        Assert.Equal("UINT(16)", LogicalType.Integer(16, false).ToString());
        Assert.Equal("STRING", LogicalType.String().ToString());
        Assert.Equal("LOGICAL_TYPE_40", new LogicalType { Kind = (LogicalTypeKind)40 }.ToString());
    }

    [Fact]
    public void Data_page_v2_absent_is_compressed_reads_as_true_and_explicit_false_survives()
    {
        var header = new PageHeader { Type = PageType.DataPageV2, DataPageHeaderV2 = new DataPageHeaderV2 { IsCompressed = false } };
        Assert.False(PageHeader.Parse(Serialize(header), out _).DataPageHeaderV2!.IsCompressed);

        // Hand-made: required fields 1..6 only, no field 7.
        byte[] bytes =
        [
            0x15, 0x06, 0x15, 0x00, 0x15, 0x00, 0x5C,       // type = DATA_PAGE_V2, sizes 0, 8 (delta 5): struct
            0x15, 0x02, 0x15, 0x00, 0x15, 0x02, 0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, // v2 header fields 1..6
            0x00,
        ];
        var parsed = PageHeader.Parse(bytes, out int length);
        Assert.Equal(bytes.Length, length);
        Assert.True(parsed.DataPageHeaderV2!.IsCompressed);
        Assert.Equal(1, parsed.DataPageHeaderV2.NumValues);
        Assert.Equal(1, parsed.DataPageHeaderV2.NumRows);
    }

    [Fact]
    public void Writing_a_null_required_list_is_refused_with_a_clear_message()
    {
        var meta = new FileMetaData { Schema = null! };
        var error = Assert.Throws<InvalidOperationException>(() => meta.Serialize());
        Assert.Contains("FileMetaData.Schema", error.Message);
    }

    private static byte[] Serialize(PageHeader header)
    {
        var buffer = new ArrayBufferWriter<byte>();
        header.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
