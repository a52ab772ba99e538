namespace DeltaLite.LoanGenerator.Targets;

/// <summary>What a target remembers of earlier runs: the state lives in the target itself.</summary>
/// <param name="LastYear">The latest simulated year found (max of issue_d and updated_at years), or null when empty.</param>
/// <param name="MaxId">The largest loan id, or 0 when empty.</param>
internal readonly record struct TargetState(int? LastYear, long MaxId);

/// <summary>
/// A place loans are written to. Contract:
/// <see cref="OpenAsync"/> must create the table (primary key on id, index on updated_at) when absent and must fail with a
/// <see cref="LoanGeneratorException"/> (password-free message) when the target cannot be reached;
/// <see cref="ReadOpenLoansAsync"/> must return the current version of every Current or Late loan, ascending by id;
/// <see cref="WriteYearAsync"/> must apply the updates and the inserts of one year all-or-nothing where the target allows it;
/// <see cref="CompleteAsync"/> must make the run's output visible (CSV: rename files, write the state sidecar).
/// </summary>
internal interface ILoanTarget : IAsyncDisposable
{
    Task<TargetState> OpenAsync(CancellationToken ct);

    IAsyncEnumerable<LoanRecord> ReadOpenLoansAsync(CancellationToken ct);

    /// <summary>Writes one year; returns the number of inserted rows.</summary>
    Task<long> WriteYearAsync(int year, IReadOnlyList<LoanRecord> updates, IEnumerable<LoanRecord> newLoans, CancellationToken ct);

    Task CompleteAsync(int lastYear, long maxId, CancellationToken ct);
}
