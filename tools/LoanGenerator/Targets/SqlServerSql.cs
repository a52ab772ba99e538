namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// The SQL text the SQL Server target sends: bracket-quoted identifiers, named parameters, decimal(p,s), date,
/// datetime2(0) for the UTC timestamps, nvarchar(n) text. Kept apart so it can be checked without a server.
/// </summary>
internal static class SqlServerSql
{
    public const string UpdatesTable = "#loangen_updates";

    public static string Quote(string identifier) => "[" + identifier.Replace("]", "]]", StringComparison.Ordinal) + "]";

    public static string QualifiedName(TableName t) => Quote(t.Schema ?? "dbo") + "." + Quote(t.Name);

    /// <summary>The name OBJECT_ID takes, as an N'' literal body (identifiers are validated, so no quote can appear).</summary>
    private static string ObjectName(TableName t) => (t.Schema ?? "dbo") + "." + t.Name;

    public static string SqlType(LoanColumn c) => c.Kind switch
    {
        LoanColumnKind.BigInt => "bigint",
        LoanColumnKind.Int => "int",
        LoanColumnKind.Decimal => $"decimal({c.Precision},{c.Scale})",
        LoanColumnKind.Text => $"nvarchar({c.Precision})",
        LoanColumnKind.Date => "date",
        LoanColumnKind.Timestamp => "datetime2(0)",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    private static string ColumnDefinition(LoanColumn c) => $"{Quote(c.Name)} {SqlType(c)} {(c.Nullable ? "NULL" : "NOT NULL")}";

    public static string CreateTable(TableName t) =>
        $"IF OBJECT_ID(N'{ObjectName(t)}', N'U') IS NULL\nBEGIN\n"
        + $"  CREATE TABLE {QualifiedName(t)} (\n    {string.Join(",\n    ", LoanSchema.Columns.Select(ColumnDefinition))},\n"
        + $"    CONSTRAINT {Quote("PK_" + t.Name)} PRIMARY KEY CLUSTERED ({Quote("id")})\n  );\n"
        + $"  CREATE INDEX {Quote("ix_" + t.Name + "_updated_at")} ON {QualifiedName(t)} ({Quote("updated_at")});\nEND";

    public static string ColumnNames() =>
        "SELECT c.name FROM sys.columns AS c WHERE c.object_id = OBJECT_ID(@table)";

    public static string State(TableName t) =>
        $"SELECT MAX({Quote("id")}), MAX(YEAR({Quote("issue_d")})), MAX(YEAR({Quote("updated_at")})) FROM {QualifiedName(t)}";

    public static string SelectOpen(TableName t) =>
        $"SELECT {string.Join(", ", LoanSchema.Columns.Select(c => Quote(c.Name)))} FROM {QualifiedName(t)} "
        + $"WHERE {Quote("loan_status")} IN (@s0, @s1, @s2) ORDER BY {Quote("id")}";

    public static string CreateUpdatesTable() =>
        $"CREATE TABLE {UpdatesTable} (\n    {string.Join(",\n    ", UpdateColumns.Select(ColumnDefinition))},\n    PRIMARY KEY ({Quote("id")})\n)";

    /// <summary>Applies the staged rows: one set-based UPDATE joined on the key.</summary>
    public static string ApplyUpdates(TableName t) =>
        $"UPDATE t SET {string.Join(", ", LoanSchema.MutableColumns.Select(c => $"t.{Quote(c.Name)} = s.{Quote(c.Name)}"))}\n"
        + $"FROM {QualifiedName(t)} AS t INNER JOIN {UpdatesTable} AS s ON t.{Quote("id")} = s.{Quote("id")}";

    public static string DropUpdatesTable() => $"DROP TABLE {UpdatesTable}";

    public static IReadOnlyList<LoanColumn> UpdateColumns { get; } = [LoanSchema.Columns[LoanSchema.Id], .. LoanSchema.MutableColumns];
}
