using System.Data.Common;
using DeltaLite.Parquet;
using Microsoft.Data.Sqlite;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// SQLite: types come from declared column types (INTEGER, DECIMAL(p,s), REAL, TEXT, DATE, TIMESTAMP, BOOLEAN, BLOB),
/// by SQLite's own affinity rules plus the date/time and decimal names. Timestamps stored as text are read as UTC.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    public override SourceKind Kind => SourceKind.Sqlite;

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override DataType MapType(string column, string dataTypeName, Type fieldType, int? precision, int? scale)
    {
        string t = dataTypeName.ToUpperInvariant();
        if (t.Contains("INT", StringComparison.Ordinal)) return DataType.Int64;
        if (t.StartsWith("DECIMAL", StringComparison.Ordinal) || t.StartsWith("NUMERIC", StringComparison.Ordinal))
        {
            var (p, s) = ParsePrecision(t);
            return p is null ? DataType.Double : Decimal(column, p, s);
        }
        if (t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal)) return DataType.Double;
        if (t.StartsWith("BOOL", StringComparison.Ordinal)) return DataType.Boolean;
        if (t.Contains("TIMESTAMP", StringComparison.Ordinal) || t.Contains("DATETIME", StringComparison.Ordinal)) return TimestampType.MicrosUtc;
        if (t == "DATE") return DataType.Date;
        if (t.Contains("BLOB", StringComparison.Ordinal)) return DataType.Binary;
        return DataType.String;
    }

    public override bool PrecisionFromSchemaTable => false;

    public override string Describe(string connectionString)
    {
        try
        {
            var b = new SqliteConnectionStringBuilder(connectionString);
            return "sqlite:" + b.DataSource;
        }
        catch (ArgumentException)
        {
            return "sqlite:(unparsable connection string)";
        }
    }
}
