using System.Globalization;
using System.Text.Json;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Schema;

public static partial class DeltaSchema
{
    /// <summary>
    /// The column mapping mode from a table's configuration (<c>delta.columnMapping.mode</c>: "none", "name" or
    /// "id", any case); <see cref="ColumnMappingMode.None"/> when the property is absent.
    /// </summary>
    /// <remarks>The caller decides whether the protocol supports column mapping (reader version 2, or 3 with the
    /// <c>columnMapping</c> feature); the property must be ignored otherwise.</remarks>
    /// <exception cref="DeltaSchemaException">The property holds another value.</exception>
    public static ColumnMappingMode ParseColumnMappingMode(IReadOnlyDictionary<string, string>? configuration)
    {
        if (configuration is null || !configuration.TryGetValue(ColumnMappingModeProperty, out var value)) return ColumnMappingMode.None;
        return ParseColumnMappingMode(value);
    }

    /// <summary>The column mapping mode named by <paramref name="value"/> ("none", "name", "id"; null means none).</summary>
    /// <exception cref="DeltaSchemaException">Any other value.</exception>
    public static ColumnMappingMode ParseColumnMappingMode(string? value)
    {
        if (value is null) return ColumnMappingMode.None;
        return value.Trim().ToLowerInvariant() switch
        {
            "none" => ColumnMappingMode.None,
            "name" => ColumnMappingMode.Name,
            "id" => ColumnMappingMode.Id,
            _ => throw Error("", $"The table property {ColumnMappingModeProperty} is '{value}'; expected none, name or id."),
        };
    }

    /// <summary>The field's <c>delta.columnMapping.physicalName</c>, or null when its metadata has none.</summary>
    /// <exception cref="DeltaSchemaException">The metadata value is not a JSON string.</exception>
    public static string? GetPhysicalName(Field field)
    {
        if (!field.Metadata.TryGetRawJson(PhysicalNameKey, out var raw)) return null;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind == JsonValueKind.String) return doc.RootElement.GetString();
        }
        catch (JsonException)
        {
        }
        throw Error(field.Name, $"Field '{field.Name}' has {PhysicalNameKey} {raw}, which is not a JSON string.");
    }

    /// <summary>The field's <c>delta.columnMapping.id</c>, or null when its metadata has none.</summary>
    /// <exception cref="DeltaSchemaException">The metadata value is not a 32-bit integer.</exception>
    public static int? GetColumnMappingId(Field field)
    {
        if (!field.Metadata.TryGetRawJson(ColumnIdKey, out var raw)) return null;
        if (int.TryParse(raw.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id)) return id;
        throw Error(field.Name, $"Field '{field.Name}' has {ColumnIdKey} {raw}, which is not a 32-bit integer.");
    }

    /// <summary>
    /// The name data files and the log (partition values, statistics) use for <paramref name="field"/>: its display
    /// name in <see cref="ColumnMappingMode.None"/>, its physical name otherwise.
    /// </summary>
    /// <exception cref="DeltaSchemaException">Column mapping is on and the field has no physical name.</exception>
    public static string PhysicalName(Field field, ColumnMappingMode mode) =>
        mode == ColumnMappingMode.None
            ? field.Name
            : GetPhysicalName(field) ?? throw Error(field.Name, $"Column mapping mode is {mode.ToString().ToLowerInvariant()} but field '{field.Name}' has no {PhysicalNameKey}.");

    /// <summary>
    /// The schema data files use: in <see cref="ColumnMappingMode.None"/> the logical schema itself; in
    /// <see cref="ColumnMappingMode.Name"/> every field (nested ones too, inside structs, arrays and maps) renamed to
    /// its physical name; in <see cref="ColumnMappingMode.Id"/> also <see cref="Field.FieldId"/> set from
    /// <c>delta.columnMapping.id</c>. Types, nullability and metadata are kept.
    /// </summary>
    /// <exception cref="DeltaSchemaException">A field lacks its physical name (or, in id mode, its id); the message
    /// names the field path.</exception>
    public static ParquetSchema ToPhysical(ParquetSchema logical, ColumnMappingMode mode)
    {
        ArgumentNullException.ThrowIfNull(logical);
        if (mode == ColumnMappingMode.None) return logical;
        return new ParquetSchema(logical.Fields.Select(f => PhysicalField(f, mode, "")).ToArray());
    }

    private static Field PhysicalField(Field field, ColumnMappingMode mode, string parent)
    {
        string path = ChildPath(parent, field.Name);
        string physical;
        int? id = field.FieldId;
        try
        {
            physical = GetPhysicalName(field) ?? throw Error(path, $"Column mapping mode is {mode.ToString().ToLowerInvariant()} but field '{path}' has no {PhysicalNameKey}.");
            if (mode == ColumnMappingMode.Id)
                id = GetColumnMappingId(field) ?? throw Error(path, $"Column mapping mode is id but field '{path}' has no {ColumnIdKey}.");
        }
        catch (DeltaSchemaException e) when (e.FieldPath != path)
        {
            throw Error(path, e.Message.Replace($"'{field.Name}'", $"'{path}'", StringComparison.Ordinal), e);
        }
        return field with { Name = physical, Type = PhysicalType(field.Type, mode, path), FieldId = id };
    }

    private static DataType PhysicalType(DataType type, ColumnMappingMode mode, string path) => type switch
    {
        StructType s => new StructType(s.Fields.Select(f => PhysicalField(f, mode, path)).ToArray()),
        ListType l => new ListType(l.Element with { Type = PhysicalType(l.Element.Type, mode, path + ".element") }),
        MapType m => new MapType(
            m.Key with { Type = PhysicalType(m.Key.Type, mode, path + ".key") },
            m.Value with { Type = PhysicalType(m.Value.Type, mode, path + ".value") }),
        _ => type,
    };
}
