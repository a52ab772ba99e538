using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using DeltaLite.Cli.Progress;
using DeltaLite.LoanGenerator;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite generate`: simulated LendingClub-style loans, year by year, into SQLite, PostgreSQL, SQL Server or CSV.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var year = new Option<string>("--year", "-y") { Description = "The year to simulate, or a range 2020-2022 (each after the last year already in the target).", Required = true };
        var loans = new Option<long>("--loans") { Description = "New loans issued per simulated year.", DefaultValueFactory = _ => GenerateOptions.DefaultLoans };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice: the same seed gives the same rows.", DefaultValueFactory = _ => GenerateOptions.DefaultSeed };
        var updateShare = new Option<double>("--update-share")
        {
            Description = "Share (0..1) of earlier open loans that change in each simulated year (payments, payoffs, defaults).",
            DefaultValueFactory = _ => GenerateOptions.DefaultUpdateShare,
        };
        var tableName = new Option<string>("--table") { Description = "Table name in the target (for csv, the file-name prefix).", DefaultValueFactory = _ => GenerateOptions.DefaultTable };
        var target = new Option<string>("--target") { Description = "sqlite, postgres, sqlserver or csv.", DefaultValueFactory = _ => "sqlite" };
        var connection = new Option<string?>("--connection")
        {
            Description = $"ADO.NET connection string of a database target (sqlite default: \"{GenerateOptions.DefaultSqliteConnection}\"). Passwords are never printed.",
        };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder of the csv target." };
        var layout = new Option<string>("--csv-layout") { Description = "per-year (one file per simulated year) or per-run (one file for the run).", DefaultValueFactory = _ => "per-year" };
        var json = TableOptions.Json("Print a JSON summary (per year: new loans, updated loans, id range) instead of lines of text.");
        var cmd = new Command("generate", """
            Generate simulated LendingClub-style issued loans, year by year, to rehearse incremental loads: each year
            inserts its new loans and updates a share of earlier open ones (payments advance, some are paid off, late
            or charged off; updated_at moves). Deterministic for a seed. The target table is created when absent.

            Examples:
              deltalite generate --year 2020 --loans 100000 --connection "Data Source=loans.db"
              deltalite generate --year 2021 --loans 100000 --connection "Data Source=loans.db"
              deltalite generate --year 2020-2022 --target csv --out ./csv --csv-layout per-run
              deltalite generate --year 2020 --target postgres --connection "Host=localhost;Username=etl;Password=$PGPASSWORD;Database=src"
            """)
        {
            year, loans, seed, updateShare, tableName, target, connection, output, layout, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            var (first, through) = GeneratorCommand.ParseYears(parse.GetValue(year)!);
            var options = new GenerateOptions
            {
                Year = first,
                ThroughYear = through,
                Loans = parse.GetValue(loans),
                Seed = parse.GetValue(seed),
                UpdateShare = parse.GetValue(updateShare),
                Table = parse.GetValue(tableName)!,
                Target = GeneratorCommand.ParseTarget(parse.GetValue(target)!),
                Connection = parse.GetValue(connection),
                OutputDirectory = parse.GetValue(output),
                CsvLayout = GeneratorCommand.ParseLayout(parse.GetValue(layout)!),
            };
            options.Validate();
            bool asJson = parse.GetValue(json);
            string where = Describe(options);

            GenerateResult result;
            try
            {
                result = await ProgressDisplay.RunAsync("generate", ProgressDisplay.Choose(asJson), tracker => RunAsync(options, tracker, ct));
            }
            catch (Exception e) when (e is DbException or IOException)
            {
                throw new UserException($"{where}: {CommandRunner.OneLine(e.Message)}");
            }

            if (asJson)
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("target", where);
                    w.WriteNumber("inserted", result.Inserted);
                    w.WriteNumber("updated", result.Updated);
                    w.WriteNumber("elapsedSeconds", Math.Round(result.Elapsed.TotalSeconds, 3));
                    w.WriteStartArray("years");
                    foreach (var y in result.Years)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("year", y.Year);
                        w.WriteNumber("inserted", y.Inserted);
                        w.WriteNumber("updated", y.Updated);
                        if (y.Inserted > 0)
                        {
                            w.WriteNumber("firstId", y.FirstId);
                            w.WriteNumber("lastId", y.LastId);
                        }
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }
            foreach (var y in result.Years)
            {
                string ids = y.Inserted > 0 ? $" (ids {y.FirstId}-{y.LastId})" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{y.Year}: {y.Inserted:N0} new loans{ids}, {y.Updated:N0} earlier loans updated"));
            }
            long rows = result.Inserted + result.Updated;
            double rate = result.Elapsed.TotalSeconds > 0 ? rows / result.Elapsed.TotalSeconds : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {rows:N0} rows to {where} in {result.Elapsed.TotalSeconds:0.00} s ({rate:N0} rows/s)"));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static async Task<GenerateResult> RunAsync(GenerateOptions options, ProgressTracker tracker, CancellationToken ct)
    {
        int years = options.LastYear - options.Year + 1;
        tracker.Total = options.Loans * years;
        long finishedYears = 0;
        var progress = new SynchronousProgress(p =>
        {
            tracker.Status = p.Phase == "updates"
                ? $"{p.Year}: updating earlier loans"
                : string.Create(CultureInfo.InvariantCulture, $"{p.Year}: new loans, {p.Updated:N0} earlier updated");
            long done = Interlocked.Read(ref finishedYears);
            tracker.Set(done + p.Inserted);
            if (p.Phase == "done") Interlocked.Add(ref finishedYears, p.Inserted);
        });
        return await LoanGeneration.GenerateAsync(options, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Where the loans go, without any password.</summary>
    internal static string Describe(GenerateOptions options) => options.Target switch
    {
        LoanTargetKind.Csv => $"csv folder '{options.OutputDirectory}'",
        LoanTargetKind.Sqlite => $"sqlite table '{options.Table}' ({ConnectionStrings.Redact(options.Connection ?? GenerateOptions.DefaultSqliteConnection)})",
        _ => $"{options.Target.ToString().ToLowerInvariant()} table '{options.Table}' ({ConnectionStrings.Redact(options.Connection)})",
    };

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(Action<GenerateProgress> report) : IProgress<GenerateProgress>
    {
        public void Report(GenerateProgress value) => report(value);
    }
}
