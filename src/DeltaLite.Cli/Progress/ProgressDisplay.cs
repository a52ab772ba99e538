using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DeltaLite.Cli.Progress;

/// <summary>How a verb shows the progress of long work.</summary>
internal enum ProgressMode
{
    /// <summary>A live Spectre progress bar on a terminal (rows, rows/s, ETA when the total is known).</summary>
    Bar,

    /// <summary>Plain periodic lines on stderr (for logs, pipes and --json runs).</summary>
    Lines,

    /// <summary>Nothing (rows go to a terminal on stdout: a bar would garble them).</summary>
    None,
}

/// <summary>
/// Shows the progress of long work (generate, export, ingest): a Spectre progress bar when the output is a terminal and
/// not --json, plain lines on stderr otherwise. The work reports through a <see cref="ProgressTracker"/>.
/// <code>
/// var result = await ProgressDisplay.RunAsync("export", ProgressDisplay.Choose(json, stdoutCarriesData: out is null),
///     async tracker => { tracker.Total = n; ... tracker.Add(batch.RowCount); ... return rows; });
/// </code>
/// Plain lines come every 2 seconds (the environment variable DELTALITE_PROGRESS_INTERVAL sets another number of
/// seconds; 0 means every 50 ms), with a last line at the end when the work took at least that long (always with 0).
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>The interval of plain progress lines.</summary>
    public static TimeSpan LineInterval
    {
        get
        {
            var text = Environment.GetEnvironmentVariable("DELTALITE_PROGRESS_INTERVAL");
            if (!string.IsNullOrEmpty(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0)
                return TimeSpan.FromSeconds(s);
            return TimeSpan.FromSeconds(2);
        }
    }

    /// <summary>
    /// The mode for a verb: lines when the output is JSON; when stdout carries the verb's data (rows), a bar on
    /// stderr if only stderr is a terminal, nothing if stdout is a terminal; otherwise a bar when stdout is a terminal.
    /// </summary>
    public static ProgressMode Choose(bool json, bool stdoutCarriesData = false)
    {
        if (stdoutCarriesData)
        {
            if (!Console.IsOutputRedirected) return ProgressMode.None;
            return !json && !Console.IsErrorRedirected ? ProgressMode.Bar : ProgressMode.Lines;
        }
        if (json) return ProgressMode.Lines;
        return Console.IsOutputRedirected ? ProgressMode.Lines : ProgressMode.Bar;
    }

    /// <summary>Runs <paramref name="work"/> while showing its progress under <paramref name="title"/>.</summary>
    public static async Task<T> RunAsync<T>(string title, ProgressMode mode, Func<ProgressTracker, Task<T>> work)
    {
        var tracker = new ProgressTracker();
        switch (mode)
        {
            case ProgressMode.Bar:
                return await RunBarAsync(title, tracker, work).ConfigureAwait(false);
            case ProgressMode.Lines:
                return await RunLinesAsync(title, tracker, work).ConfigureAwait(false);
            default:
                return await work(tracker).ConfigureAwait(false);
        }
    }

    private static async Task<T> RunLinesAsync<T>(string title, ProgressTracker tracker, Func<ProgressTracker, Task<T>> work)
    {
        var interval = LineInterval;
        var delay = interval < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : interval;
        using var stop = new CancellationTokenSource();
        var printer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(delay, stop.Token).ConfigureAwait(false);
                    Console.Error.WriteLine(Line(title, tracker));
                }
            }
            catch (OperationCanceledException)
            {
                // the work ended
            }
        });
        try
        {
            var result = await work(tracker).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await printer.ConfigureAwait(false);
            if (tracker.Elapsed >= interval)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{title}: done, {tracker.Rows:N0} rows in {tracker.Elapsed.TotalSeconds:0.0} s ({tracker.RowsPerSecond:N0} rows/s)"));
            }
            return result;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await printer.ConfigureAwait(false);
        }
    }

    private static string Line(string title, ProgressTracker tracker) =>
        tracker.Status.Length > 0 ? $"{title} ({tracker.Status}): {tracker.Describe()}" : $"{title}: {tracker.Describe()}";

    private static async Task<T> RunBarAsync<T>(string title, ProgressTracker tracker, Func<ProgressTracker, Task<T>> work)
    {
        bool toStderr = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(toStderr ? Console.Error : Console.Out),
        });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RowsColumn(tracker), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), autoStart: true, maxValue: 1);
                Update(task, title, tracker);
                // On the thread pool: work that runs synchronously for a while must not hold up the display's updates.
                var running = Task.Run(() => work(tracker));
                while (!running.IsCompleted)
                {
                    await Task.WhenAny(running, Task.Delay(100)).ConfigureAwait(false);
                    Update(task, title, tracker);
                    ctx.Refresh();
                }
                var result = await running.ConfigureAwait(false);
                if (tracker.Total is null) tracker.Total = tracker.Rows;
                Update(task, title, tracker);
                task.StopTask();
                ctx.Refresh();
                return result;
            }).ConfigureAwait(false);
    }

    private static void Update(ProgressTask task, string title, ProgressTracker tracker)
    {
        task.Description = Markup.Escape(tracker.Status.Length > 0 ? $"{title} ({tracker.Status})" : title);
        if (tracker.Total is long total)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, total);
            task.Value = Math.Min(tracker.Rows, task.MaxValue);
        }
        else
        {
            task.IsIndeterminate = true;
        }
    }

    /// <summary>Rows, rows/s and ETA, from the tracker.</summary>
    private sealed class RowsColumn(ProgressTracker tracker) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(tracker.Describe(), new Style(Color.Grey));
    }
}
