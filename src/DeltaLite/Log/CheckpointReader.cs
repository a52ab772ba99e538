using DeltaLite.Actions;
using DeltaLite.DeletionVectors;
using DeltaLite.Parquet;
using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>Reads the actions of a checkpoint: classic (one file or parts) or v2 (JSON or Parquet, with sidecars).</summary>
internal static class CheckpointReader
{
    private static readonly string[] ActionColumns = ["add", "remove", "metaData", "protocol", "txn", "domainMetadata", "checkpointMetadata", "sidecar"];

    public static async Task<List<DeltaAction>> ReadAsync(IObjectStore store, IReadOnlyList<LogFile> checkpoint, CancellationToken ct)
    {
        var actions = await ReadTopLevelAsync(store, checkpoint, ct).ConfigureAwait(false);
        // v2: the top-level file names sidecars that hold the file actions.
        var sidecars = actions.OfType<SidecarAction>().ToList();
        foreach (var s in sidecars)
        {
            string path = SidecarPath(store, s);
            if (path.EndsWith(".json", StringComparison.Ordinal))
                actions.AddRange(ActionSerializer.ParseCommit(await store.ReadAllAsync(path, ct).ConfigureAwait(false), $"{store.DisplayRoot}/{path}"));
            else
                await ReadParquetAsync(store, path, s.SizeInBytes, actions, ct).ConfigureAwait(false);
        }
        return actions;
    }

    /// <summary>The store path of a v2 checkpoint's sidecar file.</summary>
    internal static string SidecarPath(IObjectStore store, SidecarAction s) =>
        s.Path.Contains("://", StringComparison.Ordinal) ? throw new DeltaLogException($"{store.DisplayRoot}: sidecar '{s.Path}' is an absolute URI, which is not supported.")
            : LogFile.LogFolder + "_sidecars/" + Uri.UnescapeDataString(s.Path);

    /// <summary>The actions of the checkpoint's own files, without following a v2 checkpoint's sidecars.</summary>
    internal static async Task<List<DeltaAction>> ReadTopLevelAsync(IObjectStore store, IReadOnlyList<LogFile> checkpoint, CancellationToken ct)
    {
        var actions = new List<DeltaAction>();
        foreach (var file in checkpoint)
        {
            if (file.Path.EndsWith(".json", StringComparison.Ordinal))
            {
                var bytes = await store.ReadAllAsync(file.Path, ct).ConfigureAwait(false);
                actions.AddRange(ActionSerializer.ParseCommit(bytes, $"{store.DisplayRoot}/{file.Path}"));
            }
            else
            {
                await ReadParquetAsync(store, file.Path, file.Info.Size, actions, ct).ConfigureAwait(false);
            }
        }
        return actions;
    }

    private static async Task ReadParquetAsync(IObjectStore store, string path, long size, List<DeltaAction> actions, CancellationToken ct)
    {
        string name = $"{store.DisplayRoot}/{path}";
        try
        {
            await using var reader = await StoreParquet.OpenAsync(store, path, size, ct).ConfigureAwait(false);
            var columns = ActionColumns.Where(c => reader.Schema.IndexOf(c) >= 0).ToList();
            await foreach (var batch in reader.ReadAsync(columns, null, ct).ConfigureAwait(false))
                Extract(batch, actions, name);
        }
        catch (ParquetFormatException e)
        {
            throw new DeltaLogException($"Checkpoint {name} is unreadable: {e.Message}", e);
        }
        catch (ObjectNotFoundException e)
        {
            throw new DeltaLogException($"Checkpoint file {name} is missing.", e);
        }
    }

    private static void Extract(RecordBatch batch, List<DeltaAction> actions, string name)
    {
        var cols = new Dictionary<string, StructVector>();
        for (int c = 0; c < batch.Columns.Count; c++)
            if (batch.Columns[c] is StructVector s) cols[batch.Schema[c].Name] = s;
        // An add column without these fields would read every file with no partition values or size, silently.
        if (cols.TryGetValue("add", out var adds))
        {
            foreach (var field in new[] { "path", "partitionValues", "size" })
                if (((StructType)adds.Type).IndexOf(field) < 0)
                    throw new DeltaLogException($"Checkpoint {name}: its add column has no '{field}' field; the checkpoint is damaged or not a Delta checkpoint.");
        }
        for (int row = 0; row < batch.RowCount; row++)
        {
            try
            {
                if (Present(cols, "add", row) is { } add) actions.Add(ReadAdd(add, row));
                else if (Present(cols, "remove", row) is { } rm) actions.Add(ReadRemove(rm, row));
                else if (Present(cols, "metaData", row) is { } md) actions.Add(ReadMetadata(md, row));
                else if (Present(cols, "protocol", row) is { } p) actions.Add(ReadProtocol(p, row));
                else if (Present(cols, "txn", row) is { } t) actions.Add(new SetTransaction(Str(t, "appId", row)!, Long(t, "version", row) ?? 0, Long(t, "lastUpdated", row)));
                else if (Present(cols, "domainMetadata", row) is { } dm) actions.Add(new DomainMetadataAction(Str(dm, "domain", row)!, Str(dm, "configuration", row) ?? "", Bool(dm, "removed", row) ?? false));
                else if (Present(cols, "checkpointMetadata", row) is { } cm) actions.Add(new CheckpointMetadataAction(Long(cm, "version", row) ?? 0, Map(cm, "tags", row)));
                else if (Present(cols, "sidecar", row) is { } sc) actions.Add(new SidecarAction(Str(sc, "path", row)!, Long(sc, "sizeInBytes", row) ?? 0, Long(sc, "modificationTime", row) ?? 0, Map(sc, "tags", row)));
            }
            catch (Exception e) when (e is NullReferenceException or InvalidCastException or ArgumentException)
            {
                throw new DeltaLogException($"Checkpoint {name}, row {row}: an action is malformed ({e.Message}).", e);
            }
        }
    }

    private static StructVector? Present(Dictionary<string, StructVector> cols, string name, int row) =>
        cols.TryGetValue(name, out var s) && !s.IsNull(row) ? s : null;

    private static ColumnVector? Child(StructVector s, string name)
    {
        int i = ((StructType)s.Type).IndexOf(name);
        return i < 0 ? null : s.Children[i];
    }

    private static string? Str(StructVector s, string name, int row) =>
        Child(s, name) is BinaryVector b && !b.IsNull(row) ? b.GetString(row) : null;

    private static long? Long(StructVector s, string name, int row) => Child(s, name) switch
    {
        null => null,
        var v when v.IsNull(row) => null,
        PrimitiveVector<long> l => l[row],
        PrimitiveVector<int> i => i[row],
        var v => Convert.ToInt64(v.GetValue(row), System.Globalization.CultureInfo.InvariantCulture),
    };

    private static bool? Bool(StructVector s, string name, int row) =>
        Child(s, name) is PrimitiveVector<bool> b && !b.IsNull(row) ? b[row] : null;

    private static Dictionary<string, string?>? Map(StructVector s, string name, int row)
    {
        if (Child(s, name) is not MapVector m || m.IsNull(row)) return null;
        var keys = (BinaryVector)m.Keys;
        var values = m.Values as BinaryVector;
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int k = m.Offsets[row]; k < m.Offsets[row + 1]; k++)
            d[keys.GetString(k)] = values is null || values.IsNull(k) ? null : values.GetString(k);
        return d;
    }

    private static List<string>? List(StructVector s, string name, int row)
    {
        if (Child(s, name) is not ListVector l || l.IsNull(row)) return null;
        var values = (BinaryVector)l.Values;
        var list = new List<string>();
        for (int k = l.Offsets[row]; k < l.Offsets[row + 1]; k++) if (!values.IsNull(k)) list.Add(values.GetString(k));
        return list;
    }

    private static DeletionVectorDescriptor? Dv(StructVector s, int row)
    {
        if (Child(s, "deletionVector") is not StructVector dv || dv.IsNull(row)) return null;
        return new DeletionVectorDescriptor(Str(dv, "storageType", row)!, Str(dv, "pathOrInlineDv", row)!,
            Long(dv, "offset", row) is long o ? checked((int)o) : null, checked((int)(Long(dv, "sizeInBytes", row) ?? 0)), Long(dv, "cardinality", row) ?? 0);
    }

    private static AddFile ReadAdd(StructVector a, int row) => new(
        Str(a, "path", row) ?? throw new ArgumentException("add without path"),
        Map(a, "partitionValues", row) ?? [],
        Long(a, "size", row) ?? 0,
        Long(a, "modificationTime", row) ?? 0,
        Bool(a, "dataChange", row) ?? false,
        Str(a, "stats", row),
        Map(a, "tags", row),
        Dv(a, row),
        Long(a, "baseRowId", row),
        Long(a, "defaultRowCommitVersion", row),
        Str(a, "clusteringProvider", row));

    private static RemoveFile ReadRemove(StructVector r, int row) => new(
        Str(r, "path", row) ?? throw new ArgumentException("remove without path"),
        Long(r, "deletionTimestamp", row),
        Bool(r, "dataChange", row) ?? false,
        Bool(r, "extendedFileMetadata", row),
        Map(r, "partitionValues", row),
        Long(r, "size", row),
        Str(r, "stats", row),
        Map(r, "tags", row),
        Dv(r, row),
        Long(r, "baseRowId", row),
        Long(r, "defaultRowCommitVersion", row));

    private static MetadataAction ReadMetadata(StructVector m, int row)
    {
        var format = Child(m, "format") is StructVector f && !f.IsNull(row)
            ? new FormatSpec(Str(f, "provider", row) ?? "parquet", (Map(f, "options", row) ?? []).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!))
            : FormatSpec.Parquet;
        var config = (Map(m, "configuration", row) ?? []).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
        return new MetadataAction(Str(m, "id", row) ?? throw new ArgumentException("metaData without id"), Str(m, "name", row), Str(m, "description", row),
            format, Str(m, "schemaString", row) ?? throw new ArgumentException("metaData without schemaString"),
            List(m, "partitionColumns", row) ?? [], Long(m, "createdTime", row), config);
    }

    private static ProtocolAction ReadProtocol(StructVector p, int row) => new(
        checked((int)(Long(p, "minReaderVersion", row) ?? 1)), checked((int)(Long(p, "minWriterVersion", row) ?? 2)),
        List(p, "readerFeatures", row), List(p, "writerFeatures", row));
}
