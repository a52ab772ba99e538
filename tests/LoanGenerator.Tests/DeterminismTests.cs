namespace DeltaLite.LoanGenerator.Tests;

public sealed class DeterminismTests
{
    private static (byte[] Y2020, byte[] Y2021) Generate(int seed)
    {
        using var dir = new TempFolder();
        Runs.Csv(dir.Path, 2020, 800, seed);
        Runs.Csv(dir.Path, 2021, 800, seed);
        return (File.ReadAllBytes(dir.File("loans_2020.csv")), File.ReadAllBytes(dir.File("loans_2021.csv")));
    }

    [Fact]
    public void Same_seed_and_runs_give_byte_identical_csv()
    {
        var a = Generate(7);
        var b = Generate(7);
        Assert.Equal(a.Y2020, b.Y2020);
        Assert.Equal(a.Y2021, b.Y2021);
        Assert.True(a.Y2021.Length > a.Y2020.Length, "2021 holds new loans and updated 2020 loans");
    }

    [Fact]
    public void Different_seeds_give_different_rows()
    {
        var a = Generate(7);
        var b = Generate(8);
        Assert.NotEqual(a.Y2020, b.Y2020);
        Assert.NotEqual(a.Y2021, b.Y2021);
    }

    [Fact]
    public void Sqlite_content_is_identical_for_the_same_seed()
    {
        using var dir = new TempFolder();
        foreach (var name in new[] { "a.db", "b.db" })
        {
            Runs.Sqlite(dir.File(name), 2020, 500, 11);
            Runs.Sqlite(dir.File(name), 2021, 500, 11);
        }
        Assert.Equal(Dump(dir.File("a.db")), Dump(dir.File("b.db")));
    }

    [Fact]
    public void Sqlite_and_csv_hold_the_same_loans_for_the_same_seed()
    {
        using var dir = new TempFolder();
        Runs.Sqlite(dir.File("l.db"), 2020, 300, 5);
        Runs.Sqlite(dir.File("l.db"), 2021, 300, 5);
        Runs.Csv(dir.File("csv"), 2020, 300, 5);
        Runs.Csv(dir.File("csv"), 2021, 300, 5);
        var fromCsv = Runs.ReadCsv(Path.Combine(dir.File("csv"), "loans_2020.csv"))
            .Concat(Runs.ReadCsv(Path.Combine(dir.File("csv"), "loans_2021.csv")))
            .GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.Last());
        var fromDb = SqliteRows.All(dir.File("l.db")).ToDictionary(l => l.Id);
        Assert.Equal(fromCsv.Keys.Order(), fromDb.Keys.Order());
        foreach (var (id, loan) in fromDb)
        {
            Assert.Equal(LoanAssert.Describe(fromCsv[id]), LoanAssert.Describe(loan));
        }
    }

    private static string Dump(string db) => string.Join("\n", SqliteRows.All(db).Select(LoanAssert.Describe));
}
