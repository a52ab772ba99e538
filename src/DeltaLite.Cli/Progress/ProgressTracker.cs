using System.Diagnostics;
using System.Globalization;

namespace DeltaLite.Cli.Progress;

/// <summary>
/// The counters of one piece of long work: rows done, the total when known, and a short status ("2021: inserts").
/// Thread-safe: the work updates it from any thread while a <see cref="ProgressDisplay"/> reads it.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rows;
    private long _total = -1;
    private volatile string _status = "";

    /// <summary>Rows done so far.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>The number of rows the work will do, when known.</summary>
    public long? Total
    {
        get
        {
            long t = Interlocked.Read(ref _total);
            return t < 0 ? null : t;
        }
        set => Interlocked.Exchange(ref _total, value is long v && v >= 0 ? v : -1);
    }

    /// <summary>What the work is doing now, shown next to the title.</summary>
    public string Status
    {
        get => _status;
        set => _status = value ?? "";
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Adds <paramref name="rows"/> to the rows done.</summary>
    public void Add(long rows) => Interlocked.Add(ref _rows, rows);

    /// <summary>Sets the rows done (for work that reports running totals).</summary>
    public void Set(long rows) => Interlocked.Exchange(ref _rows, rows);

    /// <summary>Average rows per second since the work started.</summary>
    public double RowsPerSecond
    {
        get
        {
            double seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? Rows / seconds : 0;
        }
    }

    /// <summary>The time left at the average rate, when the total is known and some rows are done.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            if (Total is not long total) return null;
            double rate = RowsPerSecond;
            long left = Math.Max(0, total - Rows);
            if (left == 0) return TimeSpan.Zero;
            if (rate <= 0) return null;
            double seconds = left / rate;
            return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
        }
    }

    /// <summary>"12,345 / 100,000 rows, 45,678 rows/s, ETA 0:00:02".</summary>
    public string Describe()
    {
        long rows = Rows;
        string text = Total is long total
            ? string.Create(CultureInfo.InvariantCulture, $"{rows:N0} / {total:N0} rows")
            : string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows");
        text += string.Create(CultureInfo.InvariantCulture, $", {RowsPerSecond:N0} rows/s");
        if (Remaining is TimeSpan left && Total is not null && rows < Total) text += ", ETA " + FormatDuration(left);
        return text;
    }

    public static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}
