using DeltaLite.LoanGenerator;

namespace DeltaLite.Ingest.Tests.Support;

/// <summary>Generates loans with the loan generator (fixed seed) into the test's sources.</summary>
internal static class Loans
{
    public const int Seed = 42;

    public static Task<GenerateResult> SqliteAsync(string connectionString, int year, long loans, string table = "loans", double updateShare = GenerateOptions.DefaultUpdateShare) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year, Loans = loans, Seed = Seed, Target = LoanTargetKind.Sqlite, Connection = connectionString, Table = table, UpdateShare = updateShare,
        });

    public static Task<GenerateResult> PostgresAsync(string qualifiedTable, int year, long loans) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year, Loans = loans, Seed = Seed, Target = LoanTargetKind.Postgres, Connection = PgSchema.ConnectionString, Table = qualifiedTable,
        });

    public static Task<GenerateResult> CsvAsync(string folder, int year, long loans) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year, Loans = loans, Seed = Seed, Target = LoanTargetKind.Csv, OutputDirectory = folder,
        });

    /// <summary>Copies a SQLite database file (the source as it was at this moment).</summary>
    public static void CopySqlite(string from, string to) => File.Copy(from, to, overwrite: true);

    /// <summary>The reference job: merge by id, watermark updated_at.</summary>
    public static IngestJob MergeJob(SourceKind source, string connection, string table, string target) => new()
    {
        Source = source, Connection = connection, Table = table, Target = target, Mode = IngestMode.Merge,
        KeyColumns = ["id"], WatermarkColumn = "updated_at",
    };
}
