namespace DeltaLite.Ingest;

/// <summary>How a run ended.</summary>
public enum IngestOutcome
{
    /// <summary>Rows (and the new watermark) were committed as a new version.</summary>
    Committed,
    /// <summary>The source had nothing past the watermark; nothing was committed.</summary>
    NoNewRows,
    /// <summary>A dry run: nothing was written.</summary>
    DryRun,
    /// <summary>Another run of the same job committed these rows first; this run committed nothing.</summary>
    ConcurrentRunCommitted,
}

/// <summary>What a run did.</summary>
public sealed record IngestResult
{
    public required IngestOutcome Outcome { get; init; }
    public required string SourceId { get; init; }
    public required string Source { get; init; }
    public required string Target { get; init; }
    public long? Version { get; init; }
    public long RowsRead { get; init; }
    public long RowsInserted { get; init; }
    public long RowsUpdated { get; init; }
    public string? WatermarkColumn { get; init; }
    public string? WatermarkFrom { get; init; }
    public string? WatermarkTo { get; init; }
    public TimeSpan Duration { get; init; }
    public IReadOnlyList<string> FilesLoaded { get; init; } = [];
    /// <summary>CSV files loaded before whose size or time changed since: reported, not reloaded.</summary>
    public IReadOnlyList<string> ModifiedFiles { get; init; } = [];
    public long RejectedRows { get; init; }
    public string? RejectsFile { get; init; }
    /// <summary>Rows whose watermark is NULL: only a first run (or a full reload) loads them.</summary>
    public long NullWatermarkRows { get; init; }
    public string? Message { get; init; }
}

/// <summary>Progress of a run, for a progress bar or log lines.</summary>
public sealed record IngestProgress(string Phase, long RowsRead, double RowsPerSecond, string? CurrentFile = null);
