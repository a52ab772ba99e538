using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Shapes;

/// <summary>
/// A node of a file's logical schema tree with the Dremel levels needed to assemble or shred it.
/// A node is non-null exactly when a level entry's definition level is at least <see cref="DefLevel"/>.
/// </summary>
internal abstract class ColumnShape
{
    protected ColumnShape(Field field, int defLevel)
    {
        Field = field;
        DefLevel = defLevel;
    }

    public Field Field { get; }

    /// <summary>Cumulative maximum definition level at this node.</summary>
    public int DefLevel { get; }

    /// <summary>The leaves below (or at) this node, in file order.</summary>
    public abstract IEnumerable<LeafShape> Leaves { get; }
}

/// <summary>A primitive column of the file.</summary>
internal sealed class LeafShape : ColumnShape
{
    public LeafShape(Field field, int defLevel, int repLevel, SchemaElement element, string[] path, int index)
        : base(field, defLevel)
    {
        RepLevel = repLevel;
        Element = element;
        Path = path;
        Index = index;
    }

    /// <summary>Maximum repetition level of the column.</summary>
    public int RepLevel { get; }

    public SchemaElement Element { get; }

    public PhysicalType Physical => Element.Type!.Value;

    public int TypeLength => Element.TypeLength ?? 0;

    /// <summary>Path of names from the root (as ColumnMetaData.PathInSchema).</summary>
    public string[] Path { get; }

    public string DottedPath => string.Join('.', Path);

    /// <summary>Index of the leaf among all leaves of the file (the column chunk index in a row group).</summary>
    public int Index { get; }

    public override IEnumerable<LeafShape> Leaves { get { yield return this; } }
}

internal sealed class StructShape : ColumnShape
{
    public StructShape(Field field, int defLevel, IReadOnlyList<ColumnShape> children) : base(field, defLevel) => Children = children;

    public IReadOnlyList<ColumnShape> Children { get; }

    public override IEnumerable<LeafShape> Leaves => Children.SelectMany(c => c.Leaves);
}

/// <summary>A list (or the repeated part of a map): elements exist when def ≥ <see cref="ElementDefLevel"/>, and a new element starts at rep ≤ <see cref="RepLevel"/>.</summary>
internal sealed class ListShape : ColumnShape
{
    public ListShape(Field field, int defLevel, int elementDefLevel, int repLevel, ColumnShape element)
        : base(field, defLevel)
    {
        ElementDefLevel = elementDefLevel;
        RepLevel = repLevel;
        Element = element;
    }

    public int ElementDefLevel { get; }

    public int RepLevel { get; }

    public ColumnShape Element { get; }

    public override IEnumerable<LeafShape> Leaves => Element.Leaves;
}

internal sealed class MapShape : ColumnShape
{
    public MapShape(Field field, int defLevel, int elementDefLevel, int repLevel, ColumnShape key, ColumnShape value)
        : base(field, defLevel)
    {
        ElementDefLevel = elementDefLevel;
        RepLevel = repLevel;
        Key = key;
        Value = value;
    }

    public int ElementDefLevel { get; }

    public int RepLevel { get; }

    public ColumnShape Key { get; }

    public ColumnShape Value { get; }

    public override IEnumerable<LeafShape> Leaves => Key.Leaves.Concat(Value.Leaves);
}
