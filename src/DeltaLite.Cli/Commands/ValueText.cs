using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DeltaLite.Parquet;

namespace DeltaLite.Cli.Commands;

/// <summary>One value as text: scalars as in the canonical JSON rendering without quotes, nested values as their JSON.</summary>
internal static class ValueText
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text of row <paramref name="row"/> of <paramref name="vector"/>, or null for a null.</summary>
    public static string? Format(ColumnVector vector, int row, ArrayBufferWriter<byte> buffer)
    {
        if (vector.IsNull(row)) return null;
        buffer.Clear();
        using (var w = new Utf8JsonWriter(buffer, Options))
            CanonicalJson.WriteValue(w, vector, row);
        string json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return json.StartsWith('"') ? JsonSerializer.Deserialize<string>(json)! : json;
    }

    /// <summary>True for types shown right-aligned (numbers).</summary>
    public static bool IsNumeric(DataType type) => type.Kind is TypeKind.Int8 or TypeKind.Int16 or TypeKind.Int32 or TypeKind.Int64
        or TypeKind.UInt8 or TypeKind.UInt16 or TypeKind.UInt32 or TypeKind.UInt64 or TypeKind.Float or TypeKind.Double or TypeKind.Decimal;
}
