using DeltaLite.LoanGenerator.Targets;

namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Shortcuts for running the generator in tests.</summary>
internal static class Runs
{
    public static GenerateResult Csv(string dir, int year, long loans, int seed = 42, double share = 0.3, CsvLayout layout = CsvLayout.PerYear, int? through = null) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year,
            ThroughYear = through,
            Loans = loans,
            Seed = seed,
            UpdateShare = share,
            Target = LoanTargetKind.Csv,
            OutputDirectory = dir,
            CsvLayout = layout,
        }).GetAwaiter().GetResult();

    public static GenerateResult Sqlite(string dbPath, int year, long loans, int seed = 42, double share = 0.3, int? through = null) =>
        LoanGeneration.GenerateAsync(new GenerateOptions
        {
            Year = year,
            ThroughYear = through,
            Loans = loans,
            Seed = seed,
            UpdateShare = share,
            Target = LoanTargetKind.Sqlite,
            Connection = $"Data Source={dbPath}",
        }).GetAwaiter().GetResult();

    public static List<LoanRecord> ReadCsv(string path) => CsvLoanReader.Read(path).ToList();

    /// <summary>Runs the command line and returns exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Command(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = GeneratorCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
