using System.CommandLine;
using System.Globalization;
using DeltaLite.Cli.Progress;
using DeltaLite.Parquet;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite export`: the rows of any version as JSON lines, CSV or one Parquet file.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var table = TableOptions.Table();
        var version = TableOptions.Version();
        var asOf = TableOptions.AsOf();
        var columns = TableOptions.Columns();
        var where = TableOptions.Where();
        var limit = TableOptions.Limit("Export at most this many rows.");
        var format = new Option<string>("--format", "-f")
        {
            Description = "jsonl (one canonical JSON object per row), csv (RFC 4180 with a header) or parquet (one file, needs --out).",
            DefaultValueFactory = _ => "jsonl",
        };
        format.AcceptOnlyFromAmong("jsonl", "csv", "parquet");
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (replaced if it exists) instead of stdout." };
        var json = TableOptions.Json("With --out: print a JSON summary (rows, version, file) instead of a line of text.");

        var cmd = new Command("export", """
            Export the rows of a version of a table: all columns in schema order (partition columns included) or --columns.

            Examples:
              deltalite export /data/loans --format jsonl > loans.jsonl
              deltalite export /data/loans --version 3 --format csv --out loans_v3.csv
              deltalite export /data/loans --as-of "2024-05-01 12:00:00" --where "grade = 'A'" --columns id,loan_amnt
              deltalite export file:///data/loans --format parquet --out loans.parquet
            """)
        {
            table, version, asOf, columns, where, limit, format, output, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            string fmt = parse.GetValue(format)!;
            string? outPath = parse.GetValue(output);
            bool asJson = parse.GetValue(json);
            int? max = parse.GetValue(limit);
            if (max < 0) throw new UserException("--limit must not be negative.");
            if (fmt == "parquet" && outPath is null) throw new UserException("--format parquet needs --out FILE (Parquet is not written to stdout).");
            if (asJson && outPath is null) throw new UserException("--json needs --out (without it, stdout carries the rows).");

            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var snapshot = await TableOptions.SnapshotAsync(t, parse.GetValue(version), parse.GetValue(asOf), ct);
            var cols = TableOptions.ParseColumns(parse.GetValue(columns), snapshot);
            var filter = TableOptions.ParseWhere(parse.GetValue(where));
            var fields = TableRows.OutputFields(snapshot, cols);

            long? expected = TableRows.CountFromStatistics(snapshot, filter);
            if (expected is long e && max is int m) expected = Math.Min(e, m);
            var mode = ProgressDisplay.Choose(asJson, stdoutCarriesData: outPath is null);

            Task<long> Export(Stream stream) => ProgressDisplay.RunAsync("export", mode, tracker =>
            {
                tracker.Total = expected;
                return WriteAsync(snapshot, cols, filter, max, fmt, fields, stream, tracker, ct);
            });

            if (outPath is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var buffered = new BufferedStream(stdout, 1 << 16);
                await Export(buffered);
                await buffered.FlushAsync(ct);
                return ExitCodes.Success;
            }

            string full = Path.GetFullPath(outPath);
            long rows;
            bool created = false;
            try
            {
                await using var file = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                created = true;
                rows = await Export(file);
            }
            catch
            {
                if (created) File.Delete(full);
                throw;
            }

            if (asJson)
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", t.Location);
                    w.WriteNumber("version", snapshot.Version);
                    w.WriteString("format", fmt);
                    w.WriteString("out", full);
                    w.WriteNumber("rows", rows);
                    w.WriteNumber("bytes", new FileInfo(full).Length);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {rows:N0} rows of version {snapshot.Version} to {full} ({fmt})"));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static async Task<long> WriteAsync(Snapshots.Snapshot snapshot, IReadOnlyList<string>? cols, Expressions.Predicate? filter, int? max,
        string format, IReadOnlyList<Field> fields, Stream output, ProgressTracker tracker, CancellationToken ct)
    {
        long rows = 0;
        var batches = TableRows.ReadAsync(snapshot, cols, filter, max, ct);
        switch (format)
        {
            case "jsonl":
                await foreach (var batch in batches.ConfigureAwait(false))
                {
                    CanonicalJson.WriteLines(batch, output);
                    rows += batch.RowCount;
                    tracker.Add(batch.RowCount);
                }
                break;
            case "csv":
                CsvRows.WriteHeader(TableRows.PlainSchema(fields), null, output);
                await foreach (var batch in batches.ConfigureAwait(false))
                {
                    CsvRows.Write(batch, output, 0, batch.RowCount, header: false);
                    rows += batch.RowCount;
                    tracker.Add(batch.RowCount);
                }
                break;
            default:
                var schema = TableRows.PlainSchema(fields);
                await using (var writer = new ParquetWriter(output, schema, new ParquetWriterOptions(), leaveOpen: true))
                {
                    await foreach (var batch in batches.ConfigureAwait(false))
                    {
                        await writer.WriteAsync(new RecordBatch(schema, batch.Columns, batch.RowCount), ct);
                        rows += batch.RowCount;
                        tracker.Add(batch.RowCount);
                    }
                }
                break;
        }
        await output.FlushAsync(ct);
        return rows;
    }
}
