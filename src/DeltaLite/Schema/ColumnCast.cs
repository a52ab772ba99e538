using System.Numerics;
using DeltaLite.Parquet;
using TimeUnit = DeltaLite.Parquet.Metadata.TimeUnit;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Schema;

/// <summary>
/// Turns what a data file holds into what the table schema says. Allowed, besides identity:
/// <list type="bullet">
/// <item>timestamps of any unit (INT96, millis, micros, nanos) and either UTC flag → microseconds with the table's
/// flag (Spark writes Delta <c>timestamp</c> as INT96 or TIMESTAMP_MICROS; an INT96 or naive Parquet timestamp read
/// for a Delta <c>timestamp</c> column is the same instant);</item>
/// <item>the Delta type widening changes (PROTOCOL.md "Type Widening"): byte → short → integer → long;
/// float → double; byte, short, integer → double; date → timestamp_ntz; decimal(p, s) → decimal(p + k1, s + k2) with
/// k1 ≥ k2 ≥ 0; byte, short, integer → decimal(10 + k1, k2) and long → decimal(20 + k1, k2) with k1 ≥ k2 ≥ 0;</item>
/// <item>structs field by field (by <see cref="Field.FieldId"/> when the table field has one, as column mapping's id
/// mode requires; else by name, exactly, then ignoring case when that is unambiguous): a field the file lacks
/// becomes all nulls when nullable and is an error otherwise; fields the table lacks are dropped; lists and maps
/// element, key and value wise.</item>
/// </list>
/// Anything else is a <see cref="DeltaSchemaException"/> naming the column path, the file's type and the table's.
/// </summary>
public static class ColumnCast
{
    private const long MicrosPerDay = 86_400_000_000L;

    /// <summary>
    /// <paramref name="source"/> as a vector of <paramref name="target"/> (the same vector when the types are equal).
    /// </summary>
    /// <param name="source">A column read from a data file.</param>
    /// <param name="target">The column's type in the table schema.</param>
    /// <param name="columnPath">The column's name or dotted path, for messages.</param>
    /// <exception cref="DeltaSchemaException">The file's type cannot be read as the table's.</exception>
    public static ColumnVector Cast(ColumnVector source, DataType target, string columnPath)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var problem = Problem(source.Type, target, columnPath ?? "");
        if (problem is not null) throw problem;
        return Convert(source, target, columnPath ?? "");
    }

    /// <summary>
    /// A batch read from a data file as a batch of <paramref name="target"/>: top-level columns matched as struct
    /// fields are (see the class remarks), missing nullable columns filled with nulls, extra ones dropped.
    /// </summary>
    /// <exception cref="DeltaSchemaException">A column cannot be read as the table's type, or a non-nullable one is missing.</exception>
    public static RecordBatch Cast(RecordBatch source, ParquetSchema target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var columns = new ColumnVector[target.Count];
        for (int i = 0; i < target.Count; i++)
        {
            var field = target[i];
            string path = DeltaSchema.ChildPath("", field.Name);
            int j = FindField(source.Schema.Fields, field);
            if (j < 0)
            {
                if (!field.Nullable) throw Missing(path);
                columns[i] = ConstantVectors.Nulls(field.Type, source.RowCount);
            }
            else
            {
                columns[i] = Cast(source.Columns[j], field.Type, path);
            }
        }
        return new RecordBatch(target, columns, source.RowCount);
    }

    /// <summary>True when values of <paramref name="fileType"/> can be read as <paramref name="tableType"/>.</summary>
    public static bool CanCast(DataType fileType, DataType tableType) => Problem(fileType, tableType, "") is null;

    /// <summary>
    /// True when changing a column from <paramref name="from"/> to <paramref name="to"/> is one of Delta's type
    /// widening changes (primitive types only; timestamp unit and zone conversions are not type changes).
    /// </summary>
    public static bool IsTypeWidening(DataType from, DataType to) =>
        from is not (StructType or ListType or MapType or TimestampType) && to is not (StructType or ListType or MapType)
        && !from.Equals(to) && IsAllowedPrimitive(from, to);

    private static DeltaSchemaException Missing(string path) =>
        DeltaSchema.Error(path, $"Cannot read column '{path}': the data file does not have it and the table schema says it is not nullable.");

    private static DeltaSchemaException Mismatch(string path, DataType from, DataType to) =>
        DeltaSchema.Error(path, $"Cannot read column '{path}': the data file has type {DeltaSchema.TypeName(from)} and the table schema says {DeltaSchema.TypeName(to)}, which is not an allowed widening.");

    /// <summary>Why <paramref name="from"/> cannot be read as <paramref name="to"/>, or null when it can.</summary>
    private static DeltaSchemaException? Problem(DataType from, DataType to, string path)
    {
        if (from.Equals(to)) return null;
        switch (to)
        {
            case StructType ts:
                if (from is not StructType fs) return Mismatch(path, from, to);
                foreach (var field in ts.Fields)
                {
                    string childPath = DeltaSchema.ChildPath(path, field.Name);
                    int j = FindField(fs.Fields, field);
                    if (j < 0)
                    {
                        if (!field.Nullable) return Missing(childPath);
                        continue;
                    }
                    var p = Problem(fs.Fields[j].Type, field.Type, childPath);
                    if (p is not null) return p;
                }
                return null;
            case ListType tl:
                return from is ListType fl ? Problem(fl.Element.Type, tl.Element.Type, path + ".element") : Mismatch(path, from, to);
            case MapType tm:
                if (from is not MapType fm) return Mismatch(path, from, to);
                return Problem(fm.Key.Type, tm.Key.Type, path + ".key") ?? Problem(fm.Value.Type, tm.Value.Type, path + ".value");
        }
        return IsAllowedPrimitive(from, to) ? null : Mismatch(path, from, to);
    }

    private static bool IsAllowedPrimitive(DataType from, DataType to)
    {
        switch (to)
        {
            case TimestampType { Unit: TimeUnit.Micros } tt:
                return from is TimestampType || (from.Kind == TypeKind.Date && !tt.IsAdjustedToUtc);
            case DecimalType td:
                return from switch
                {
                    DecimalType fd => td.Scale >= fd.Scale && td.Precision - fd.Precision >= td.Scale - fd.Scale,
                    _ => from.Kind switch
                    {
                        TypeKind.Int8 or TypeKind.Int16 or TypeKind.Int32 => td.Precision - td.Scale >= 10,
                        TypeKind.Int64 => td.Precision - td.Scale >= 20,
                        _ => false,
                    },
                };
        }
        if (to is not PrimitiveType) return false;
        return (from.Kind, to.Kind) switch
        {
            (TypeKind.Int8, TypeKind.Int16 or TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double) => true,
            (TypeKind.Int16, TypeKind.Int32 or TypeKind.Int64 or TypeKind.Double) => true,
            (TypeKind.Int32, TypeKind.Int64 or TypeKind.Double) => true,
            (TypeKind.Float, TypeKind.Double) => true,
            _ => from.Equals(to),
        };
    }

    /// <summary>The index in <paramref name="fields"/> of the field that provides <paramref name="target"/>, or -1.</summary>
    internal static int FindField(IReadOnlyList<Field> fields, Field target)
    {
        if (target.FieldId is int id)
        {
            for (int i = 0; i < fields.Count; i++) if (fields[i].FieldId == id) return i;
            return -1;
        }
        for (int i = 0; i < fields.Count; i++) if (fields[i].Name == target.Name) return i;
        int found = -1;
        for (int i = 0; i < fields.Count; i++)
        {
            if (!string.Equals(fields[i].Name, target.Name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found >= 0) return -1;
            found = i;
        }
        return found;
    }

    private static ColumnVector Convert(ColumnVector source, DataType to, string path)
    {
        if (source.Type.Equals(to)) return source;
        switch (source)
        {
            case StructVector sv:
            {
                var ts = (StructType)to;
                var fs = (StructType)sv.Type;
                var children = new ColumnVector[ts.Fields.Count];
                for (int i = 0; i < children.Length; i++)
                {
                    int j = FindField(fs.Fields, ts.Fields[i]);
                    children[i] = j < 0
                        ? ConstantVectors.Nulls(ts.Fields[i].Type, sv.Length)
                        : Convert(sv.Children[j], ts.Fields[i].Type, DeltaSchema.ChildPath(path, ts.Fields[i].Name));
                }
                return new StructVector(ts, children, sv.Length, sv.Validity);
            }
            case ListVector lv:
            {
                var tl = (ListType)to;
                return new ListVector(tl, lv.Offsets, Convert(lv.Values, tl.Element.Type, path + ".element"), lv.Length, lv.Validity);
            }
            case MapVector mv:
            {
                var tm = (MapType)to;
                return new MapVector(tm, mv.Offsets, Convert(mv.Keys, tm.Key.Type, path + ".key"),
                    Convert(mv.Values, tm.Value.Type, path + ".value"), mv.Length, mv.Validity);
            }
            case DecimalVector dv:
            {
                var td = (DecimalType)to;
                return Rescale(dv.Unscaled, dv.Length, dv.Validity, td, td.Scale - dv.Scale);
            }
        }
        switch (to)
        {
            case TimestampType tt: return ToMicros(source, tt, path);
            case DecimalType td:
                return source switch
                {
                    PrimitiveVector<sbyte> v => Rescale(Widen<sbyte, Int128>(v.Values, v.Length), v.Length, v.Validity, td, td.Scale),
                    PrimitiveVector<short> v => Rescale(Widen<short, Int128>(v.Values, v.Length), v.Length, v.Validity, td, td.Scale),
                    PrimitiveVector<int> v => Rescale(Widen<int, Int128>(v.Values, v.Length), v.Length, v.Validity, td, td.Scale),
                    PrimitiveVector<long> v => Rescale(Widen<long, Int128>(v.Values, v.Length), v.Length, v.Validity, td, td.Scale),
                    _ => throw Mismatch(path, source.Type, to),
                };
        }
        return (source, to.Kind) switch
        {
            (PrimitiveVector<sbyte> v, TypeKind.Int16) => new PrimitiveVector<short>(to, Widen<sbyte, short>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<sbyte> v, TypeKind.Int32) => new PrimitiveVector<int>(to, Widen<sbyte, int>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<sbyte> v, TypeKind.Int64) => new PrimitiveVector<long>(to, Widen<sbyte, long>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<sbyte> v, TypeKind.Double) => new PrimitiveVector<double>(to, Widen<sbyte, double>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<short> v, TypeKind.Int32) => new PrimitiveVector<int>(to, Widen<short, int>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<short> v, TypeKind.Int64) => new PrimitiveVector<long>(to, Widen<short, long>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<short> v, TypeKind.Double) => new PrimitiveVector<double>(to, Widen<short, double>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<int> v, TypeKind.Int64) => new PrimitiveVector<long>(to, Widen<int, long>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<int> v, TypeKind.Double) => new PrimitiveVector<double>(to, Widen<int, double>(v.Values, v.Length), v.Length, v.Validity),
            (PrimitiveVector<float> v, TypeKind.Double) => new PrimitiveVector<double>(to, Widen<float, double>(v.Values, v.Length), v.Length, v.Validity),
            _ => throw Mismatch(path, source.Type, to),
        };
    }

    private static TTo[] Widen<TFrom, TTo>(TFrom[] values, int length)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, INumberBase<TTo>
    {
        var result = new TTo[length];
        for (int i = 0; i < length; i++) result[i] = TTo.CreateTruncating(values[i]);
        return result;
    }

    private static DecimalVector Rescale(Int128[] unscaled, int length, bool[]? validity, DecimalType to, int scaleUp)
    {
        Int128 factor = 1;
        for (int i = 0; i < scaleUp; i++) factor *= 10;
        var result = new Int128[length];
        if (factor == 1) Array.Copy(unscaled, result, length);
        else for (int i = 0; i < length; i++) result[i] = unchecked(unscaled[i] * factor);
        return new DecimalVector(to, result, length, validity);
    }

    private static ColumnVector ToMicros(ColumnVector source, TimestampType to, string path)
    {
        if (source.Type.Kind == TypeKind.Date)
        {
            var days = (PrimitiveVector<int>)source;
            var micros = new long[days.Length];
            for (int i = 0; i < micros.Length; i++) micros[i] = days.Values[i] * MicrosPerDay;
            return new PrimitiveVector<long>(to, micros, days.Length, days.Validity);
        }
        var ts = (TimestampType)source.Type;
        var v = (PrimitiveVector<long>)source;
        if (ts.Unit == TimeUnit.Micros) return new PrimitiveVector<long>(to, v.Values, v.Length, v.Validity);
        var result = new long[v.Length];
        for (int i = 0; i < result.Length; i++)
        {
            if (v.IsNull(i)) continue;
            long x = v.Values[i];
            if (ts.Unit == TimeUnit.Nanos)
            {
                result[i] = x / 1000 - (x % 1000 < 0 ? 1 : 0);
            }
            else
            {
                try
                {
                    result[i] = checked(x * 1000);
                }
                catch (OverflowException e)
                {
                    throw DeltaSchema.Error(path, $"Cannot read column '{path}': the timestamp {x} ms at row {i} does not fit in microseconds.", e);
                }
            }
        }
        return new PrimitiveVector<long>(to, result, v.Length, v.Validity);
    }
}
