namespace DeltaLite.LoanGenerator.Targets;

internal static class TargetFactory
{
    public static ILoanTarget Create(GenerateOptions options) => options.Target switch
    {
        LoanTargetKind.Sqlite => new SqliteLoanTarget(options.Connection ?? GenerateOptions.DefaultSqliteConnection, TableName.Parse(options.Table, false)),
        LoanTargetKind.Postgres => new PostgresLoanTarget(options.Connection!, TableName.Parse(options.Table, true)),
        LoanTargetKind.SqlServer => new SqlServerLoanTarget(options.Connection!, TableName.Parse(options.Table, true)),
        LoanTargetKind.Csv => new CsvLoanTarget(options.OutputDirectory!, TableName.Parse(options.Table, false).Name, options.CsvLayout, options.Year, options.LastYear),
        _ => throw new LoanGeneratorException($"unknown target {options.Target}"),
    };

    /// <summary>A password-free description of the target, for messages.</summary>
    public static string Describe(GenerateOptions options) => options.Target switch
    {
        LoanTargetKind.Csv => $"csv folder '{options.OutputDirectory}'",
        LoanTargetKind.Sqlite => $"sqlite table '{options.Table}' ({ConnectionStrings.Redact(options.Connection ?? GenerateOptions.DefaultSqliteConnection)})",
        _ => $"{options.Target.ToString().ToLowerInvariant()} table '{options.Table}' ({ConnectionStrings.Redact(options.Connection)})",
    };
}
