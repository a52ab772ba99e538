using System.Diagnostics;
using CliRunner = DeltaLite.Cli.Tests.Cli;

namespace DeltaLite.Reliability.Tests.Support;

/// <summary>How a killable CLI run ended.</summary>
/// <param name="FaultPoint">The fault point the process announced before killing itself, or null.</param>
/// <param name="KilledByTest">True when the test sent SIGKILL while the process still ran.</param>
internal sealed record KilledRun(int ExitCode, string Stdout, string Stderr, string? FaultPoint, bool KilledByTest, TimeSpan Elapsed)
{
    /// <summary>True when the process died by SIGKILL (its own fault point or the test's), not by finishing.</summary>
    public bool Killed => FaultPoint is not null || KilledByTest;

    public string Describe() =>
        FaultPoint is not null ? $"killed itself at {FaultPoint} after {Elapsed.TotalMilliseconds:F0} ms"
        : KilledByTest ? $"SIGKILLed by the test after {Elapsed.TotalMilliseconds:F0} ms"
        : $"finished (exit {ExitCode}) after {Elapsed.TotalMilliseconds:F0} ms, before the kill";
}

/// <summary>
/// Runs the built CLI (the DLL the linked <see cref="CliRunner"/> finds) as a separate process that can be SIGKILLed: at a
/// delay chosen by the test, or by itself at a named fault point (<c>DELTALITE_FAULT_POINT</c>, see
/// src/DeltaLite/Diagnostics/FaultPoints.cs).
/// </summary>
internal static class KillableCli
{
    public const string FaultVariable = "DELTALITE_FAULT_POINT";

    /// <summary>A hang guard: no run of the crash suite takes anywhere near this long.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs <c>deltalite args</c>; with <paramref name="faultPoint"/> armed the process is expected to kill itself there;
    /// with <paramref name="killAfter"/> the test kills it then (if it still runs).
    /// </summary>
    public static async Task<KilledRun> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string? faultPoint, TimeSpan? killAfter)
    {
        var psi = CliRunner.StartInfo(args, environment, null);
        if (!environment.ContainsKey(FaultVariable)) psi.Environment.Remove(FaultVariable);
        if (faultPoint is not null) psi.Environment[FaultVariable] = faultPoint;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool killedByTest = false;
        using (var guard = new CancellationTokenSource(HangGuard))
        {
            var exited = process.WaitForExitAsync(guard.Token);
            if (killAfter is TimeSpan delay)
            {
                var timer = Task.Delay(delay);
                if (await Task.WhenAny(exited, timer) == timer && !process.HasExited)
                {
                    KillNow(process);
                    killedByTest = true;
                }
            }
            try
            {
                await exited;
            }
            catch (OperationCanceledException)
            {
                KillNow(process);
                await process.WaitForExitAsync();
                Assert.Fail($"`deltalite {string.Join(' ', args)}` (fault point {faultPoint ?? "none"}) did not finish within {HangGuard.TotalMinutes} minutes.\nstderr:\n{await stderr}");
            }
        }
        process.WaitForExit();
        var elapsed = clock.Elapsed;
        string err = await stderr;
        const string marker = "deltalite-fault: reached ";
        string? reached = null;
        int at = err.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            int end = err.IndexOf(" (hit ", at, StringComparison.Ordinal);
            reached = end > at ? err[(at + marker.Length)..end] : err[(at + marker.Length)..].Trim();
        }
        return new KilledRun(process.ExitCode, await stdout, err, reached, killedByTest && reached is null, elapsed);
    }

    private static void KillNow(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }
}
