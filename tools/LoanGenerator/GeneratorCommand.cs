using System.Data.Common;
using System.Globalization;

namespace DeltaLite.LoanGenerator;

/// <summary>
/// The command line of the generator: <c>--year Y[-Y2] [--loans N] [--seed S] [--update-share F] [--table NAME]
/// [--target sqlite|postgres|sqlserver|csv] [--connection "..."] [--out DIR] [--csv-layout per-year|per-run] [--quiet]</c>.
/// Exit codes: 0 done, 1 bad arguments / refused year / unreachable target, 3 unexpected failure. Errors are one line on
/// stderr, without stack trace or password.
/// </summary>
public static class GeneratorCommand
{
    public const int ExitOk = 0;
    public const int ExitUserError = 1;
    public const int ExitUnexpected = 3;

    public const string Usage =
        "usage: loangen --year YEAR[-LAST] [--loans N] [--seed S] [--update-share F] [--table NAME]\n"
        + "               [--target sqlite|postgres|sqlserver|csv] [--connection \"...\"] [--out DIR]\n"
        + "               [--csv-layout per-year|per-run] [--quiet]\n"
        + "       loangen bench --loans N [--targets sqlite,csv,postgres] [--pg \"...\"]";

    /// <summary>Parses the arguments and runs the generator; see the class summary for exit codes.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run"/>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? ExitUserError : ExitOk;
        }
        GenerateOptions options;
        bool quiet;
        try
        {
            (options, quiet) = Parse(args);
        }
        catch (LoanGeneratorException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return ExitUserError;
        }
        return await RunAsync(options, quiet ? null : stdout, stderr, ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="options"/>, prints one summary line per year to <paramref name="stdout"/> (when given) and errors as one line.</summary>
    public static async Task<int> RunAsync(GenerateOptions options, TextWriter? stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var result = await LoanGeneration.GenerateAsync(options, null, ct).ConfigureAwait(false);
            if (stdout is not null)
            {
                foreach (var y in result.Years)
                {
                    var ids = y.Inserted > 0 ? $" (ids {y.FirstId}-{y.LastId})" : "";
                    stdout.WriteLine($"{y.Year}: {y.Inserted} new loans{ids}, {y.Updated} earlier loans updated");
                }
                var rows = result.Inserted + result.Updated;
                var rate = result.Elapsed.TotalSeconds > 0 ? rows / result.Elapsed.TotalSeconds : 0;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {rows} rows to {Targets.TargetFactory.Describe(options)} in {result.Elapsed.TotalSeconds:0.00} s ({rate:0} rows/s)"));
            }
            return ExitOk;
        }
        catch (LoanGeneratorException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return ExitUserError;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {Targets.TargetFactory.Describe(options)}: {OneLine(e.Message)}");
            return ExitUserError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("error: cancelled");
            return ExitUserError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitUnexpected;
        }
    }

    /// <summary>Parses generator flags into options; throws <see cref="LoanGeneratorException"/> for a bad flag or value.</summary>
    public static (GenerateOptions Options, bool Quiet) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int? year = null;
        int? through = null;
        long loans = GenerateOptions.DefaultLoans;
        var seed = GenerateOptions.DefaultSeed;
        var share = GenerateOptions.DefaultUpdateShare;
        var table = GenerateOptions.DefaultTable;
        var target = LoanTargetKind.Sqlite;
        string? connection = null;
        string? outDir = null;
        var layout = CsvLayout.PerYear;
        var quiet = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Count)
                {
                    throw new LoanGeneratorException($"{arg} needs a value");
                }
                return args[++i];
            }
            switch (arg)
            {
                case "--year":
                    (year, through) = ParseYears(Value());
                    break;
                case "--loans":
                    loans = ParseLong(arg, Value());
                    break;
                case "--seed":
                    seed = (int)ParseLong(arg, Value(), int.MinValue, int.MaxValue);
                    break;
                case "--update-share":
                    var text = Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out share))
                    {
                        throw new LoanGeneratorException($"--update-share '{text}' is not a number");
                    }
                    break;
                case "--table":
                    table = Value();
                    break;
                case "--target":
                    target = ParseTarget(Value());
                    break;
                case "--connection":
                    connection = Value();
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case "--csv-layout":
                    layout = ParseLayout(Value());
                    break;
                case "--quiet":
                    quiet = true;
                    break;
                default:
                    throw new LoanGeneratorException($"unknown argument '{arg}' (see --help)");
            }
        }
        if (year is null)
        {
            throw new LoanGeneratorException("--year is required");
        }
        var options = new GenerateOptions
        {
            Year = year.Value,
            ThroughYear = through,
            Loans = loans,
            Seed = seed,
            UpdateShare = share,
            Table = table,
            Target = target,
            Connection = connection,
            OutputDirectory = outDir,
            CsvLayout = layout,
        };
        options.Validate();
        return (options, quiet);
    }

    /// <summary>"sqlite", "postgres" (or "postgresql"), "sqlserver" (or "mssql"), "csv".</summary>
    public static LoanTargetKind ParseTarget(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => LoanTargetKind.Sqlite,
        "postgres" or "postgresql" or "pg" => LoanTargetKind.Postgres,
        "sqlserver" or "mssql" => LoanTargetKind.SqlServer,
        "csv" => LoanTargetKind.Csv,
        _ => throw new LoanGeneratorException($"unknown target '{text}' (expected sqlite, postgres, sqlserver or csv)"),
    };

    /// <summary>"per-year" or "per-run".</summary>
    public static CsvLayout ParseLayout(string text) => text.ToLowerInvariant() switch
    {
        "per-year" => CsvLayout.PerYear,
        "per-run" => CsvLayout.PerRun,
        _ => throw new LoanGeneratorException($"unknown --csv-layout '{text}' (expected per-year or per-run)"),
    };

    /// <summary>"2020" or "2020-2022".</summary>
    public static (int Year, int? Through) ParseYears(string text)
    {
        var dash = text.IndexOf('-', 1);
        if (dash < 0)
        {
            return ((int)ParseLong("--year", text, int.MinValue, int.MaxValue), null);
        }
        return ((int)ParseLong("--year", text[..dash], int.MinValue, int.MaxValue), (int)ParseLong("--year", text[(dash + 1)..], int.MinValue, int.MaxValue));
    }

    private static long ParseLong(string flag, string text, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new LoanGeneratorException($"{flag} '{text}' is not a whole number");
        }
        return value;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
