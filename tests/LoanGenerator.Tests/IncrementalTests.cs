namespace DeltaLite.LoanGenerator.Tests;

/// <summary>A later year updates only existing loans, never duplicates, and moves updated_at forward.</summary>
public sealed class IncrementalTests
{
    [Fact]
    public void Sqlite_2021_after_2020_updates_existing_loans_and_appends_new_ones()
    {
        using var dir = new TempFolder();
        var db = dir.File("loans.db");
        Runs.Sqlite(db, 2020, 1500);
        var before = SqliteRows.All(db).ToDictionary(l => l.Id);
        var result = Runs.Sqlite(db, 2021, 1000);
        var after = SqliteRows.All(db);

        Assert.Equal(2500, after.Count);
        Assert.Equal(after.Count, after.Select(l => l.Id).Distinct().Count());
        var year = Assert.Single(result.Years);
        Assert.Equal(1000, year.Inserted);
        Assert.Equal(before.Keys.Max() + 1, year.FirstId);

        var updated = after.Where(l => before.TryGetValue(l.Id, out var old) && LoanAssert.Describe(old) != LoanAssert.Describe(l)).ToList();
        Assert.Equal(year.Updated, updated.Count);
        Assert.InRange(updated.Count, 300, 600); // about 30% of 1,500 open loans
        foreach (var loan in updated)
        {
            var old = before[loan.Id];
            Assert.True(loan.UpdatedAt > old.UpdatedAt);
            Assert.Equal(2021, loan.UpdatedAt.Year);
            Assert.Equal(old.CreatedAt, loan.CreatedAt);
            Assert.Equal(old.MemberId, loan.MemberId);
            Assert.True(LoanStatuses.IsLegalTransition(old.Status, loan.Status));
        }
        foreach (var loan in after.Where(l => !before.ContainsKey(l.Id)))
        {
            Assert.Equal(2021, loan.IssueD.Year);
            Assert.Equal(LoanStatus.Current, loan.Status);
            Assert.Equal(loan.CreatedAt, loan.UpdatedAt);
        }
        foreach (var loan in after.Where(l => before.ContainsKey(l.Id) && !updated.Contains(l)))
        {
            Assert.Equal(2020, loan.UpdatedAt.Year);
        }
    }

    [Fact]
    public void Csv_2021_after_2020_holds_updated_versions_then_new_loans()
    {
        using var dir = new TempFolder();
        Runs.Csv(dir.Path, 2020, 1500);
        var result = Runs.Csv(dir.Path, 2021, 1000);
        var y2020 = Runs.ReadCsv(dir.File("loans_2020.csv")).ToDictionary(l => l.Id);
        var y2021 = Runs.ReadCsv(dir.File("loans_2021.csv"));

        Assert.Equal(1500, y2020.Count);
        Assert.Equal(y2021.Count, y2021.Select(l => l.Id).Distinct().Count());
        Assert.Equal(result.Years[0].Updated + 1000, y2021.Count);
        var ids = y2021.Select(l => l.Id).ToList();
        Assert.Equal(ids.Order(), ids);

        var updates = y2021.Where(l => y2020.ContainsKey(l.Id)).ToList();
        var news = y2021.Where(l => !y2020.ContainsKey(l.Id)).ToList();
        Assert.Equal(1000, news.Count);
        Assert.True(news.Min(l => l.Id) > y2020.Keys.Max());
        Assert.InRange(updates.Count, 300, 600);
        foreach (var loan in updates)
        {
            Assert.True(loan.UpdatedAt > y2020[loan.Id].UpdatedAt);
            Assert.Equal(y2020[loan.Id].CreatedAt, loan.CreatedAt);
        }
    }

    [Fact]
    public void A_multi_year_run_equals_the_same_years_run_one_by_one()
    {
        using var dir = new TempFolder();
        Runs.Csv(Path.Combine(dir.Path, "one"), 2020, 400, through: 2022);
        Runs.Csv(Path.Combine(dir.Path, "split"), 2020, 400);
        Runs.Csv(Path.Combine(dir.Path, "split"), 2021, 400);
        Runs.Csv(Path.Combine(dir.Path, "split"), 2022, 400);
        foreach (var year in new[] { 2020, 2021, 2022 })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "split", $"loans_{year}.csv")), File.ReadAllBytes(Path.Combine(dir.Path, "one", $"loans_{year}.csv")));
        }
    }

    [Fact]
    public void Per_run_layout_puts_every_year_of_the_run_in_one_file()
    {
        using var dir = new TempFolder();
        Runs.Csv(dir.Path, 2020, 300, layout: CsvLayout.PerRun, through: 2021);
        Runs.Csv(dir.Path, 2022, 300, layout: CsvLayout.PerRun);
        var files = Directory.GetFiles(dir.Path, "*.csv").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["loans_2020-2021.csv", "loans_2022.csv"], files);
        var run1 = Runs.ReadCsv(dir.File("loans_2020-2021.csv"));
        Assert.Equal(600 + run1.Count(l => l.IssueD.Year == 2020 && l.UpdatedAt.Year == 2021), run1.Count);
        var all = run1.Concat(Runs.ReadCsv(dir.File("loans_2022.csv"))).GroupBy(l => l.Id).Select(g => g.Last()).ToList();
        Assert.Equal(900, all.Count);
    }

    [Fact]
    public void Same_or_earlier_year_is_refused_and_leaves_the_target_unchanged()
    {
        using var dir = new TempFolder();
        var db = dir.File("loans.db");
        Runs.Sqlite(db, 2020, 200);
        Runs.Sqlite(db, 2021, 200);
        var before = SqliteRows.All(db).Select(LoanAssert.Describe).ToList();
        foreach (var year in new[] { 2021, 2019 })
        {
            var e = Assert.Throws<LoanGeneratorException>(() => Runs.Sqlite(db, year, 200));
            Assert.Contains("not after the last generated year 2021", e.Message);
        }
        Assert.Equal(before, SqliteRows.All(db).Select(LoanAssert.Describe).ToList());

        Runs.Csv(dir.File("csv"), 2020, 100);
        Assert.Throws<LoanGeneratorException>(() => Runs.Csv(dir.File("csv"), 2020, 100));
        Assert.Single(Directory.GetFiles(dir.File("csv"), "*.csv"));
    }
}
