using System.Globalization;
using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>What a file in <c>_delta_log/</c> is, parsed once from its name.</summary>
public enum LogFileKind
{
    Commit,
    Checkpoint,
    CheckpointPart,
    CheckpointV2,
    Checksum,
    CompactedCommits,
}

/// <summary>A parsed <c>_delta_log</c> file: its kind, version and (for multi-part checkpoints) part numbers.</summary>
public sealed record LogFile(ObjectInfo Info, LogFileKind Kind, long Version, int Part = 1, int Parts = 1)
{
    public const string LogFolder = "_delta_log/";

    public string Path => Info.Path;

    public bool IsCheckpoint => Kind is LogFileKind.Checkpoint or LogFileKind.CheckpointPart or LogFileKind.CheckpointV2;

    /// <summary>The commit file path of a version.</summary>
    public static string CommitPath(long version) => $"{LogFolder}{version:D20}.json";

    /// <summary>The classic single-file checkpoint path of a version.</summary>
    public static string CheckpointPath(long version) => $"{LogFolder}{version:D20}.checkpoint.parquet";

    /// <summary>Parses a listed object; null for anything that is not a log file we know (never fatal).</summary>
    public static LogFile? TryParse(ObjectInfo info)
    {
        var path = info.Path;
        if (!path.StartsWith(LogFolder, StringComparison.Ordinal)) return null;
        var name = path[LogFolder.Length..];
        if (name.Contains('/')) return null; // _sidecars/ and anything deeper
        if (name.Length < 21 || name[20] != '.') return null;
        if (!long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out long version)) return null;
        var rest = name[21..];
        if (rest == "json") return new LogFile(info, LogFileKind.Commit, version);
        if (rest == "crc") return new LogFile(info, LogFileKind.Checksum, version);
        if (rest == "checkpoint.parquet") return new LogFile(info, LogFileKind.Checkpoint, version);
        if (rest.StartsWith("checkpoint.", StringComparison.Ordinal))
        {
            var parts = rest.Split('.');
            // checkpoint.<part>.<parts>.parquet
            if (parts.Length == 4 && parts[3] == "parquet" && parts[1].Length == 10 && parts[2].Length == 10
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int part)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int total) && part >= 1 && part <= total)
                return new LogFile(info, LogFileKind.CheckpointPart, version, part, total);
            // checkpoint.<uuid>.json|parquet
            if (parts.Length == 3 && parts[2] is "json" or "parquet" && Guid.TryParse(parts[1], out _))
                return new LogFile(info, LogFileKind.CheckpointV2, version);
            return null;
        }
        // <v>.<v2>.compacted.json
        var pieces = rest.Split('.');
        if (pieces.Length == 3 && pieces[1] == "compacted" && pieces[2] == "json" && pieces[0].Length == 20
            && long.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out long end))
            return new LogFile(info, LogFileKind.CompactedCommits, version, 1, 1) { EndVersion = end };
        return null;
    }

    /// <summary>For compacted commit files: the last version they cover.</summary>
    public long EndVersion { get; init; } = -1;
}
