namespace DeltaLite.Schema;

/// <summary>
/// How data files name their columns (PROTOCOL.md "Column Mapping"), from the table property
/// <c>delta.columnMapping.mode</c>.
/// </summary>
public enum ColumnMappingMode
{
    /// <summary>Data files use the display names of the schema (the default, and the property "none").</summary>
    None,

    /// <summary>Data files use each field's <c>delta.columnMapping.physicalName</c>.</summary>
    Name,

    /// <summary>Data files are resolved by Parquet field id, from each field's <c>delta.columnMapping.id</c>.</summary>
    Id,
}
