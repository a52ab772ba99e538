namespace DeltaLite.Writes;

/// <summary>What a new table is made of besides its schema.</summary>
public sealed record CreateTableOptions
{
    public IReadOnlyList<string> PartitionColumns { get; init; } = [];

    /// <summary>Table properties (delta.* and free-form), e.g. delta.checkpointInterval, delta.columnMapping.mode.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public string? Name { get; init; }

    public string? Description { get; init; }
}
