using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet;

/// <summary>
/// The project's canonical row rendering: one JSON object per row, columns in schema order; integers with every
/// digit; floats in shortest round-trip form (NaN and infinities as the strings "NaN", "Infinity", "-Infinity");
/// decimals as strings with exactly their scale; dates "YYYY-MM-DD"; times "HH:MM:SS.ffffff"; timestamps ISO-8601
/// with microseconds and a trailing Z when UTC-adjusted; binary as base64; UUIDs as lowercase text; structs as
/// objects, lists as arrays, maps with string keys as objects and other maps as arrays of {"key","value"}.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes every row of <paramref name="batch"/> as one line to <paramref name="output"/>.</summary>
    public static void WriteLines(RecordBatch batch, Stream output, int start = 0, int count = -1)
    {
        if (count < 0) count = batch.RowCount - start;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var writer = new Utf8JsonWriter(buffer, Options);
        for (int r = start; r < start + count; r++)
        {
            WriteRow(writer, batch, r);
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset(buffer);
            if (buffer.WrittenCount > 48 * 1024)
            {
                output.Write(buffer.WrittenSpan);
                buffer.Clear();
                writer.Reset(buffer);
            }
        }
        output.Write(buffer.WrittenSpan);
    }

    /// <summary>One row as a JSON object string.</summary>
    public static string RowToString(RecordBatch batch, int row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options)) WriteRow(writer, batch, row);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteRow(Utf8JsonWriter writer, RecordBatch batch, int row)
    {
        writer.WriteStartObject();
        for (int c = 0; c < batch.Columns.Count; c++)
        {
            writer.WritePropertyName(batch.Schema[c].Name);
            WriteValue(writer, batch.Columns[c], row);
        }
        writer.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter writer, ColumnVector vector, int i)
    {
        if (vector.IsNull(i))
        {
            writer.WriteNullValue();
            return;
        }
        switch (vector)
        {
            case PrimitiveVector<bool> b: writer.WriteBooleanValue(b[i]); break;
            case PrimitiveVector<sbyte> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<short> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<byte> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<ushort> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<uint> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<ulong> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<float> v: WriteFloat(writer, v[i]); break;
            case PrimitiveVector<double> v: WriteDouble(writer, v[i]); break;
            case PrimitiveVector<int> v when v.Type.Kind == TypeKind.Date: writer.WriteStringValue(FormatDate(v[i])); break;
            case PrimitiveVector<int> v: writer.WriteNumberValue(v[i]); break;
            case PrimitiveVector<long> v when v.Type is TimestampType t: writer.WriteStringValue(FormatTimestamp(v[i], t.Unit, t.IsAdjustedToUtc)); break;
            case PrimitiveVector<long> v when v.Type is TimeType t: writer.WriteStringValue(FormatTime(v[i], t.Unit)); break;
            case PrimitiveVector<long> v: writer.WriteNumberValue(v[i]); break;
            case DecimalVector d: writer.WriteStringValue(d.GetString(i)); break;
            case BinaryVector b when b.Type.Kind == TypeKind.String: writer.WriteStringValue(b.GetSpan(i)); break;
            case BinaryVector b when b.Type.Kind == TypeKind.Uuid: writer.WriteStringValue(ValueConverters.ToGuid(b.GetSpan(i)).ToString("D")); break;
            case BinaryVector b: writer.WriteBase64StringValue(b.GetSpan(i)); break;
            case StructVector s:
                {
                    var fields = ((StructType)s.Type).Fields;
                    writer.WriteStartObject();
                    for (int c = 0; c < fields.Count; c++)
                    {
                        writer.WritePropertyName(fields[c].Name);
                        WriteValue(writer, s.Children[c], i);
                    }
                    writer.WriteEndObject();
                    break;
                }
            case ListVector l:
                writer.WriteStartArray();
                for (int k = l.Offsets[i]; k < l.Offsets[i + 1]; k++) WriteValue(writer, l.Values, k);
                writer.WriteEndArray();
                break;
            case MapVector m when m.Keys.Type.Kind == TypeKind.String:
                {
                    writer.WriteStartObject();
                    var keys = (BinaryVector)m.Keys;
                    for (int k = m.Offsets[i]; k < m.Offsets[i + 1]; k++)
                    {
                        writer.WritePropertyName(keys.GetSpan(k));
                        WriteValue(writer, m.Values, k);
                    }
                    writer.WriteEndObject();
                    break;
                }
            case MapVector m:
                writer.WriteStartArray();
                for (int k = m.Offsets[i]; k < m.Offsets[i + 1]; k++)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("key");
                    WriteValue(writer, m.Keys, k);
                    writer.WritePropertyName("value");
                    WriteValue(writer, m.Values, k);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"No rendering for {vector.GetType().Name} of {vector.Type}.");
        }
    }

    private static void WriteFloat(Utf8JsonWriter w, float f)
    {
        if (float.IsFinite(f)) w.WriteRawValue(f.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
        else w.WriteStringValue(float.IsNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
    }

    private static void WriteDouble(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteRawValue(d.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
        else w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>"YYYY-MM-DD" for days since 1970-01-01 (proleptic Gregorian, any year).</summary>
    public static string FormatDate(long days)
    {
        var (y, m, d) = CivilFromDays(days);
        return $"{FormatYear(y)}-{m:D2}-{d:D2}";
    }

    /// <summary>ISO-8601 with microseconds, "Z" appended for UTC-adjusted values.</summary>
    public static string FormatTimestamp(long value, TimeUnit unit, bool utc)
    {
        long micros = unit switch
        {
            TimeUnit.Millis => value * 1000,
            TimeUnit.Micros => value,
            _ => FloorDiv(value, 1000),
        };
        long days = FloorDiv(micros, 86_400_000_000L);
        long rem = micros - days * 86_400_000_000L;
        var (y, m, d) = CivilFromDays(days);
        long secs = rem / 1_000_000, frac = rem % 1_000_000;
        return string.Create(CultureInfo.InvariantCulture,
            $"{FormatYear(y)}-{m:D2}-{d:D2}T{secs / 3600:D2}:{secs / 60 % 60:D2}:{secs % 60:D2}.{frac:D6}{(utc ? "Z" : "")}");
    }

    public static string FormatTime(long value, TimeUnit unit)
    {
        long micros = unit switch
        {
            TimeUnit.Millis => value * 1000,
            TimeUnit.Micros => value,
            _ => FloorDiv(value, 1000),
        };
        long secs = micros / 1_000_000, frac = micros % 1_000_000;
        return string.Create(CultureInfo.InvariantCulture, $"{secs / 3600:D2}:{secs / 60 % 60:D2}:{secs % 60:D2}.{frac:D6}");
    }

    private static string FormatYear(long y) =>
        y is >= 0 and <= 9999 ? y.ToString("D4", CultureInfo.InvariantCulture)
        : y < 0 ? "-" + (-y).ToString("D4", CultureInfo.InvariantCulture) : "+" + y.ToString(CultureInfo.InvariantCulture);

    /// <summary>Year, month, day of a day count since 1970-01-01 in the proleptic Gregorian calendar.</summary>
    internal static (long Year, int Month, int Day) CivilFromDays(long z)
    {
        // Shift to a calendar whose years start on March 1st of year 0, in 400-year eras of 146097 days.
        z += 719468;
        long era = FloorDiv(z, 146097);
        long doe = z - era * 146097;                                   // day of era [0, 146096]
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // year of era [0, 399]
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            // day of year from March 1st [0, 365]
        long mp = (5 * doy + 2) / 153;                                 // month from March [0, 11]
        int day = (int)(doy - (153 * mp + 2) / 5 + 1);
        int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return (year, month, day);
    }

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }
}
