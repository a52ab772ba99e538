using System.Buffers.Binary;
using System.Globalization;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;
using Npgsql;
using NpgsqlTypes;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// PostgreSQL rows through <c>COPY (SELECT ...) TO STDOUT (FORMAT BINARY)</c>, straight into the typed columns: the
/// fast path of <see cref="SqlSource.ReadAsync"/> for PostgreSQL. The raw stream is decoded by <see cref="Decoders"/>
/// (<see cref="PostgresBinary"/>); sources with a column those do not read go through Npgsql's binary exporter and
/// <see cref="Readers"/>.
/// <para>
/// COPY takes no bind parameters, and watermark values are never spliced into SQL text: they are set first, as text
/// parameters of <c>set_config</c> (transaction-local), and the COPY's query reads them back with
/// <c>current_setting(...)</c> cast to the PostgreSQL type that Npgsql gives the same value as a parameter in the
/// data-reader path (<see cref="Bound"/>): the comparison is the same one, whatever the column's type. The cast's
/// type name is one of a few constants chosen by the value's .NET type, never text from the job or the catalog.
/// </para>
/// <para>
/// The binary format carries no types, so each column's reader is chosen from the PostgreSQL type OID of the source's
/// row description, described in the same transaction as the COPY (the describe's lock keeps the table from being
/// altered in between). A column whose type or Delta mapping is not in <see cref="ReaderFor"/>'s table (time,
/// interval, enums, arrays...) makes <see cref="Readers"/> return null: the caller reads through the data reader.
/// </para>
/// </summary>
internal static class PostgresCopy
{
    internal const string LowSetting = "deltalite.wm_low";
    internal const string HighSetting = "deltalite.wm_high";

    public delegate void Reader(NpgsqlBinaryExporter exporter, TypedColumn column);

    // Built-in type OIDs (pg_type.dat): stable across PostgreSQL versions.
    private const uint Bool = 16, Bytea = 17, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, Json = 114, Float4 = 700, Float8 = 701,
        Money = 790, Bpchar = 1042, Varchar = 1043, Date = 1082, Timestamp = 1114, TimestampTz = 1184, Numeric = 1700, Uuid = 2950, Jsonb = 3802;

    /// <summary>
    /// The text and the PostgreSQL type of a watermark bound, as the data-reader path binds it (see
    /// <see cref="PostgresDialect.BindParameter"/>): long as int8, decimal as numeric, string as text, a UTC DateTime as
    /// timestamptz (timestamp for a timestamp-without-time-zone column), a date as a timestamp at midnight; Npgsql's
    /// DateTime.MinValue/MaxValue are -infinity/infinity. Null when the value is of no such type.
    /// </summary>
    internal static (string Text, string Type)? Bound(WatermarkValue value, string? columnType)
    {
        static string Stamp(DateTime t, string suffix) =>
            t == DateTime.MinValue ? "-infinity" : t == DateTime.MaxValue ? "infinity"
            : t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + suffix;
        return value.Value switch
        {
            long l => (l.ToString(CultureInfo.InvariantCulture), "int8"),
            decimal m => (m.ToString(CultureInfo.InvariantCulture), "numeric"),
            string s => (s, "text"),
            DateOnly d => (Stamp(d.ToDateTime(TimeOnly.MinValue), ""), "timestamp"),
            DateTime t when PostgresDialect.IsTimestampWithoutZone(columnType) => (Stamp(t, ""), "timestamp"),
            DateTime t => (Stamp(t, "+00"), "timestamptz"),
            _ => null,
        };
    }

    /// <summary>
    /// The readers for the columns described by <paramref name="oids"/> (the source's row description, in the order of
    /// <paramref name="schema"/>), or null when one column cannot be read from COPY's binary rows the way the data
    /// reader reads it.
    /// </summary>
    internal static Reader[]? Readers(Parquet.Schema schema, IReadOnlyList<uint> oids)
    {
        var readers = new Reader[schema.Fields.Count];
        for (int c = 0; c < readers.Length; c++)
        {
            var reader = ReaderFor(schema[c].Type, oids[c], schema[c].Name);
            if (reader is null) return null;
            readers[c] = reader;
        }
        return readers;
    }

    /// <summary>
    /// The reader of one column: the same Npgsql converter the data reader's typed getter uses (GetInt64, GetDecimal,
    /// GetDateTime, GetString...), so values, precision and errors are the same.
    /// </summary>
    private static Reader? ReaderFor(DataType type, uint oid, string column)
    {
        if (type is DecimalType d)
        {
            if (oid == Numeric && d.Precision > 28)
                // Selected as ::text (wider than System.Decimal): exact text, parsed to the scale as before.
                return (e, b) => ColumnReaders.AppendText((DecimalColumn)b, e.Read<string>(NpgsqlDbType.Text), d, column);
            if (oid is Numeric or Money)
            {
                var dbType = oid == Money ? NpgsqlDbType.Money : NpgsqlDbType.Numeric;
                return (e, b) => ColumnReaders.Append((DecimalColumn)b, e.Read<decimal>(dbType), d, column);
            }
            return null;
        }
        return (type.Kind, oid) switch
        {
            (TypeKind.Int16, Int2) => (e, b) => ((FixedColumn<short>)b).Append(e.Read<short>(NpgsqlDbType.Smallint)),
            (TypeKind.Int32, Int4) => (e, b) => ((FixedColumn<int>)b).Append(e.Read<int>(NpgsqlDbType.Integer)),
            (TypeKind.Int64, Int8) => (e, b) => ((FixedColumn<long>)b).Append(e.Read<long>(NpgsqlDbType.Bigint)),
            (TypeKind.Float, Float4) => (e, b) => ((FixedColumn<float>)b).Append(e.Read<float>(NpgsqlDbType.Real)),
            (TypeKind.Double, Float8) => (e, b) => ((FixedColumn<double>)b).Append(e.Read<double>(NpgsqlDbType.Double)),
            (TypeKind.Boolean, Bool) => (e, b) => ((FixedColumn<bool>)b).Append(e.Read<bool>(NpgsqlDbType.Boolean)),
            (TypeKind.Date, Date) => (e, b) => ((FixedColumn<int>)b).Append(ValueConverters.ToDays(DateOnly.FromDateTime(e.Read<DateTime>(NpgsqlDbType.Date)))),
            (TypeKind.Timestamp, Timestamp) => (e, b) => AppendTimestamp(b, e.Read<DateTime>(NpgsqlDbType.Timestamp)),
            (TypeKind.Timestamp, TimestampTz) => (e, b) => AppendTimestamp(b, e.Read<DateTime>(NpgsqlDbType.TimestampTz)),
            (TypeKind.Binary, Bytea) => (e, b) => ((BytesColumn)b).Append(e.Read<byte[]>(NpgsqlDbType.Bytea)),
            (TypeKind.String, Text) => (e, b) => ((BytesColumn)b).Append(e.Read<string>(NpgsqlDbType.Text)),
            (TypeKind.String, Varchar) => (e, b) => ((BytesColumn)b).Append(e.Read<string>(NpgsqlDbType.Varchar)),
            (TypeKind.String, Bpchar) => (e, b) => ((BytesColumn)b).Append(e.Read<string>(NpgsqlDbType.Char)),
            (TypeKind.String, Json) => (e, b) => ((BytesColumn)b).Append(e.Read<string>(NpgsqlDbType.Json)),
            (TypeKind.String, Jsonb) => (e, b) => ((BytesColumn)b).Append(e.Read<string>(NpgsqlDbType.Jsonb)),
            (TypeKind.String, Uuid) => (e, b) => ((BytesColumn)b).Append(e.Read<Guid>(NpgsqlDbType.Uuid).ToString()),
            _ => null,
        };
    }

    /// <summary>
    /// The decoders of the columns described by <paramref name="oids"/> for COPY's raw binary rows, or null when one
    /// column has none (then the whole query goes through <see cref="Readers"/>). Each decoder gives exactly the value
    /// or the error that the column's <see cref="ReaderFor"/> gives for the same bytes (see <see cref="PostgresBinary"/>);
    /// money stays with the exporter (its units depend on the server's lc_monetary).
    /// </summary>
    internal static PostgresBinary.Decoder[]? Decoders(Parquet.Schema schema, IReadOnlyList<uint> oids)
    {
        var decoders = new PostgresBinary.Decoder[schema.Fields.Count];
        for (int c = 0; c < decoders.Length; c++)
        {
            var decoder = DecoderFor(schema[c].Type, oids[c], schema[c].Name);
            if (decoder is null) return null;
            decoders[c] = decoder;
        }
        return decoders;
    }

    private static PostgresBinary.Decoder? DecoderFor(DataType type, uint oid, string column)
    {
        if (type is DecimalType d)
        {
            // Wider than System.Decimal: selected as ::text (see ReaderFor), so the bytes are the exact text.
            if (oid == Numeric && d.Precision > 28) return (v, b) => PostgresBinary.AppendNumericText(v, (DecimalColumn)b, d, column);
            if (oid == Numeric) return (v, b) => PostgresBinary.AppendNumeric(v, (DecimalColumn)b, d, column);
            return null;
        }
        return (type.Kind, oid) switch
        {
            (TypeKind.Int16, Int2) => (v, b) => ((FixedColumn<short>)b).Append(BinaryPrimitives.ReadInt16BigEndian(PostgresBinary.Fixed(v, 2))),
            (TypeKind.Int32, Int4) => (v, b) => ((FixedColumn<int>)b).Append(BinaryPrimitives.ReadInt32BigEndian(PostgresBinary.Fixed(v, 4))),
            (TypeKind.Int64, Int8) => (v, b) => ((FixedColumn<long>)b).Append(BinaryPrimitives.ReadInt64BigEndian(PostgresBinary.Fixed(v, 8))),
            (TypeKind.Float, Float4) => (v, b) => ((FixedColumn<float>)b).Append(BinaryPrimitives.ReadSingleBigEndian(PostgresBinary.Fixed(v, 4))),
            (TypeKind.Double, Float8) => (v, b) => ((FixedColumn<double>)b).Append(BinaryPrimitives.ReadDoubleBigEndian(PostgresBinary.Fixed(v, 8))),
            (TypeKind.Boolean, Bool) => (v, b) => ((FixedColumn<bool>)b).Append(PostgresBinary.Fixed(v, 1)[0] != 0),
            (TypeKind.Date, Date) => (v, b) => ((FixedColumn<int>)b).Append(PostgresBinary.Days(v)),
            (TypeKind.Timestamp, Timestamp or TimestampTz) => (v, b) => ((FixedColumn<long>)b).Append(PostgresBinary.Micros(v)),
            (TypeKind.Binary, Bytea) => (v, b) => ((BytesColumn)b).Append(v),
            (TypeKind.String, Text or Varchar or Bpchar or Json) => (v, b) => ((BytesColumn)b).Append(v),
            (TypeKind.String, Jsonb) => (v, b) => ((BytesColumn)b).Append(PostgresBinary.Jsonb(v)),
            (TypeKind.String, Uuid) => (v, b) => PostgresBinary.AppendUuid(v, (BytesColumn)b),
            _ => null,
        };
    }

    private static void AppendTimestamp(TypedColumn column, DateTime value) =>
        ((FixedColumn<long>)column).Append(ValueConverters.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc), DeltaLite.Parquet.Metadata.TimeUnit.Micros));
}
