using System.Diagnostics;
using DeltaLite.LoanGenerator.Targets;

namespace DeltaLite.LoanGenerator;

/// <summary>The library entry point: simulates one or more years of loans into a target.</summary>
public static class LoanGeneration
{
    /// <summary>The id of the very first loan in an empty target.</summary>
    public const long FirstLoanId = 100_000_001;

    /// <summary>
    /// Runs the simulation described by <paramref name="options"/>. For each year, earlier open loans (read back from
    /// the target) are advanced first, then the year's new loans are inserted. Throws <see cref="LoanGeneratorException"/>
    /// with a one-line, password-free message for bad options, a refused year or an unreachable target.
    /// </summary>
    public static async Task<GenerateResult> GenerateAsync(GenerateOptions options, IProgress<GenerateProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        await using var target = TargetFactory.Create(options);
        var state = await target.OpenAsync(ct).ConfigureAwait(false);
        if (state.LastYear is { } last && options.Year <= last)
        {
            throw new LoanGeneratorException($"year {options.Year} is not after the last generated year {last} in {TargetFactory.Describe(options)}; use --year {last + 1} or later");
        }

        var nextId = state.MaxId == 0 ? FirstLoanId : state.MaxId + 1;
        var years = new List<GeneratedYear>();
        for (var year = options.Year; year <= options.LastYear; year++)
        {
            progress?.Report(new GenerateProgress(year, "updates", 0, 0));
            var updates = new List<LoanRecord>();
            if (options.UpdateShare > 0 && (state.MaxId > 0 || years.Count > 0))
            {
                var lifecycle = new LoanLifecycle(options.Seed, year, options.UpdateShare);
                await foreach (var loan in target.ReadOpenLoansAsync(ct).ConfigureAwait(false))
                {
                    if (lifecycle.Advance(loan) is { } updated)
                    {
                        updates.Add(updated);
                    }
                }
            }

            var y = year;
            var updatedCount = updates.Count;
            var stream = new NewLoanStream(new LoanFactory(options.Seed, year, options.Loans, nextId), options.Loans,
                progress is null ? null : done => progress.Report(new GenerateProgress(y, "inserts", done, updatedCount)), ct);
            var inserted = await target.WriteYearAsync(year, updates, stream, ct).ConfigureAwait(false);
            years.Add(new GeneratedYear(year, inserted, updates.Count, nextId, nextId + inserted - 1));
            nextId += inserted;
            progress?.Report(new GenerateProgress(year, "done", inserted, updates.Count));
        }

        await target.CompleteAsync(options.LastYear, years.Sum(g => g.Inserted) > 0 ? nextId - 1 : state.MaxId, ct).ConfigureAwait(false);
        return new GenerateResult(years, clock.Elapsed);
    }
}
