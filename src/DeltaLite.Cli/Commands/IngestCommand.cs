using System.CommandLine;
using System.Globalization;
using DeltaLite.Cli.Progress;
using DeltaLite.Ingest;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite ingest`: load the source rows past the table's watermark as one new version.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var table = new Argument<string?>("table") { Description = "The Delta table to load into (created by the first run). Optional with --job when the job names it.", Arity = ArgumentArity.ZeroOrOne };
        var job = new Option<string?>("--job") { Description = "A JSON job file holding the same settings as the flags (flags given too override it)." };
        var source = new Option<string?>("--source") { Description = "sqlite, postgres, sqlserver or csv." };
        var connection = new Option<string?>("--connection") { Description = "ADO.NET connection string of a SQL source ('env:NAME' reads it from an environment variable). Passwords are never printed or stored." };
        var connectionEnv = new Option<string?>("--connection-env") { Description = "Name of an environment variable holding the connection string (keeps secrets out of job files and shell history)." };
        var sourceTable = new Option<string?>("--source-table") { Description = "The source table (schema.table allowed)." };
        var query = new Option<string?>("--query") { Description = "A query instead of a table; the watermark filter applies to its columns." };
        var path = new Option<string?>("--path") { Description = "CSV: a file, a folder, or a glob such as 'in/loans_*.csv.gz'." };
        var watermark = new Option<string?>("--watermark") { Description = "The column whose values only grow (timestamp, date, integer, rowversion): rows past the stored mark are loaded." };
        var keys = new Option<string?>("--key") { Description = "Key columns for --mode merge, comma-separated." };
        var mode = new Option<string?>("--mode") { Description = "append (default), merge (upsert by --key: catches updated rows) or overwrite (full reload)." };
        var partitionBy = new Option<string?>("--partition-by") { Description = "Partition columns when the first run creates the table, comma-separated." };
        var mergeSchema = new Option<bool>("--merge-schema") { Description = "Add new nullable source columns to the table instead of failing." };
        var lookback = new Option<string?>("--lookback") { Description = "Merge mode: also re-read rows this far before the watermark (e.g. 15m, 2h, 1d), for late commits with older timestamps." };
        var sourceId = new Option<string?>("--source-id") { Description = "The name of this source's state in the table (default: source kind and table)." };
        var schemaFile = new Option<string?>("--schema-file") { Description = "CSV: a schema file (Delta schema JSON, or lines 'name type [not null]'); default: inferred from the first file." };
        var culture = new Option<string?>("--culture") { Description = "CSV: culture for numbers and dates (default: invariant), e.g. de-DE." };
        var delimiter = new Option<string?>("--delimiter") { Description = "CSV: the field delimiter (default ,)." };
        var badRows = new Option<string?>("--bad-rows") { Description = "CSV: fail (default: stop naming file, line and column) or quarantine (write bad rows with the reason to a rejects file)." };
        var rejects = new Option<string?>("--rejects") { Description = "CSV quarantine: the rejects file (default: rejects-<time>.csv in the current folder)." };
        var property = new Option<string[]>("--property") { Description = "A table property for a table the first run creates, key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say how many rows are past the watermark and what would be written; write nothing." };
        var commitWhenEmpty = new Option<bool>("--commit-when-empty") { Description = "Commit an empty version when there are no new rows." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Rows per batch handed to the writer (default 65536)." };
        var json = TableOptions.Json("Print the run's summary as JSON.");
        var cmd = new Command("ingest", """
            Load the rows of a SQL table, a query or CSV files that are past the table's stored watermark, and commit them
            with the new watermark as one new table version: exactly once, whatever happens. The first run creates the
            table from the source's schema. A run with nothing new commits nothing.

            Examples:
              deltalite ingest /data/loans --source sqlite --connection "Data Source=loans.db" --source-table loans \
                --watermark updated_at --key id --mode merge
              deltalite ingest /data/loans --source postgres --connection-env LOANS_PG --source-table public.loans \
                --watermark updated_at --key id --mode merge --partition-by issue_year
              deltalite ingest /data/events --source csv --path "drop/events_*.csv.gz" --schema-file events.schema --bad-rows quarantine
              deltalite ingest --job loans.job.json --dry-run
            """)
        {
            table, job, source, connection, connectionEnv, sourceTable, query, path, watermark, keys, mode, partitionBy, mergeSchema, lookback,
            sourceId, schemaFile, culture, delimiter, badRows, rejects, property, dryRun, commitWhenEmpty, batchSize, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            var spec = parse.GetValue(job) is { } file ? IngestJob.Load(file) : new IngestJob();
            static IReadOnlyList<string> List(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parse.GetValue(table) is { } t) spec = spec with { Target = t };
            if (parse.GetValue(source) is { } s) spec = spec with { Source = ParseSource(s) };
            if (parse.GetValue(connection) is { } c) spec = spec with { Connection = c };
            if (parse.GetValue(connectionEnv) is { } ce) spec = spec with { ConnectionEnv = ce };
            if (parse.GetValue(sourceTable) is { } st) spec = spec with { Table = st };
            if (parse.GetValue(query) is { } q) spec = spec with { Query = q };
            if (parse.GetValue(path) is { } p) spec = spec with { Path = p };
            if (parse.GetValue(watermark) is { } w) spec = spec with { WatermarkColumn = w };
            if (parse.GetValue(keys) is { } k) spec = spec with { KeyColumns = List(k) };
            if (parse.GetValue(mode) is { } m) spec = spec with { Mode = ParseMode(m) };
            if (parse.GetValue(partitionBy) is { } pb) spec = spec with { PartitionBy = List(pb) };
            if (parse.GetValue(mergeSchema)) spec = spec with { MergeSchema = true };
            if (parse.GetValue(lookback) is { } lb) spec = spec with { Lookback = ParseDuration(lb) };
            if (parse.GetValue(sourceId) is { } sid) spec = spec with { SourceId = sid };
            if (parse.GetValue(schemaFile) is { } sf) spec = spec with { SchemaFile = sf };
            if (parse.GetValue(culture) is { } cu) spec = spec with { Culture = cu };
            if (parse.GetValue(delimiter) is { } d) spec = spec with { Delimiter = d };
            if (parse.GetValue(badRows) is { } br) spec = spec with { BadRows = br.ToLowerInvariant() switch { "fail" => BadRowPolicy.Fail, "quarantine" => BadRowPolicy.Quarantine, _ => throw new UserException($"--bad-rows must be fail or quarantine, not '{br}'.") } };
            if (parse.GetValue(rejects) is { } rj) spec = spec with { RejectsPath = rj };
            if (parse.GetValue(property) is { Length: > 0 } props)
            {
                var map = new Dictionary<string, string>(spec.TableProperties, StringComparer.Ordinal);
                foreach (var kv in props)
                {
                    int eq = kv.IndexOf('=');
                    if (eq <= 0) throw new UserException($"--property takes key=value, not '{kv}'.");
                    map[kv[..eq].Trim()] = kv[(eq + 1)..].Trim();
                }
                spec = spec with { TableProperties = map };
            }
            if (parse.GetValue(dryRun)) spec = spec with { DryRun = true };
            if (parse.GetValue(commitWhenEmpty)) spec = spec with { CommitWhenEmpty = true };
            if (parse.GetValue(batchSize) is int bs) spec = spec with { BatchSize = bs };
            if (GlobalOptions.StorageOptions.Count > 0)
            {
                var merged = new Dictionary<string, string>(spec.StorageOptions, StringComparer.OrdinalIgnoreCase);
                foreach (var kv in GlobalOptions.StorageOptions) merged[kv.Key] = kv.Value;
                spec = spec with { StorageOptions = merged };
            }
            bool asJson = parse.GetValue(json);

            var result = await ProgressDisplay.RunAsync("ingest", ProgressDisplay.Choose(asJson), tracker =>
                IngestRunner.RunAsync(spec, new SyncProgress(pr =>
                {
                    tracker.Set(pr.RowsRead);
                    tracker.Status = pr.CurrentFile is null ? pr.Phase : $"{pr.Phase} {pr.CurrentFile}";
                }), ct));
            if (asJson)
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("outcome", result.Outcome.ToString());
                    w.WriteString("sourceId", result.SourceId);
                    w.WriteString("source", result.Source);
                    w.WriteString("target", result.Target);
                    if (result.Version is long v) w.WriteNumber("version", v); else w.WriteNull("version");
                    w.WriteNumber("rowsRead", result.RowsRead);
                    w.WriteNumber("rowsInserted", result.RowsInserted);
                    w.WriteNumber("rowsUpdated", result.RowsUpdated);
                    w.StringOrNull("watermarkColumn", result.WatermarkColumn);
                    w.StringOrNull("watermarkFrom", result.WatermarkFrom);
                    w.StringOrNull("watermarkTo", result.WatermarkTo);
                    w.WriteNumber("seconds", Math.Round(result.Duration.TotalSeconds, 3));
                    w.WriteStartArray("filesLoaded");
                    foreach (var f in result.FilesLoaded) w.WriteStringValue(f);
                    w.WriteEndArray();
                    w.WriteStartArray("modifiedFiles");
                    foreach (var f in result.ModifiedFiles) w.WriteStringValue(f);
                    w.WriteEndArray();
                    w.WriteNumber("rejectedRows", result.RejectedRows);
                    w.StringOrNull("rejectsFile", result.RejectsFile);
                    w.WriteNumber("nullWatermarkRows", result.NullWatermarkRows);
                    w.StringOrNull("message", result.Message);
                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }
            Console.WriteLine(Summary(result));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Summary(IngestResult r)
    {
        var lines = new List<string>();
        string mark = r.WatermarkColumn is null ? "" : $"; watermark {r.WatermarkColumn}: {r.WatermarkFrom ?? "(start)"} -> {r.WatermarkTo ?? "(none)"}";
        switch (r.Outcome)
        {
            case IngestOutcome.Committed:
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"committed version {r.Version} to {r.Target}: {r.RowsRead:N0} rows read, {r.RowsInserted:N0} inserted, {r.RowsUpdated:N0} updated{mark} ({r.Duration.TotalSeconds:0.00} s)"));
                break;
            case IngestOutcome.NoNewRows:
                lines.Add($"nothing to load from {r.Source}: {r.Message}{mark}; table version stays {(r.Version is long v ? v.ToString(CultureInfo.InvariantCulture) : "(none)")}");
                break;
            case IngestOutcome.DryRun:
                lines.Add($"dry run: {r.Message}{mark}");
                break;
            default:
                lines.Add($"{r.Message}");
                break;
        }
        if (r.FilesLoaded.Count > 0 && r.Outcome != IngestOutcome.DryRun) lines.Add($"files loaded: {string.Join(", ", r.FilesLoaded)}");
        if (r.RejectedRows > 0) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{r.RejectedRows:N0} bad rows quarantined in {r.RejectsFile}"));
        if (r.NullWatermarkRows > 0) lines.Add(string.Create(CultureInfo.InvariantCulture, $"note: {r.NullWatermarkRows:N0} source rows have a NULL {r.WatermarkColumn}; only a first run or --mode overwrite loads them"));
        if (r.ModifiedFiles.Count > 0 && r.Outcome == IngestOutcome.Committed) lines.Add($"warning: {r.Message}");
        return string.Join(Environment.NewLine, lines);
    }

    private static SourceKind ParseSource(string s) => s.ToLowerInvariant() switch
    {
        "sqlite" => SourceKind.Sqlite,
        "postgres" or "postgresql" or "pg" => SourceKind.Postgres,
        "sqlserver" or "mssql" or "azuresql" => SourceKind.SqlServer,
        "csv" => SourceKind.Csv,
        _ => throw new UserException($"--source must be sqlite, postgres, sqlserver or csv, not '{s}'."),
    };

    private static IngestMode ParseMode(string s) => s.ToLowerInvariant() switch
    {
        "append" => IngestMode.Append,
        "merge" or "upsert" => IngestMode.Merge,
        "overwrite" or "full" or "reload" => IngestMode.Overwrite,
        _ => throw new UserException($"--mode must be append, merge or overwrite, not '{s}'."),
    };

    internal static TimeSpan ParseDuration(string s)
    {
        s = s.Trim();
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts) && s.Contains(':')) return ts;
        if (s.Length >= 2 && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            return char.ToLowerInvariant(s[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => throw new UserException($"'{s}' is not a duration (use e.g. 30s, 15m, 2h, 1d or hh:mm:ss)."),
            };
        }
        throw new UserException($"'{s}' is not a duration (use e.g. 30s, 15m, 2h, 1d or hh:mm:ss).");
    }

    private sealed class SyncProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
