using DeltaLite.Actions;
using DeltaLite.DeletionVectors;
using DeltaLite.Parquet;
using DeltaLite.Protocol;
using DeltaLite.Snapshots;
using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>
/// Writes a classic single-file Parquet checkpoint of a snapshot, in the schema Spark and delta-rs read
/// (one struct column per action type, exactly one non-null per row; add.stats as a JSON string), then
/// <c>_last_checkpoint</c>.
/// </summary>
public static class CheckpointWriter
{
    private static readonly MapType StringMap = new(DataType.String, DataType.String);

    private static readonly StructType DvType = new(
        new Field("storageType", DataType.String), new Field("pathOrInlineDv", DataType.String), new Field("offset", DataType.Int32),
        new Field("sizeInBytes", DataType.Int32), new Field("cardinality", DataType.Int64));

    private static readonly StructType TxnType = new(new Field("appId", DataType.String), new Field("version", DataType.Int64), new Field("lastUpdated", DataType.Int64));

    private static readonly StructType AddType = new(
        new Field("path", DataType.String), new Field("partitionValues", StringMap), new Field("size", DataType.Int64),
        new Field("modificationTime", DataType.Int64), new Field("dataChange", DataType.Boolean), new Field("tags", StringMap),
        new Field("deletionVector", DvType), new Field("baseRowId", DataType.Int64), new Field("defaultRowCommitVersion", DataType.Int64),
        new Field("clusteringProvider", DataType.String), new Field("stats", DataType.String));

    private static readonly StructType RemoveType = new(
        new Field("path", DataType.String), new Field("deletionTimestamp", DataType.Int64), new Field("dataChange", DataType.Boolean),
        new Field("extendedFileMetadata", DataType.Boolean), new Field("partitionValues", StringMap), new Field("size", DataType.Int64),
        new Field("tags", StringMap), new Field("deletionVector", DvType), new Field("baseRowId", DataType.Int64),
        new Field("defaultRowCommitVersion", DataType.Int64), new Field("stats", DataType.String));

    private static readonly StructType MetadataType = new(
        new Field("id", DataType.String), new Field("name", DataType.String), new Field("description", DataType.String),
        new Field("format", new StructType(new Field("provider", DataType.String), new Field("options", StringMap))),
        new Field("schemaString", DataType.String), new Field("partitionColumns", new ListType(DataType.String)),
        new Field("configuration", StringMap), new Field("createdTime", DataType.Int64));

    private static readonly StructType ProtocolType = new(
        new Field("minReaderVersion", DataType.Int32), new Field("minWriterVersion", DataType.Int32),
        new Field("readerFeatures", new ListType(DataType.String)), new Field("writerFeatures", new ListType(DataType.String)));

    private static readonly StructType DomainType = new(new Field("domain", DataType.String), new Field("configuration", DataType.String), new Field("removed", DataType.Boolean));

    /// <summary>The checkpoint's schema (domainMetadata only when the table uses domains).</summary>
    public static Parquet.Schema CheckpointSchema(bool withDomains)
    {
        var fields = new List<Field>
        {
            new("txn", TxnType), new("add", AddType), new("remove", RemoveType), new("metaData", MetadataType), new("protocol", ProtocolType),
        };
        if (withDomains) fields.Add(new("domainMetadata", DomainType));
        return new Parquet.Schema(fields);
    }

    /// <summary>Writes the checkpoint of <paramref name="snapshot"/> and updates <c>_last_checkpoint</c>.</summary>
    public static async Task<LastCheckpoint> WriteAsync(Snapshot snapshot, DateTimeOffset now, CancellationToken ct)
    {
        var store = snapshot.Store;
        bool withDomains = snapshot.Domains.Count > 0 || TableFeatures.Has(snapshot.Protocol, "domainMetadata");
        var schema = CheckpointSchema(withDomains);
        var builders = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        int rows = 0;

        void Row(int column, object?[] value)
        {
            for (int c = 0; c < builders.Length; c++) builders[c].Append(c == column ? value : null);
            rows++;
        }

        Row(4, [snapshot.Protocol.MinReaderVersion, snapshot.Protocol.MinWriterVersion, snapshot.Protocol.ReaderFeatures?.ToArray(), snapshot.Protocol.WriterFeatures?.ToArray()]);
        var m = snapshot.Metadata;
        Row(3, [m.Id, m.Name, m.Description, new object?[] { m.Format.Provider, Plain(m.Format.Options) }, m.SchemaString, m.PartitionColumns.ToArray(), Plain(m.Configuration), m.CreatedTime]);
        foreach (var t in snapshot.Transactions.Values.OrderBy(t => t.AppId, StringComparer.Ordinal))
            Row(0, [t.AppId, t.Version, t.LastUpdated]);
        if (withDomains)
            foreach (var d in snapshot.Domains.Values.OrderBy(d => d.Domain, StringComparer.Ordinal))
                Row(5, [d.Domain, d.Configuration, d.Removed]);
        foreach (var a in snapshot.Files)
            Row(1, [a.Path, Map(a.PartitionValues), a.Size, a.ModificationTime, false, a.Tags is null ? null : Map(a.Tags), Dv(a.DeletionVector),
                a.BaseRowId, a.DefaultRowCommitVersion, a.ClusteringProvider, a.Stats]);
        long retentionMs = (long)Retention.DeletedFileRetention(snapshot.Configuration).TotalMilliseconds;
        long cutoff = now.ToUnixTimeMilliseconds() - retentionMs;
        foreach (var r in snapshot.Tombstones.Where(r => (r.DeletionTimestamp ?? 0) > cutoff).OrderBy(r => r.Path, StringComparer.Ordinal))
            Row(2, [r.Path, r.DeletionTimestamp, false, r.ExtendedFileMetadata, r.PartitionValues is null ? null : Map(r.PartitionValues), r.Size,
                r.Tags is null ? null : Map(r.Tags), Dv(r.DeletionVector), r.BaseRowId, r.DefaultRowCommitVersion, r.Stats]);

        var batch = new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), rows);
        string path = LogFile.CheckpointPath(snapshot.Version);
        var ms = new MemoryStream();
        using (var w = new ParquetWriter(ms, schema, new ParquetWriterOptions { RowGroupMaxRows = 1 << 20 }, leaveOpen: true)) w.Write(batch);
        await store.WriteAsync(path, ms.GetBuffer().AsMemory(0, (int)ms.Length), ct).ConfigureAwait(false);
        Diagnostics.FaultPoints.Reach("mid-checkpoint");
        var last = new LastCheckpoint(snapshot.Version, rows, null, ms.Length, snapshot.Files.Count);
        await store.WriteAsync(LastCheckpoint.Path, last.ToJson(), ct).ConfigureAwait(false);
        return last;
    }

    private static Dictionary<string, string?> Map(IReadOnlyDictionary<string, string?> map) => new(map, StringComparer.Ordinal);

    private static Dictionary<string, string?> Plain(IReadOnlyDictionary<string, string> map) => map.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);

    private static object?[]? Dv(DeletionVectorDescriptor? dv) =>
        dv is null ? null : [dv.StorageType, dv.PathOrInlineDv, dv.Offset, dv.SizeInBytes, dv.Cardinality];
}
