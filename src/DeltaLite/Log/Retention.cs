using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaLite.Log;

/// <summary>Table properties that are durations ("interval 7 days") and their defaults.</summary>
public static partial class Retention
{
    public static TimeSpan DeletedFileRetention(IReadOnlyDictionary<string, string> config) =>
        Get(config, "delta.deletedFileRetentionDuration", TimeSpan.FromDays(7));

    public static TimeSpan LogRetention(IReadOnlyDictionary<string, string> config) =>
        Get(config, "delta.logRetentionDuration", TimeSpan.FromDays(30));

    public static int CheckpointInterval(IReadOnlyDictionary<string, string> config) =>
        config.TryGetValue("delta.checkpointInterval", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 10;

    public static TimeSpan Get(IReadOnlyDictionary<string, string> config, string key, TimeSpan fallback) =>
        config.TryGetValue(key, out var v) ? ParseInterval(v, key) : fallback;

    /// <summary>Parses "interval 7 days", "interval 1 week", "168 hours", "30 days" (case-insensitive).</summary>
    public static TimeSpan ParseInterval(string text, string key)
    {
        var m = IntervalPattern().Match(text.Trim());
        if (!m.Success) throw new FormatException($"Table property {key} = '{text}' is not an interval such as 'interval 7 days'.");
        double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value.ToLowerInvariant().TrimEnd('s') switch
        {
            "millisecond" => TimeSpan.FromMilliseconds(n),
            "second" => TimeSpan.FromSeconds(n),
            "minute" => TimeSpan.FromMinutes(n),
            "hour" => TimeSpan.FromHours(n),
            "day" => TimeSpan.FromDays(n),
            "week" => TimeSpan.FromDays(7 * n),
            _ => throw new FormatException($"Table property {key} = '{text}' has an unknown unit."),
        };
    }

    [GeneratedRegex(@"^(?:interval\s+)?(\d+(?:\.\d+)?)\s*(milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$", RegexOptions.IgnoreCase)]
    private static partial Regex IntervalPattern();
}
