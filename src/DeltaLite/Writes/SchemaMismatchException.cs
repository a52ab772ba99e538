namespace DeltaLite.Writes;

/// <summary>The data does not fit the table's schema; <see cref="Problems"/> lists each column that differs.</summary>
public sealed class SchemaMismatchException(string table, IReadOnlyList<string> problems)
    : DeltaLogException($"{table}: the data does not match the table schema: {string.Join("; ", problems)}.")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>An operation the table forbids (e.g. removing data from an append-only table).</summary>
public sealed class TableOperationException(string message) : DeltaLogException(message);
