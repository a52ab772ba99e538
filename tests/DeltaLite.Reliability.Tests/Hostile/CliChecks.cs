using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>Checks on CLI runs that may print progress lines on stderr before failing.</summary>
internal static class CliChecks
{
    /// <summary>
    /// A user error: exit code 1 (never 3, "unexpected"), a last stderr line "error: ..." holding
    /// <paramref name="fragment"/>, and no stack trace. Progress lines before it are allowed.
    /// </summary>
    public static CliResult FailsClearly(this CliResult run, string fragment)
    {
        run.Expect(1);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0 && lines[^1].StartsWith("error: ", StringComparison.Ordinal), $"`{run.CommandLine}`: no error line last:\n{run.Stderr}");
        Assert.True(lines[^1].Contains(fragment, StringComparison.OrdinalIgnoreCase), $"`{run.CommandLine}`: the error does not name '{fragment}':\n{lines[^1]}");
        Assert.DoesNotContain("   at ", run.Stderr);
        return run;
    }
}
