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
                await ReadParquetAsync(store, path, s.SizeInBytes, sidecar: true, actions, ct).ConfigureAwait(false);
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
                await ReadParquetAsync(store, file.Path, file.Info.Size, sidecar: false, actions, ct).ConfigureAwait(false);
            }
        }
        return actions;
    }

    private static async Task ReadParquetAsync(IObjectStore store, string path, long size, bool sidecar, List<DeltaAction> actions, CancellationToken ct)
    {
        string name = $"{store.DisplayRoot}/{path}";
        try
        {
            await using var reader = await StoreParquet.OpenAsync(store, path, size, ct).ConfigureAwait(false);
            CheckShape(reader.Schema, name, sidecar);
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

    private static bool IsText(DataType t) => t.Kind is TypeKind.String or TypeKind.Binary;

    private static bool IsInteger(DataType t) => t.Kind is TypeKind.Int64 or TypeKind.Int32 or TypeKind.Int16 or TypeKind.Int8;

    private static bool IsBoolean(DataType t) => t.Kind == TypeKind.Boolean;

    private static bool IsTextMap(DataType t) => t is MapType m && IsText(m.Key.Type) && IsText(m.Value.Type);

    private static bool IsTextList(DataType t) => t is ListType l && IsText(l.Element.Type);

    private static bool IsStruct(DataType t) => t is StructType;

    private static readonly (string Field, Func<DataType, bool> Ok, string Expected)[] FileFields =
    [
        ("path", IsText, "a string"), ("partitionValues", IsTextMap, "a map of strings"), ("size", IsInteger, "an integer"),
        ("modificationTime", IsInteger, "an integer"), ("deletionTimestamp", IsInteger, "an integer"), ("dataChange", IsBoolean, "a boolean"),
        ("extendedFileMetadata", IsBoolean, "a boolean"), ("stats", IsText, "a string"), ("tags", IsTextMap, "a map of strings"),
        ("deletionVector", IsStruct, "a struct"), ("baseRowId", IsInteger, "an integer"), ("defaultRowCommitVersion", IsInteger, "an integer"),
        ("clusteringProvider", IsText, "a string"),
    ];

    /// <summary>The fields the reader takes from each action column, with the types it needs them to have.</summary>
    private static readonly Dictionary<string, (string Field, Func<DataType, bool> Ok, string Expected)[]> Shapes = new(StringComparer.Ordinal)
    {
        ["add"] = FileFields,
        ["remove"] = FileFields,
        ["metaData"] =
        [
            ("id", IsText, "a string"), ("name", IsText, "a string"), ("description", IsText, "a string"), ("format", IsStruct, "a struct"),
            ("schemaString", IsText, "a string"), ("partitionColumns", IsTextList, "a list of strings"), ("createdTime", IsInteger, "an integer"),
            ("configuration", IsTextMap, "a map of strings"),
        ],
        ["protocol"] =
        [
            ("minReaderVersion", IsInteger, "an integer"), ("minWriterVersion", IsInteger, "an integer"),
            ("readerFeatures", IsTextList, "a list of strings"), ("writerFeatures", IsTextList, "a list of strings"),
        ],
        ["txn"] = [("appId", IsText, "a string"), ("version", IsInteger, "an integer"), ("lastUpdated", IsInteger, "an integer")],
        ["domainMetadata"] = [("domain", IsText, "a string"), ("configuration", IsText, "a string"), ("removed", IsBoolean, "a boolean")],
        ["checkpointMetadata"] = [("version", IsInteger, "an integer"), ("tags", IsTextMap, "a map of strings")],
        ["sidecar"] = [("path", IsText, "a string"), ("sizeInBytes", IsInteger, "an integer"), ("modificationTime", IsInteger, "an integer"), ("tags", IsTextMap, "a map of strings")],
    };

    /// <summary>
    /// A checkpoint file must hold its actions in the columns and types the protocol gives them: a column of another
    /// type (a damaged footer can turn a map into a plain group) would otherwise read as absent, and every file as one
    /// without partition values, silently. A classic checkpoint (and a sidecar) holds the add column, and a classic
    /// one the remove column too, even when no row uses them; only a v2 checkpoint whose files are in sidecars may lack
    /// them. An add column holds at least path, partitionValues and size.
    /// </summary>
    private static void CheckShape(Parquet.Schema schema, string name, bool sidecar)
    {
        DeltaLogException Damaged(string what) => new($"Checkpoint {name}: {what}; the checkpoint is damaged or not a Delta checkpoint.");
        foreach (var (column, fields) in Shapes)
        {
            int i = schema.IndexOf(column);
            if (i < 0) continue;
            if (schema[i].Type is not StructType type) throw Damaged($"its {column} column is {schema[i].Type}, not a struct");
            foreach (var (field, ok, expected) in fields)
            {
                int j = type.IndexOf(field);
                if (j >= 0 && !ok(type.Fields[j].Type)) throw Damaged($"its {column}.{field} column is {type.Fields[j].Type}, expected {expected}");
            }
        }
        bool v2 = schema.IndexOf("sidecar") >= 0 || schema.IndexOf("checkpointMetadata") >= 0;
        if (!v2 && schema.IndexOf("add") < 0) throw Damaged("it has no add column");
        if (!v2 && !sidecar && schema.IndexOf("remove") < 0) throw Damaged("it has no remove column");
        // An add column without these fields would read every file with no partition values or size, silently.
        if (schema.IndexOf("add") is int add and >= 0)
        {
            foreach (var field in new[] { "path", "partitionValues", "size" })
                if (((StructType)schema[add].Type).IndexOf(field) < 0) throw Damaged($"its add column has no '{field}' field");
        }
    }

    private static void Extract(RecordBatch batch, List<DeltaAction> actions, string name)
    {
        var cols = new Dictionary<string, StructVector>();
        for (int c = 0; c < batch.Columns.Count; c++)
            if (batch.Columns[c] is StructVector s) cols[batch.Schema[c].Name] = s;
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
        // Both are required when the descriptor is there: a damaged checkpoint must not turn into a file with an empty DV.
        return new DeletionVectorDescriptor(
            Str(dv, "storageType", row) ?? throw new ArgumentException("a deletion vector without storageType"),
            Str(dv, "pathOrInlineDv", row) ?? throw new ArgumentException("a deletion vector without pathOrInlineDv"),
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
