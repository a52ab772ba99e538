namespace DeltaLite.DeletionVectors;

/// <summary>
/// A deletion vector could not be read: its file is missing or too short, or its size, checksum, format or
/// cardinality does not match its descriptor. The message names the table, the DV and, for files, the path.
/// </summary>
public sealed class DeletionVectorException : IOException
{
    public DeletionVectorException(string tablePath, string deletionVectorId, string? filePath, string problem, Exception? inner = null)
        : base(BuildMessage(tablePath, deletionVectorId, filePath, problem), inner)
    {
        TablePath = tablePath;
        DeletionVectorId = deletionVectorId;
        FilePath = filePath;
    }

    /// <summary>The table root as shown to people.</summary>
    public string TablePath { get; }

    /// <summary>The DV's unique id (<see cref="DeletionVectorDescriptor.UniqueId"/>).</summary>
    public string DeletionVectorId { get; }

    /// <summary>The DV file (relative to the table root, or absolute), or null for an inline DV.</summary>
    public string? FilePath { get; }

    private static string BuildMessage(string tablePath, string id, string? filePath, string problem)
    {
        // Inline DVs can be long: show the start of the id only.
        string shownId = id.Length > 80 ? id[..77] + "..." : id;
        string file = filePath is null ? "" : $" (file {filePath})";
        return $"Table {tablePath}: deletion vector {shownId}{file}: {problem}";
    }
}
