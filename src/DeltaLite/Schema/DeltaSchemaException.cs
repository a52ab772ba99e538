namespace DeltaLite.Schema;

/// <summary>
/// A Delta schema that DeltaLite cannot parse, write or apply: malformed schema JSON, a type DeltaLite does not
/// support (e.g. <c>variant</c>, <c>void</c>, intervals), a missing column mapping entry, or a data file column whose
/// type cannot be read as the table's type. The message names the field or column path and the types involved.
/// </summary>
public sealed class DeltaSchemaException : Exception
{
    public DeltaSchemaException(string message) : base(message) { }

    public DeltaSchemaException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>An error about the field or column at <paramref name="fieldPath"/>.</summary>
    public DeltaSchemaException(string message, string fieldPath, Exception? innerException = null) : base(message, innerException) =>
        FieldPath = fieldPath;

    /// <summary>The dotted path of the field or column concerned, when there is one ("" for the whole schema).</summary>
    public string? FieldPath { get; }
}
