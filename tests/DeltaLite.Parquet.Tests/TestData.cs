namespace DeltaLite.Parquet.Tests;

/// <summary>Locates test inputs that live outside the repository.</summary>
internal static class TestData
{
    /// <summary>
    /// The shared conformance folder: $DELTALITE_CONFORMANCE if set, else the first `shared/conformance`
    /// found beside the repository or any folder above it. Fails (never skips) when it cannot be found.
    /// </summary>
    public static string ConformanceRoot => s_conformance.Value;

    private static readonly Lazy<string> s_conformance = new(() =>
    {
        var env = Environment.GetEnvironmentVariable("DELTALITE_CONFORMANCE");
        if (!string.IsNullOrEmpty(env))
        {
            if (Directory.Exists(env)) return Path.GetFullPath(env);
            throw new DirectoryNotFoundException($"DELTALITE_CONFORMANCE points to '{env}', which does not exist.");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            "The conformance tables were not found: expected a 'shared/conformance' folder beside the repository " +
            "(or set DELTALITE_CONFORMANCE).");
    });

    /// <summary>Every .parquet file under the conformance folder, as paths relative to it, sorted.</summary>
    public static IEnumerable<string> ConformanceParquetFiles() =>
        Directory.EnumerateFiles(ConformanceRoot, "*.parquet", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(ConformanceRoot, p))
            .Order(StringComparer.Ordinal);
}
