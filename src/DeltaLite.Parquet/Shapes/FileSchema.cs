using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Shapes;

/// <summary>A file's schema: the logical fields, their shapes and the flat list of leaves.</summary>
internal sealed class FileSchema
{
    private FileSchema(Parquet.Schema schema, IReadOnlyList<ColumnShape> columns, IReadOnlyList<LeafShape> leaves)
    {
        Schema = schema;
        Columns = columns;
        Leaves = leaves;
    }

    public Parquet.Schema Schema { get; }

    /// <summary>One shape per top-level field.</summary>
    public IReadOnlyList<ColumnShape> Columns { get; }

    public IReadOnlyList<LeafShape> Leaves { get; }

    /// <summary>Builds the logical schema from the flattened thrift schema (depth-first, root first).</summary>
    public static FileSchema FromElements(IReadOnlyList<SchemaElement> elements, string file)
    {
        if (elements.Count == 0) throw new ParquetFormatException($"{file}: the footer has an empty schema.");
        var reader = new ElementReader(elements, file);
        var root = elements[0];
        int n = root.NumChildren ?? 0;
        if (n < 0 || n > elements.Count - 1)
            throw new ParquetFormatException($"{file}: the schema root declares {n} children but the schema has {elements.Count - 1} more elements.");
        reader.Position = 1;
        var columns = new List<ColumnShape>(n);
        for (int i = 0; i < n; i++) columns.Add(reader.ReadNode(0, 0, []));
        if (reader.Position != elements.Count)
            throw new ParquetFormatException($"{file}: the schema has {elements.Count} elements but its tree uses {reader.Position}.");
        return new FileSchema(new Parquet.Schema(columns.Select(c => c.Field).ToArray()), columns, reader.Leaves);
    }

    /// <summary>Builds the shapes of a logical schema, as the writer lays it out.</summary>
    public static FileSchema FromSchema(Parquet.Schema schema) => FromElements(SchemaWriter.ToElements(schema), "<schema>");

    private sealed class ElementReader(IReadOnlyList<SchemaElement> elements, string file)
    {
        private const int MaxDepth = 128;

        public int Position { get; set; }

        public List<LeafShape> Leaves { get; } = [];

        private SchemaElement Next(string[] parentPath)
        {
            if (Position >= elements.Count)
                throw new ParquetFormatException($"{file}: the schema ends inside '{string.Join('.', parentPath)}' (num_children says more).");
            return elements[Position++];
        }

        public ColumnShape ReadNode(int parentDef, int parentRep, string[] parentPath)
        {
            if (parentPath.Length > MaxDepth) throw new ParquetFormatException($"{file}: the schema nests deeper than {MaxDepth} levels.");
            var e = Next(parentPath);
            string[] path = [.. parentPath, e.Name];
            var repetition = e.RepetitionType ?? FieldRepetitionType.Optional;
            int def = parentDef + (repetition == FieldRepetitionType.Required ? 0 : 1);
            int rep = parentRep + (repetition == FieldRepetitionType.Repeated ? 1 : 0);

            if (repetition == FieldRepetitionType.Repeated)
            {
                // A repeated field outside a LIST/MAP annotation is a required list of required elements.
                var element = ReadBody(e, def, rep, path, nullable: false);
                var listField = new Field(e.Name, new ListType(element.Field with { Name = "element" }), false) { FieldId = e.FieldId };
                return new ListShape(listField, parentDef, def, rep, element);
            }
            return ReadBody(e, def, rep, path, repetition == FieldRepetitionType.Optional);
        }

        /// <summary>Reads a node whose own repetition is already accounted for in def/rep.</summary>
        private ColumnShape ReadBody(SchemaElement e, int def, int rep, string[] path, bool nullable)
        {
            int children = e.NumChildren ?? 0;
            if (e.Type is not null && children == 0)
            {
                var type = LogicalTypes.FromElement(e, file, string.Join('.', path));
                var leaf = new LeafShape(new Field(e.Name, type, nullable) { FieldId = e.FieldId }, def, rep, e, path, Leaves.Count);
                Leaves.Add(leaf);
                return leaf;
            }
            if (children <= 0 || children > elements.Count - Position)
                throw new ParquetFormatException($"{file}: group '{string.Join('.', path)}' declares {children} children.");

            bool isList = e.LogicalType?.Kind == LogicalTypeKind.List || e.ConvertedType == ConvertedType.List;
            bool isMap = e.LogicalType?.Kind == LogicalTypeKind.Map || e.ConvertedType is ConvertedType.Map or ConvertedType.MapKeyValue;
            if (isList && children == 1) return ReadList(e, def, rep, path, nullable);
            if (isMap && children == 1) return ReadMap(e, def, rep, path, nullable);

            var shapes = new List<ColumnShape>(children);
            for (int i = 0; i < children; i++) shapes.Add(ReadNode(def, rep, path));
            var type2 = new StructType(shapes.Select(s => s.Field).ToArray());
            return new StructShape(new Field(e.Name, type2, nullable) { FieldId = e.FieldId }, def, shapes);
        }

        private ColumnShape ReadList(SchemaElement e, int def, int rep, string[] path, bool nullable)
        {
            var r = Next(path);
            if (r.RepetitionType != FieldRepetitionType.Repeated)
                throw new ParquetFormatException($"{file}: list '{string.Join('.', path)}' has a non-repeated child '{r.Name}'.");
            int elemDef = def + 1, elemRep = rep + 1;
            string[] rpath = [.. path, r.Name];
            int rc = r.NumChildren ?? 0;
            ColumnShape element;
            bool legacyGroup = rc > 1 || (rc == 1 && r.Type is null && (r.Name == "array" || r.Name == e.Name + "_tuple"));
            if (r.Type is not null && rc == 0)
            {
                element = ReadBody(r, elemDef, elemRep, rpath, nullable: false);   // 2-level: repeated primitive
            }
            else if (legacyGroup)
            {
                element = ReadBody(r, elemDef, elemRep, rpath, nullable: false);   // 2-level: repeated group is the element
            }
            else if (rc == 1)
            {
                element = ReadNode(elemDef, elemRep, rpath);                        // 3-level standard
            }
            else
            {
                throw new ParquetFormatException($"{file}: list '{string.Join('.', path)}' has an empty repeated group.");
            }
            var field = new Field(e.Name, new ListType(element.Field with { Name = "element" }), nullable) { FieldId = e.FieldId };
            return new ListShape(field, def, elemDef, elemRep, element);
        }

        private ColumnShape ReadMap(SchemaElement e, int def, int rep, string[] path, bool nullable)
        {
            var kv = Next(path);
            if (kv.RepetitionType != FieldRepetitionType.Repeated || (kv.NumChildren ?? 0) is < 1 or > 2)
                throw new ParquetFormatException($"{file}: map '{string.Join('.', path)}' must hold one repeated group of key and value.");
            int elemDef = def + 1, elemRep = rep + 1;
            string[] kvpath = [.. path, kv.Name];
            var key = ReadNode(elemDef, elemRep, kvpath);
            ColumnShape value;
            if (kv.NumChildren == 2)
            {
                value = ReadNode(elemDef, elemRep, kvpath);
            }
            else
            {
                throw new ParquetFormatException($"{file}: map '{string.Join('.', path)}' has keys but no values, which is not supported.");
            }
            var mapType = new MapType(key.Field with { Name = "key", Nullable = false }, value.Field with { Name = "value" });
            return new MapShape(new Field(e.Name, mapType, nullable) { FieldId = e.FieldId }, def, elemDef, elemRep, key, value);
        }
    }
}
