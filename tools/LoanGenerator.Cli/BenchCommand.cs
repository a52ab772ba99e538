using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DeltaLite.LoanGenerator.Cli;

/// <summary>
/// <c>loangen bench --loans N [--targets none,sqlite,csv,postgres] [--pg "..."]</c>: generates one year of N loans into a
/// fresh copy of each target ("none": generation only) and prints rows/s and peak resident memory (VmHWM from /proc/self/status, reset through
/// /proc/self/clear_refs before each target so the figure is per target). PostgreSQL uses --pg or DELTALITE_TEST_PG and
/// a scratch table that is dropped afterwards. Figures only: nothing is asserted.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        long loans = 1_000_000;
        var targets = new[] { "sqlite", "csv" };
        var pg = Environment.GetEnvironmentVariable("DELTALITE_TEST_PG");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new LoanGeneratorException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--loans":
                        loans = long.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--targets":
                        targets = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        break;
                    case "--pg":
                        pg = Next();
                        break;
                    default:
                        stderr.WriteLine($"error: unknown argument '{args[i]}'");
                        return GeneratorCommand.ExitUserError;
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or LoanGeneratorException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return GeneratorCommand.ExitUserError;
            }
        }

        var scratch = Path.Combine(Path.GetTempPath(), $"loangen-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        stdout.WriteLine($"{"target",-10} {"rows",10} {"seconds",8} {"rows/s",10} {"peak MB",8}");
        try
        {
            foreach (var name in targets)
            {
                if (name == "none")
                {
                    // Generation only: the rows are made (on the background producer, as for a real target) and dropped.
                    GC.Collect();
                    ResetPeak();
                    var watch = Stopwatch.StartNew();
                    long made = 0;
                    foreach (var _ in new NewLoanStream(new LoanFactory(GenerateOptions.DefaultSeed, 2020, loans, LoanGeneration.FirstLoanId), loans, null, CancellationToken.None))
                    {
                        made++;
                    }
                    watch.Stop();
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-10} {made,10} {watch.Elapsed.TotalSeconds,8:0.00} {made / watch.Elapsed.TotalSeconds,10:0} {PeakMegabytes(),8:0}"));
                    continue;
                }
                var kind = GeneratorCommand.ParseTarget(name);
                if (kind == LoanTargetKind.Postgres && string.IsNullOrEmpty(pg))
                {
                    stderr.WriteLine("error: postgres needs --pg \"...\" or DELTALITE_TEST_PG");
                    return GeneratorCommand.ExitUserError;
                }
                var table = kind == LoanTargetKind.Postgres ? $"loangen_bench_{Environment.ProcessId}" : "loans";
                var options = new GenerateOptions
                {
                    Year = 2020,
                    Loans = loans,
                    Target = kind,
                    Table = table,
                    Connection = kind switch
                    {
                        LoanTargetKind.Sqlite => $"Data Source={Path.Combine(scratch, "bench.db")}",
                        LoanTargetKind.Postgres => pg,
                        _ => null,
                    },
                    OutputDirectory = kind == LoanTargetKind.Csv ? Path.Combine(scratch, "csv") : null,
                };
                GC.Collect();
                ResetPeak();
                var clock = Stopwatch.StartNew();
                try
                {
                    var result = await LoanGeneration.GenerateAsync(options).ConfigureAwait(false);
                    clock.Stop();
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-10} {result.Inserted,10} {clock.Elapsed.TotalSeconds,8:0.00} {result.Inserted / clock.Elapsed.TotalSeconds,10:0} {PeakMegabytes(),8:0}"));
                }
                finally
                {
                    if (kind == LoanTargetKind.Postgres)
                    {
                        await using var connection = new NpgsqlConnection(pg);
                        await connection.OpenAsync().ConfigureAwait(false);
                        await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS \"{table}\"", connection);
                        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        catch (LoanGeneratorException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return GeneratorCommand.ExitUserError;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        return GeneratorCommand.ExitOk;
    }

    /// <summary>Writing "5" to clear_refs resets the peak RSS (VmHWM) of the process (Linux 4.0+).</summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the figure is then the peak since the process started.
        }
    }

    private static double PeakMegabytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux.
        }
        return Environment.WorkingSet / (1024.0 * 1024.0);
    }
}
