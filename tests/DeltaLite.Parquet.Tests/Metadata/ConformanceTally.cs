using System.Text;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>Counts what the conformance files use: writers, codecs, encodings, types, page kinds.</summary>
internal sealed class ConformanceTally
{
    public int Files { get; private set; }
    public int RowGroups { get; private set; }
    public int ColumnChunks { get; private set; }
    public Dictionary<string, int> Writers { get; } = [];
    public Dictionary<CompressionCodec, int> Codecs { get; } = [];
    public Dictionary<string, int> ChunkEncodings { get; } = [];
    public Dictionary<string, int> PageKinds { get; } = [];
    public Dictionary<string, int> PhysicalTypes { get; } = [];
    public Dictionary<string, int> ConvertedTypes { get; } = [];
    public Dictionary<string, int> LogicalTypes { get; } = [];
    public Dictionary<string, int> KeyValueKeys { get; } = [];
    public Dictionary<string, int> Features { get; } = [];

    public static ConformanceTally Build()
    {
        var tally = new ConformanceTally();
        foreach (var path in TestData.ConformanceParquetFiles()) tally.Add(ParquetFileBytes.Load(path));
        return tally;
    }

    private void Add(ParquetFileBytes file)
    {
        var meta = FileMetaData.Parse(file.Footer);
        Files++;
        Count(Writers, Writer(meta.CreatedBy));
        foreach (var kv in meta.KeyValueMetadata ?? []) Count(KeyValueKeys, kv.Key);
        if (meta.ColumnOrders is not null) Count(Features, "file: column_orders");
        if (meta.Version == 2) Count(Features, "file: version 2");
        if (meta.RowGroups.Count == 0) Count(Features, "file: no row groups");
        if (meta.RowGroups.Count > 1) Count(Features, "file: several row groups");
        foreach (var element in meta.Schema)
        {
            if (element.Type is { } type && element.NumChildren is not > 0) Count(PhysicalTypes, type.ToString());
            if (element.ConvertedType is { } converted) Count(ConvertedTypes, converted.ToString());
            if (element.LogicalType is { } logical) Count(LogicalTypes, logical.ToString());
            if (element.FieldId is not null) Count(Features, "schema: field_id");
            if (element.RepetitionType == FieldRepetitionType.Repeated) Count(Features, "schema: repeated field");
        }
        foreach (var group in meta.RowGroups)
        {
            RowGroups++;
            if (group.SortingColumns is not null) Count(Features, "row group: sorting_columns");
            if (group.Ordinal is not null) Count(Features, "row group: ordinal");
            foreach (var chunk in group.Columns)
            {
                ColumnChunks++;
                var column = chunk.MetaData!;
                Count(Codecs, column.Codec);
                foreach (var encoding in column.Encodings) Count(ChunkEncodings, encoding.ToString());
                if (chunk.OffsetIndexOffset is not null) Count(Features, "chunk: offset index");
                if (chunk.ColumnIndexOffset is not null) Count(Features, "chunk: column index");
                if (column.BloomFilterOffset is not null) Count(Features, "chunk: bloom filter");
                if (column.EncodingStats is not null) Count(Features, "chunk: encoding_stats");
                if (column.DictionaryPageOffset == 0) Count(Features, "chunk: dictionary_page_offset = 0");
                if (chunk.FileOffset != 0) Count(Features, "chunk: file_offset != 0");
                if (column.Statistics is { } s)
                {
                    if (s.MinValue is not null || s.MaxValue is not null) Count(Features, "chunk stats: min_value/max_value");
                    if (s.Min is not null || s.Max is not null) Count(Features, "chunk stats: legacy min/max");
                    if (s.NullCount is not null) Count(Features, "chunk stats: null_count");
                    if (s.DistinctCount is not null) Count(Features, "chunk stats: distinct_count");
                    if (s.IsMaxValueExact is not null) Count(Features, "chunk stats: is_*_exact");
                }
                AddPages(file, column, Writer(meta.CreatedBy));
            }
        }
    }

    private void AddPages(ParquetFileBytes file, ColumnMetaData column, string writer)
    {
        long offset = column.DictionaryPageOffset is > 0 and var d ? d : column.DataPageOffset;
        long end = offset + column.TotalCompressedSize;
        bool first = true;
        while (offset < end)
        {
            var header = PageHeader.Parse(file.Bytes.AsSpan((int)offset, (int)(end - offset)), out int length);
            if (first && header.Type == PageType.DictionaryPage && column.DictionaryPageOffset is not > 0)
            {
                Count(Features, $"chunk: dictionary page at data_page_offset, no dictionary_page_offset ({writer})");
            }
            first = false;
            string kind = header.Type switch
            {
                PageType.DictionaryPage => $"dictionary {header.DictionaryPageHeader!.Encoding}",
                PageType.DataPage => $"data v1 {header.DataPageHeader!.Encoding} (levels {header.DataPageHeader.DefinitionLevelEncoding})",
                PageType.DataPageV2 => $"data v2 {header.DataPageHeaderV2!.Encoding} (compressed={header.DataPageHeaderV2.IsCompressed})",
                _ => header.Type.ToString(),
            };
            Count(PageKinds, kind);
            if (header.Crc is not null) Count(Features, "page: crc");
            if (header.DataPageHeader?.Statistics is not null || header.DataPageHeaderV2?.Statistics is not null)
            {
                Count(Features, "page: statistics");
            }
            offset += length + header.CompressedPageSize;
        }
    }

    /// <summary>The writer's name and version, without the build hash.</summary>
    private static string Writer(string? createdBy)
    {
        if (createdBy is null) return "(none)";
        int build = createdBy.IndexOf(" (build", StringComparison.Ordinal);
        return build > 0 ? createdBy[..build] : createdBy;
    }

    private static void Count<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Files} files, {RowGroups} row groups, {ColumnChunks} column chunks");
        Section("writers (created_by)", Writers);
        Section("codecs (per chunk)", Codecs.ToDictionary(p => p.Key.ToString(), p => p.Value));
        Section("encodings listed in chunks", ChunkEncodings);
        Section("pages", PageKinds);
        Section("physical types (leaves)", PhysicalTypes);
        Section("converted types", ConvertedTypes);
        Section("logical types", LogicalTypes);
        Section("key/value metadata keys", KeyValueKeys);
        Section("features", Features);
        return text.ToString();

        void Section(string title, Dictionary<string, int> counts)
        {
            text.AppendLine($"{title}:");
            foreach (var (key, count) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                text.AppendLine($"  {count,7}  {key}");
            }
        }
    }
}
