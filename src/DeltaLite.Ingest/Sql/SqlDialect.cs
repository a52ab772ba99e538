using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// What differs between SQL engines: quoting, the high-watermark query, parameters and types. Names are always
/// quoted identifiers and values always parameters; nothing from a job is concatenated into SQL as text except
/// through <see cref="QuoteIdentifier"/> (and a user's own query, which is theirs to write).
/// </summary>
public abstract partial class SqlDialect
{
    public abstract SourceKind Kind { get; }

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>One identifier, quoted (embedded quote characters doubled).</summary>
    public abstract string QuoteIdentifier(string name);

    /// <summary>A possibly schema-qualified table name ("dbo.loans"), each part quoted; a part may itself be quoted.</summary>
    public string QualifiedName(string table)
    {
        var parts = SplitName(table);
        if (parts.Count is < 1 or > 3) throw new IngestException($"'{table}' is not a table name (expected table, schema.table or database.schema.table).");
        return string.Join('.', parts.Select(QuoteIdentifier));
    }

    /// <summary>Splits "a.b", "\"a.b\".c", "[a].[b]" into parts.</summary>
    internal static List<string> SplitName(string name)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            if (c is '"' or '[' or '`')
            {
                char close = c == '[' ? ']' : c;
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= name.Length) throw new IngestException($"'{name}': an identifier quote is not closed.");
                    if (name[i] == close)
                    {
                        if (i + 1 < name.Length && name[i + 1] == close) { sb.Append(close); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(name[i++]);
                }
                parts.Add(sb.ToString());
            }
            else
            {
                int end = name.IndexOf('.', i);
                if (end < 0) end = name.Length;
                var part = name[i..end].Trim();
                if (part.Length == 0) throw new IngestException($"'{name}' has an empty name part.");
                parts.Add(part);
                i = end;
            }
            if (i < name.Length)
            {
                if (name[i] != '.') throw new IngestException($"'{name}': expected '.' after a quoted name part.");
                i++;
            }
        }
        return parts;
    }

    /// <summary>The FROM clause for a table or a query.</summary>
    public string Source(string? table, string? query) =>
        table is not null ? QualifiedName(table) : $"({query}) AS {QuoteIdentifier("src")}";

    /// <summary>The query that captures the high mark at the start of a run.</summary>
    public virtual string MaxWatermarkSql(string source, string column, bool rowVersion) => $"SELECT MAX({QuoteIdentifier(column)}) FROM {source}";

    /// <summary>
    /// The rows past the stored mark up to the captured high mark: <c>low &lt; w &lt;= high</c>. Rows whose mark is NULL
    /// are read only when <paramref name="includeNulls"/> (a first load or a full reload): later runs cannot tell new
    /// NULL rows from ones already loaded. The bounds are the parameters "high" and "low" unless <paramref name="highBound"/> / <paramref name="lowBound"/>
    /// give other expressions (PostgreSQL's COPY, which takes no parameters).
    /// </summary>
    public string SelectSql(string source, string? column, bool hasLow, bool hasHigh, bool rowVersion = false, bool includeNulls = false, string selectList = "*",
        string? highBound = null, string? lowBound = null)
    {
        if (column is null) return $"SELECT {selectList} FROM {source}";
        string w = WatermarkExpression(column, rowVersion);
        var conditions = new List<string>();
        if (hasHigh) conditions.Add($"{w} <= {highBound ?? Parameter("high")}");
        if (hasLow) conditions.Add($"{w} > {lowBound ?? Parameter("low")}");
        string where = conditions.Count == 0
            ? includeNulls ? "" : $" WHERE {QuoteIdentifier(column)} IS NOT NULL"
            : includeNulls ? $" WHERE ({string.Join(" AND ", conditions)} OR {QuoteIdentifier(column)} IS NULL)" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {selectList} FROM {source}{where}";
    }

    /// <summary>A count of what <see cref="SelectSql"/> would return (for dry runs).</summary>
    public string CountSql(string source, string? column, bool hasLow, bool hasHigh, bool rowVersion = false, bool includeNulls = false) =>
        "SELECT COUNT(*) FROM (" + SelectSql(source, column, hasLow, hasHigh, rowVersion, includeNulls) + $") AS {QuoteIdentifier("c")}";

    /// <summary>
    /// The select list for reading rows: <c>*</c>, or the columns one by one when some must be read as text (decimals
    /// wider than .NET's decimal, which the drivers cannot return otherwise).
    /// </summary>
    public virtual string SelectList(Parquet.Schema schema) => "*";

    /// <summary>Decimals beyond 28 digits do not fit System.Decimal: such columns are read as exact text.</summary>
    protected static bool NeedsText(DataType type) => type is DecimalType { Precision: > 28 };

    /// <summary>The select list with the columns that need it converted to text by <paramref name="asText"/>.</summary>
    protected string ExplicitList(Parquet.Schema schema, Func<string, string> asText) =>
        schema.Fields.Any(f => NeedsText(f.Type))
            ? string.Join(", ", schema.Fields.Select(f => NeedsText(f.Type) ? $"{asText(QuoteIdentifier(f.Name))} AS {QuoteIdentifier(f.Name)}" : QuoteIdentifier(f.Name)))
            : "*";

    /// <summary>No rows, for the column list and types.</summary>
    public string SchemaSql(string source) => $"SELECT * FROM {source} WHERE 1 = 0";

    protected virtual string WatermarkExpression(string column, bool rowVersion) => QuoteIdentifier(column);

    public virtual string Parameter(string name) => "@" + name;

    /// <summary>The parameter value for a watermark.</summary>
    public virtual object ParameterValue(WatermarkValue value, bool rowVersion) => value.Value switch
    {
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        var v => v,
    };

    /// <summary>
    /// Sets a watermark parameter; <paramref name="columnType"/> is the watermark column's type name in the source, for
    /// engines where the parameter's type changes how it compares (time zones, datetime precision).
    /// </summary>
    public virtual void BindParameter(DbParameter parameter, WatermarkValue value, bool rowVersion, string? columnType) =>
        parameter.Value = ParameterValue(value, rowVersion);

    /// <summary>The Delta type of a result column.</summary>
    public abstract DataType MapType(string column, string dataTypeName, Type fieldType, int? precision, int? scale);

    /// <summary>
    /// Whether decimal precision and scale come from the driver's schema table (PostgreSQL, SQL Server). SQLite's
    /// declared types carry them instead, and Microsoft.Data.Sqlite's GetSchemaTable scans the table (seconds for 100k rows).
    /// </summary>
    public virtual bool PrecisionFromSchemaTable => true;

    /// <summary>Whether a column's type is a row version (SQL Server), which needs special watermark handling.</summary>
    public virtual bool IsRowVersion(string dataTypeName) => false;

    /// <summary>A source description for logs and commits: the connection without any secret.</summary>
    public abstract string Describe(string connectionString);

    protected static DataType Decimal(string column, int? precision, int? scale, int defaultPrecision = 38, int defaultScale = 18)
    {
        int p = precision is > 0 ? precision.Value : defaultPrecision;
        int s = scale is >= 0 && precision is > 0 ? scale.Value : defaultScale;
        if (p > 38) throw new IngestException($"Column '{column}' is a decimal of precision {p}; Delta holds at most 38 digits.");
        return new DecimalType(p, Math.Min(s, p));
    }

    /// <summary>DECIMAL(12,2) / NUMERIC(10) → precision and scale.</summary>
    protected static (int? Precision, int? Scale) ParsePrecision(string typeName)
    {
        var m = PrecisionPattern().Match(typeName);
        if (!m.Success) return (null, null);
        int p = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int s = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        return (p, s);
    }

    [GeneratedRegex(@"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)")]
    private static partial Regex PrecisionPattern();

    public static SqlDialect For(SourceKind kind) => kind switch
    {
        SourceKind.Sqlite => new SqliteDialect(),
        SourceKind.Postgres => new PostgresDialect(),
        SourceKind.SqlServer => new SqlServerDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a SQL source"),
    };

    /// <summary>Keeps the named keys of a connection string (host, database...), dropping everything else (secrets).</summary>
    protected static string Keep(DbConnectionStringBuilder builder, params string[] keys)
    {
        var parts = new List<string>();
        foreach (var k in keys)
            if (builder.TryGetValue(k, out var v) && v is not null && v.ToString() is { Length: > 0 } s) parts.Add($"{k}={s}");
        return string.Join(";", parts);
    }
}
