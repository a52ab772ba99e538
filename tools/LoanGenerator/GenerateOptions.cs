namespace DeltaLite.LoanGenerator;

/// <summary>Where the loans go.</summary>
public enum LoanTargetKind
{
    Sqlite,
    Postgres,
    SqlServer,
    Csv,
}

/// <summary>How a CSV target names its files.</summary>
public enum CsvLayout
{
    /// <summary>One file per simulated year: <c>&lt;table&gt;_&lt;year&gt;.csv</c>.</summary>
    PerYear,

    /// <summary>One file per run, holding every year of the run: <c>&lt;table&gt;_&lt;first&gt;-&lt;last&gt;.csv</c> (or <c>&lt;table&gt;_&lt;year&gt;.csv</c> for one year).</summary>
    PerRun,
}

/// <summary>
/// The inputs of one generator run (what <c>deltalite generate</c> and <c>loangen</c> bind their flags to).
/// A run simulates the years <see cref="Year"/> through <see cref="ThroughYear"/> one after the other.
/// </summary>
public sealed record GenerateOptions
{
    public const int DefaultLoans = 10_000;
    public const int DefaultSeed = 42;
    public const double DefaultUpdateShare = 0.3;
    public const string DefaultTable = "loans";
    public const string DefaultSqliteConnection = "Data Source=loans.db";

    /// <summary>First simulated year (<c>--year</c>); must be after the last year already in the target.</summary>
    public required int Year { get; init; }

    /// <summary>Last simulated year of the run (<c>--year 2020-2022</c>); null for a single year.</summary>
    public int? ThroughYear { get; init; }

    /// <summary>New loans issued per simulated year (<c>--loans</c>).</summary>
    public long Loans { get; init; } = DefaultLoans;

    /// <summary>Seed of every random choice (<c>--seed</c>).</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Share (0..1) of earlier open loans that change in each simulated year (<c>--update-share</c>).</summary>
    public double UpdateShare { get; init; } = DefaultUpdateShare;

    /// <summary>Table name (<c>--table</c>); for CSV the file-name prefix. "schema.table" is accepted by PostgreSQL and SQL Server.</summary>
    public string Table { get; init; } = DefaultTable;

    /// <summary>Target kind (<c>--target</c>).</summary>
    public LoanTargetKind Target { get; init; } = LoanTargetKind.Sqlite;

    /// <summary>ADO.NET connection string for database targets (<c>--connection</c>); SQLite defaults to <see cref="DefaultSqliteConnection"/>.</summary>
    public string? Connection { get; init; }

    /// <summary>Output folder of the CSV target (<c>--out</c>).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>File layout of the CSV target (<c>--csv-layout</c>).</summary>
    public CsvLayout CsvLayout { get; init; } = CsvLayout.PerYear;

    /// <summary>The last simulated year of the run.</summary>
    public int LastYear => ThroughYear ?? Year;

    /// <summary>Throws <see cref="LoanGeneratorException"/> with a one-line message when an option is out of range.</summary>
    public void Validate()
    {
        if (Year is < 1900 or > 9998)
        {
            throw new LoanGeneratorException($"--year must be between 1900 and 9998 (got {Year})");
        }
        if (ThroughYear is { } through && (through < Year || through > 9998))
        {
            throw new LoanGeneratorException($"--year range {Year}-{through} must not end before it starts");
        }
        if (Loans < 0)
        {
            throw new LoanGeneratorException($"--loans must not be negative (got {Loans})");
        }
        if (UpdateShare is < 0.0 or > 1.0 || double.IsNaN(UpdateShare))
        {
            throw new LoanGeneratorException($"--update-share must be between 0 and 1 (got {UpdateShare.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }
        TableName.Parse(Table, allowSchema: Target is LoanTargetKind.Postgres or LoanTargetKind.SqlServer);
        if (Target == LoanTargetKind.Csv && string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new LoanGeneratorException("--target csv needs --out DIR");
        }
        if (Target is LoanTargetKind.Postgres or LoanTargetKind.SqlServer && string.IsNullOrWhiteSpace(Connection))
        {
            throw new LoanGeneratorException($"--target {Target.ToString().ToLowerInvariant()} needs --connection \"...\"");
        }
    }
}

/// <summary>Progress of a run, reported per batch of inserted rows and at each phase.</summary>
/// <param name="Year">The simulated year being written.</param>
/// <param name="Phase">"updates" while earlier loans are read and advanced, "inserts" while new loans are written, "done" at the end of the year.</param>
/// <param name="Inserted">New loans written so far in this year.</param>
/// <param name="Updated">Earlier loans updated in this year.</param>
public readonly record struct GenerateProgress(int Year, string Phase, long Inserted, long Updated);

/// <summary>What one simulated year did.</summary>
public sealed record GeneratedYear(int Year, long Inserted, long Updated, long FirstId, long LastId);

/// <summary>What a run did.</summary>
public sealed record GenerateResult(IReadOnlyList<GeneratedYear> Years, TimeSpan Elapsed)
{
    public long Inserted => Years.Sum(y => y.Inserted);

    public long Updated => Years.Sum(y => y.Updated);
}
