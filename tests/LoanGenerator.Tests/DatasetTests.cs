namespace DeltaLite.LoanGenerator.Tests;

/// <summary>The committed sample in datasets/ is exactly what the tool makes with seed 42.</summary>
public sealed class DatasetTests
{
    [Fact]
    public void Committed_datasets_are_reproduced_byte_for_byte()
    {
        var datasets = Path.Combine(RepositoryRoot(), "datasets");
        using var dir = new TempFolder();
        Runs.Csv(dir.Path, 2020, 1000, seed: 42);
        Runs.Csv(dir.Path, 2021, 1000, seed: 42);
        foreach (var name in new[] { "loans_2020.csv", "loans_2021.csv" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(datasets, name)).AsSpan().SequenceEqual(File.ReadAllBytes(dir.File(name))), $"datasets/{name} differs from a fresh run");
            Assert.True(new FileInfo(Path.Combine(datasets, name)).Length < 1_000_000);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeltaLite.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("DeltaLite.sln not found above " + AppContext.BaseDirectory);
    }
}
