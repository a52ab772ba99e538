using System.Data.Common;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;
using Microsoft.Data.SqlClient;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// SQL Server / Azure SQL through Microsoft.Data.SqlClient. datetime2/datetime are taken as UTC, datetimeoffset is
/// converted to UTC, uniqueidentifier and time become strings, tinyint becomes short (Delta's byte is signed), and a
/// rowversion column can be the watermark: its high mark is MIN_ACTIVE_ROWVERSION() - 1, so rows of transactions
/// still open when a run starts are left for the next run.
/// </summary>
public sealed class SqlServerDialect : SqlDialect
{
    public override SourceKind Kind => SourceKind.SqlServer;

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public override string QuoteIdentifier(string name) => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";

    public override string MaxWatermarkSql(string source, string column, bool rowVersion) => rowVersion
        ? "SELECT CONVERT(bigint, MIN_ACTIVE_ROWVERSION()) - 1"
        : $"SELECT MAX({QuoteIdentifier(column)}) FROM {source}";

    protected override string WatermarkExpression(string column, bool rowVersion) =>
        rowVersion ? $"CONVERT(bigint, {QuoteIdentifier(column)})" : QuoteIdentifier(column);

    public override bool IsRowVersion(string dataTypeName) => dataTypeName.Equals("timestamp", StringComparison.OrdinalIgnoreCase)
        || dataTypeName.Equals("rowversion", StringComparison.OrdinalIgnoreCase);

    public override DataType MapType(string column, string dataTypeName, Type fieldType, int? precision, int? scale) =>
        dataTypeName.ToLowerInvariant() switch
        {
            "bit" => DataType.Boolean,
            "tinyint" or "smallint" => DataType.Int16,
            "int" => DataType.Int32,
            "bigint" => DataType.Int64,
            "decimal" or "numeric" => Decimal(column, precision, scale),
            "money" => new DecimalType(19, 4),
            "smallmoney" => new DecimalType(10, 4),
            "real" => DataType.Float,
            "float" => DataType.Double,
            "date" => DataType.Date,
            "datetime" or "datetime2" or "smalldatetime" or "datetimeoffset" => TimestampType.MicrosUtc,
            "binary" or "varbinary" or "image" => DataType.Binary,
            "timestamp" or "rowversion" => DataType.Int64,
            _ => DataType.String, // char, varchar, nchar, nvarchar, text, ntext, uniqueidentifier, time, xml...
        };

    public override object ParameterValue(WatermarkValue value, bool rowVersion) => value.Value switch
    {
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        var v => v,
    };

    /// <summary>decimal columns wider than System.Decimal are read as text (exact), e.g. decimal(38,10).</summary>
    public override string SelectList(Parquet.Schema schema) => ExplicitList(schema, c => $"CONVERT(varchar(48), {c})");

    /// <summary>Timestamps are bound as datetime2 (SqlClient's default for DateTime is datetime, rounded to 1/300 s).</summary>
    public override void BindParameter(DbParameter parameter, WatermarkValue value, bool rowVersion, string? columnType)
    {
        base.BindParameter(parameter, value, rowVersion, columnType);
        if (parameter.Value is DateTime) parameter.DbType = System.Data.DbType.DateTime2;
        else if (parameter.Value is long && rowVersion) parameter.DbType = System.Data.DbType.Int64;
    }

    public override string Describe(string connectionString)
    {
        try
        {
            var b = new SqlConnectionStringBuilder(connectionString);
            return $"sqlserver:{b.DataSource}/{b.InitialCatalog}";
        }
        catch (ArgumentException)
        {
            return "sqlserver:(unparsable connection string)";
        }
    }
}
