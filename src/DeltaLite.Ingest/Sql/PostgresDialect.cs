using System.Data.Common;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;
using Npgsql;

namespace DeltaLite.Ingest.Sql;

/// <summary>PostgreSQL through Npgsql. timestamp without time zone values are taken as UTC; numeric without a precision becomes decimal(38,18).</summary>
public sealed class PostgresDialect : SqlDialect
{
    public override SourceKind Kind => SourceKind.Postgres;

    public override DbConnection CreateConnection(string connectionString)
    {
        // Npgsql reads 'infinity' and '-infinity' dates and timestamps as DateTime.MaxValue/MinValue by default, which
        // would load them as 9999-12-31 and 0001-01-01 without a word: with this switch they fail, and the load names
        // the row and column. (A process-wide Npgsql setting, read when Npgsql first converts a date.)
        AppContext.SetSwitch("Npgsql.DisableDateTimeInfinityConversions", true);
        return new NpgsqlConnection(connectionString);
    }

    public override string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override DataType MapType(string column, string dataTypeName, Type fieldType, int? precision, int? scale)
    {
        string t = dataTypeName.ToLowerInvariant();
        int paren = t.IndexOf('(');
        string baseName = paren < 0 ? t : t[..paren].Trim();
        if (paren >= 0 && precision is null) (precision, scale) = ParsePrecision(t);
        return baseName switch
        {
            "smallint" or "int2" => DataType.Int16,
            "integer" or "int" or "int4" => DataType.Int32,
            "bigint" or "int8" => DataType.Int64,
            "numeric" or "decimal" => Decimal(column, precision, scale),
            "money" => new DecimalType(19, 2),
            "real" or "float4" => DataType.Float,
            "double precision" or "float8" => DataType.Double,
            "boolean" or "bool" => DataType.Boolean,
            "date" => DataType.Date,
            "timestamp without time zone" or "timestamp" or "timestamp with time zone" or "timestamptz" => TimestampType.MicrosUtc,
            "bytea" => DataType.Binary,
            _ => DataType.String, // text, varchar, char, uuid, json, jsonb, time, interval, enums...
        };
    }

    /// <summary>numeric columns wider than System.Decimal are read as text (exact), e.g. numeric(38,10).</summary>
    public override string SelectList(Parquet.Schema schema) => ExplicitList(schema, c => c + "::text");

    /// <summary>
    /// A timestamp-without-time-zone watermark is bound as a timestamp (wall clock, like the column): bound as a
    /// timestamptz it would be compared through the session time zone, missing or re-reading rows when that is not UTC.
    /// </summary>
    public override void BindParameter(DbParameter parameter, WatermarkValue value, bool rowVersion, string? columnType)
    {
        if (value.Value is DateTime t && IsTimestampWithoutZone(columnType))
        {
            parameter.Value = DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
            return;
        }
        base.BindParameter(parameter, value, rowVersion, columnType);
    }

    /// <summary>Whether a column type name (as the driver reports it) is timestamp without time zone.</summary>
    internal static bool IsTimestampWithoutZone(string? columnType) =>
        columnType is { } type && type.StartsWith("timestamp", StringComparison.OrdinalIgnoreCase)
        && !type.Contains("with time zone", StringComparison.OrdinalIgnoreCase) && !type.Equals("timestamptz", StringComparison.OrdinalIgnoreCase);

    public override string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"postgres:{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "postgres:(unparsable connection string)";
        }
    }
}
