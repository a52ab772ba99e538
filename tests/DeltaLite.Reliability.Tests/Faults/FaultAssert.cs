namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>What every failure of a run under a fault must look like.</summary>
internal static class FaultAssert
{
    /// <summary>
    /// The run's stderr ends in one "error: ..." line (progress lines may come before it), with no stack trace and
    /// none of <paramref name="secrets"/> anywhere.
    /// </summary>
    public static string ClearOneLineError(string stderr, IEnumerable<string> secrets)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0, "the run failed without a word on stderr");
        var errors = lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line, got:\n{stderr}");
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        foreach (var secret in secrets)
            Assert.False(stderr.Contains(secret, StringComparison.OrdinalIgnoreCase), $"stderr shows a secret ('{secret[..Math.Min(4, secret.Length)]}...'):\n{stderr}");
        return errors[0];
    }
}
