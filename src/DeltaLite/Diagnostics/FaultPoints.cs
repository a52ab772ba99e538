using System.Diagnostics;
using System.Globalization;

namespace DeltaLite.Diagnostics;

/// <summary>
/// Named steps of multi-step writes where a crash test can kill the process (test-only). When the environment variable
/// <c>DELTALITE_FAULT_POINT</c> is <c>name</c> or <c>name:n</c>, the n-th time (default the first) the process reaches
/// that step it writes <c>deltalite-fault: reached NAME (hit N)</c> to stderr and kills itself with SIGKILL, so no
/// finally block, flush or cleanup runs, as in a power cut or an OOM kill. Unset (always, outside tests), every call
/// is one test of a static field.
/// </summary>
/// <remarks>
/// The steps (see README, "Fault points"):
/// <list type="bullet">
/// <item><c>data-before-publish</c>: a store has all bytes of a data file but has not made it visible (local: a
/// temp file not yet renamed; Azure: blocks staged, block list not committed).</item>
/// <item><c>data-file-written</c>: a data file is published, the rest of the write is not done.</item>
/// <item><c>after-data-files</c>: a writer has published all its data files; nothing is committed.</item>
/// <item><c>before-commit</c>: the commit's actions are ready; the commit file is not written.</item>
/// <item><c>log-before-publish</c>: as data-before-publish, for an object under <c>_delta_log/</c> (commit,
/// checkpoint, <c>_last_checkpoint</c>).</item>
/// <item><c>after-commit-before-checkpoint</c>: the commit is published; the checkpoint it may trigger is not written.</item>
/// <item><c>mid-checkpoint</c>: the checkpoint file is published; <c>_last_checkpoint</c> is not updated.</item>
/// <item><c>mid-vacuum</c>: vacuum has deleted one file; the others and VACUUM END are not done.</item>
/// </list>
/// </remarks>
internal static class FaultPoints
{
    /// <summary>The environment variable naming the step (and hit) to die at.</summary>
    public const string Variable = "DELTALITE_FAULT_POINT";

    private static readonly string? s_name;
    private static readonly int s_hit = 1;
    private static int s_count;

    static FaultPoints()
    {
        var spec = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(spec)) return;
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && int.TryParse(spec.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int hit) && hit > 0)
        {
            s_name = spec[..colon].Trim();
            s_hit = hit;
        }
        else
        {
            s_name = spec.Trim();
        }
    }

    /// <summary>True when a fault point is armed (callers may skip work that only names a step).</summary>
    public static bool Enabled => s_name is not null;

    /// <summary>Marks that the process reached <paramref name="name"/>; dies there when that step (and hit) is armed.</summary>
    public static void Reach(string name)
    {
        if (s_name is null || !string.Equals(name, s_name, StringComparison.Ordinal)) return;
        int hit = Interlocked.Increment(ref s_count);
        if (hit != s_hit) return;
        Console.Error.WriteLine($"deltalite-fault: reached {name} (hit {hit})");
        Console.Error.Flush();
        using var self = Process.GetCurrentProcess();
        self.Kill(); // SIGKILL on Unix
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>
    /// <see cref="Reach"/> for a store about to publish <paramref name="path"/>: <c>log-before-publish</c> under
    /// <c>_delta_log/</c>, <c>data-before-publish</c> elsewhere.
    /// </summary>
    public static void BeforePublish(string path)
    {
        if (s_name is null) return;
        Reach(path.StartsWith("_delta_log/", StringComparison.Ordinal) ? "log-before-publish" : "data-before-publish");
    }
}
