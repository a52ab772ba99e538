using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// CSV files in a folder. Rows cannot be updated in place, so a year's file holds that year's updated versions of
/// earlier loans (ascending id) followed by its new loans (ascending id); the current version of a loan is its last
/// occurrence across the files in run order. The run order, last year and largest id are kept per table in
/// <c>.loangen-state.json</c> next to the files. Files are written under a ".tmp" name and renamed, and the state
/// file replaced, only when the whole run succeeded.
/// </summary>
internal sealed class CsvLoanTarget : ILoanTarget
{
    public const string StateFileName = ".loangen-state.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly string _directory;
    private readonly string _table;
    private readonly CsvLayout _layout;
    private readonly int _firstYear;
    private readonly int _lastYear;
    private readonly List<string> _committed = [];
    private readonly List<string> _written = [];
    private CsvStateFile _state = new();
    private CsvLoanWriter? _runWriter;
    private bool _completed;

    public CsvLoanTarget(string directory, string table, CsvLayout layout, int firstYear, int lastYear)
    {
        _directory = Path.GetFullPath(directory);
        _table = table;
        _layout = layout;
        _firstYear = firstYear;
        _lastYear = lastYear;
    }

    /// <summary>The file name one year (per-year) or the run (per-run) is written to.</summary>
    internal static string FileName(string table, CsvLayout layout, int year, int firstYear, int lastYear) =>
        layout == CsvLayout.PerRun && firstYear != lastYear ? $"{table}_{firstYear}-{lastYear}.csv" : $"{table}_{year}.csv";

    public Task<TargetState> OpenAsync(CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(_directory);
            var statePath = Path.Combine(_directory, StateFileName);
            if (File.Exists(statePath))
            {
                _state = JsonSerializer.Deserialize<CsvStateFile>(File.ReadAllText(statePath), JsonOptions)
                    ?? throw new LoanGeneratorException($"{statePath} is empty");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new LoanGeneratorException($"cannot use CSV folder '{_directory}': {SqliteLoanTarget.OneLine(e.Message)}");
        }

        TargetState result = new(null, 0);
        if (_state.Tables.TryGetValue(_table, out var table))
        {
            foreach (var file in table.Files)
            {
                var path = Path.Combine(_directory, file);
                if (!File.Exists(path))
                {
                    throw new LoanGeneratorException($"{path} is listed in {StateFileName} but missing");
                }
                _committed.Add(path);
            }
            result = new TargetState(table.LastYear, table.MaxId);
        }
        if (result.LastYear is null || _firstYear > result.LastYear)
        {
            for (var year = _firstYear; year <= _lastYear; year++)
            {
                var path = Path.Combine(_directory, FileName(_table, _layout, year, _firstYear, _lastYear));
                if (File.Exists(path))
                {
                    throw new LoanGeneratorException($"{path} already exists and is not recorded in {StateFileName}; use an empty folder");
                }
            }
        }
        return Task.FromResult(result);
    }

    public async IAsyncEnumerable<LoanRecord> ReadOpenLoansAsync([EnumeratorCancellation] CancellationToken ct)
    {
        _runWriter?.Flush();
        var open = new Dictionary<long, LoanRecord>();
        foreach (var path in _committed.Concat(_written.Select(TempPath)).Distinct())
        {
            foreach (var loan in CsvLoanReader.Read(path))
            {
                if (loan.Status.IsOpen())
                {
                    open[loan.Id] = loan;
                }
                else
                {
                    open.Remove(loan.Id);
                }
            }
            ct.ThrowIfCancellationRequested();
        }
        foreach (var id in open.Keys.Order())
        {
            yield return open[id];
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<long> WriteYearAsync(int year, IReadOnlyList<LoanRecord> updates, IEnumerable<LoanRecord> newLoans, CancellationToken ct)
    {
        var path = Path.Combine(_directory, FileName(_table, _layout, year, _firstYear, _lastYear));
        var writer = _runWriter;
        var ownWriter = writer is null;
        if (writer is null)
        {
            writer = new CsvLoanWriter(new FileStream(TempPath(path), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));
            writer.WriteHeader();
            _written.Add(path);
            if (_layout == CsvLayout.PerRun)
            {
                _runWriter = writer;
                ownWriter = false;
            }
        }
        long inserted = 0;
        try
        {
            foreach (var loan in updates)
            {
                writer.Write(loan);
            }
            foreach (var loan in newLoans)
            {
                writer.Write(loan);
                inserted++;
            }
            writer.Flush();
        }
        finally
        {
            if (ownWriter)
            {
                writer.Dispose();
            }
        }
        return Task.FromResult(inserted);
    }

    public Task CompleteAsync(int lastYear, long maxId, CancellationToken ct)
    {
        _runWriter?.Dispose();
        _runWriter = null;
        foreach (var path in _written)
        {
            File.Move(TempPath(path), path, overwrite: false);
        }
        var table = _state.Tables.TryGetValue(_table, out var existing) ? existing : new CsvTableState();
        table.LastYear = lastYear;
        table.MaxId = maxId;
        table.Files.AddRange(_written.Select(Path.GetFileName).OfType<string>());
        _state.Tables[_table] = table;
        var statePath = Path.Combine(_directory, StateFileName);
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(_state, JsonOptions) + "\n");
        File.Move(statePath + ".tmp", statePath, overwrite: true);
        _completed = true;
        return Task.CompletedTask;
    }

    private static string TempPath(string path) => path + ".tmp";

    public ValueTask DisposeAsync()
    {
        _runWriter?.Dispose();
        _runWriter = null;
        if (!_completed)
        {
            foreach (var path in _written)
            {
                File.Delete(TempPath(path));
            }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The content of <c>.loangen-state.json</c>.</summary>
internal sealed class CsvStateFile
{
    public int Version { get; set; } = 1;

    public Dictionary<string, CsvTableState> Tables { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What the CSV target remembers of one table.</summary>
internal sealed class CsvTableState
{
    public int? LastYear { get; set; }

    public long MaxId { get; set; }

    /// <summary>The table's files in the order they were written.</summary>
    public List<string> Files { get; set; } = [];
}
