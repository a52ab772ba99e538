using System.CommandLine;
using System.Globalization;
using DeltaLite.Expressions;
using DeltaLite.Snapshots;

namespace DeltaLite.Cli.Commands;

/// <summary>
/// The arguments and options the table verbs share, named the same everywhere (TABLE, --version, --as-of, --columns,
/// --where, --limit, --json), and the code that turns them into a table, a snapshot, a column list and a filter.
/// </summary>
internal static class TableOptions
{
    public static Argument<string> Table() => new("table")
    {
        Description = "The Delta table: a path (/data/loans) or a URI (file:///data/loans; other schemes once their storage package is loaded).",
    };

    public static Option<string?> Version() => new("--version")
    {
        Description = "Read this version of the table: a number or a tag name (default: the latest).",
    };

    public static Option<string?> AsOf() => new("--as-of")
    {
        Description = "Read the version in effect at this time: 2024-05-01, \"2024-05-01 12:30:00\" or 2024-05-01T12:30:00+02:00 (UTC unless an offset is given).",
    };

    public static Option<string?> Columns() => new("--columns", "-c")
    {
        Description = "Comma-separated top-level columns, in the order to output (default: all, in schema order).",
    };

    public static Option<string?> Where() => new("--where", "-w")
    {
        Description = "Only rows matching this filter, e.g. \"year = 2021 AND grade IN ('A','B') AND closed_at IS NULL\".",
    };

    public static Option<int?> Limit(string description, int? defaultValue = null)
    {
        var option = new Option<int?>("--limit", "-n") { Description = description };
        if (defaultValue is int d) option.DefaultValueFactory = _ => d;
        return option;
    }

    public static Option<bool> Json(string description) => new("--json") { Description = description };

    /// <summary>Opens the table at a path or URI; the location must hold a Delta table.</summary>
    public static Task<DeltaTable> OpenAsync(string? location, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(location)) throw new UserException("TABLE is required (a path or URI).");
        return DeltaTable.OpenAsync(location, GlobalOptions.StorageOptions, ct);
    }

    /// <summary>The snapshot that --version or --as-of select (the latest when neither is given).</summary>
    public static async Task<Snapshot> SnapshotAsync(DeltaTable table, string? versionOrTag, string? asOf, CancellationToken ct)
    {
        if (versionOrTag is not null && asOf is not null) throw new UserException("--version and --as-of cannot be used together.");
        long? version = versionOrTag is null ? null : await ResolveVersionAsync(table, versionOrTag, ct).ConfigureAwait(false);
        if (asOf is not null) return await table.GetSnapshotAsOfAsync(ParseTimestamp(asOf), ct).ConfigureAwait(false);
        return await table.GetSnapshotAsync(version, ct).ConfigureAwait(false);
    }

    /// <summary>A --version value: a version number, or a tag name.</summary>
    public static async Task<long> ResolveVersionAsync(DeltaTable table, string versionOrTag, CancellationToken ct)
    {
        if (versionOrTag.StartsWith('-') && long.TryParse(versionOrTag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var negative))
            throw new UserException($"--version must not be negative (got {negative}).");
        return await table.ResolveVersionAsync(versionOrTag, ct).ConfigureAwait(false);
    }

    /// <summary>The --columns list, or null for all columns; each name must exist at <paramref name="snapshot"/>.</summary>
    public static IReadOnlyList<string>? ParseColumns(string? text, Snapshot snapshot)
    {
        if (text is null) return null;
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new UserException("--columns needs at least one column name.");
        foreach (var name in names)
        {
            if (snapshot.Schema.IndexOf(name) < 0)
                throw new UserException($"--columns: the table has no column '{name}' at version {snapshot.Version} (columns: {string.Join(", ", snapshot.Schema.Fields.Select(f => f.Name))}).");
        }
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserException($"--columns names '{duplicate.Key}' twice.");
        return names;
    }

    /// <summary>The --where filter, or null.</summary>
    public static Predicate? ParseWhere(string? text)
    {
        if (text is null) return null;
        if (string.IsNullOrWhiteSpace(text)) throw new UserException("--where is empty.");
        try
        {
            return PredicateParser.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UserException("--where: " + e.Message);
        }
    }

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
    ];

    /// <summary>A point in time: ISO 8601 with an offset, or a date / date-time without one, taken as UTC.</summary>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        var s = text.Trim();
        if (DateTimeOffset.TryParseExact(s, TimestampFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc))
            return utc;
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var any)
            && (s.EndsWith('Z') || s.EndsWith('z') || HasOffset(s)))
            return any;
        throw new UserException($"--as-of '{text}' is not a timestamp (examples: 2024-05-01, \"2024-05-01 12:30:00\", 2024-05-01T12:30:00Z, 2024-05-01T12:30:00+02:00).");
    }

    private static bool HasOffset(string s)
    {
        int t = s.IndexOfAny(['T', 't', ' ']);
        if (t < 0) return false;
        return s.IndexOfAny(['+', '-'], t) > 0;
    }

    /// <summary>"1.5 MiB" style sizes for people.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>A timestamp as people and scripts read it: UTC, ISO 8601 with milliseconds.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
