namespace DeltaLite;

/// <summary>The transaction log is missing, corrupt or inconsistent; the message names the file or version.</summary>
public class DeltaLogException : Exception
{
    public DeltaLogException(string message) : base(message) { }

    public DeltaLogException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A version (or timestamp) that the table cannot be read at.</summary>
public sealed class VersionNotFoundException : DeltaLogException
{
    public VersionNotFoundException(string message) : base(message) { }
}

/// <summary>The table needs a reader or writer feature DeltaLite does not support.</summary>
public sealed class UnsupportedTableFeatureException : DeltaLogException
{
    public UnsupportedTableFeatureException(string message, IReadOnlyList<string> features) : base(message) => Features = features;

    public IReadOnlyList<string> Features { get; }
}

/// <summary>No Delta table at the location.</summary>
public sealed class TableNotFoundException : DeltaLogException
{
    public TableNotFoundException(string message) : base(message) { }
}
