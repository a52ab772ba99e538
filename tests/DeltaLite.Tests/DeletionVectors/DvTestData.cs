namespace DeltaLite.Tests.DeletionVectors;

/// <summary>Locates the shared conformance tables, as tests/DeltaLite.Parquet.Tests/TestData.cs does.</summary>
internal static class DvTestData
{
    /// <summary>
    /// $DELTALITE_CONFORMANCE if set, else the first `shared/conformance` beside the repository or any folder above.
    /// Fails (never skips) when it cannot be found.
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

    /// <summary>The folder of a delta-rs conformance table.</summary>
    public static string DeltaRsTable(string name) => Path.Combine(ConformanceRoot, "delta-rs", name);
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltalite-dv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
