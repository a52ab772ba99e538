using System.Buffers;
using System.CommandLine;
using System.Globalization;
using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite show`: the first rows of any version as a readable table.</summary>
internal static class ShowCommand
{
    /// <summary>Cells longer than this are cut (with "…") so that a row stays readable.</summary>
    private const int MaxCellWidth = 48;

    public static Command Create()
    {
        var table = TableOptions.Table();
        var version = TableOptions.Version();
        var asOf = TableOptions.AsOf();
        var columns = TableOptions.Columns();
        var where = TableOptions.Where();
        var limit = TableOptions.Limit("Show at most this many rows.", 20);
        var json = TableOptions.Json("Print the rows as JSON lines (one canonical JSON object per row) instead of a table.");
        var cmd = new Command("show", """
            Show the first rows of a version of a table as a readable table (plain text when the output is not a terminal).

            Examples:
              deltalite show /data/loans
              deltalite show /data/loans --version 0 --limit 5
              deltalite show /data/loans --as-of 2024-05-01 --columns id,grade,loan_status --where "grade = 'A'"
              deltalite show /data/loans --json --limit 100 | jq .id
            """)
        {
            table, version, asOf, columns, where, limit, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            int max = parse.GetValue(limit) ?? 20;
            if (max < 0) throw new UserException("--limit must not be negative.");
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var snapshot = await TableOptions.SnapshotAsync(t, parse.GetValue(version), parse.GetValue(asOf), ct);
            var cols = TableOptions.ParseColumns(parse.GetValue(columns), snapshot);
            var filter = TableOptions.ParseWhere(parse.GetValue(where));
            var fields = TableRows.OutputFields(snapshot, cols);
            var batches = new List<RecordBatch>();
            await foreach (var batch in TableRows.ReadAsync(snapshot, cols, filter, max, ct)) batches.Add(batch);

            if (parse.GetValue(json))
            {
                await using var stdout = Console.OpenStandardOutput();
                foreach (var batch in batches) CanonicalJson.WriteLines(batch, stdout);
                return ExitCodes.Success;
            }

            var view = new TextTable();
            foreach (var f in fields) view.Column(f.Name, DeltaSchema.TypeName(f.Type), ValueText.IsNumeric(f.Type));
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var batch in batches)
            {
                for (int r = 0; r < batch.RowCount; r++)
                    view.Row(batch.Columns.Select(c => Cut(ValueText.Format(c, r, buffer))).ToArray());
            }
            int shown = view.RowCount;
            view.Caption = string.Create(CultureInfo.InvariantCulture,
                $"version {snapshot.Version} ({TableOptions.Time(snapshot.Timestamp)}): {(shown == max ? "first " : "")}{shown} row{(shown == 1 ? "" : "s")}{(filter is null ? "" : " matching the filter")}");
            if (!Console.IsOutputRedirected && cols is null && view.PlainWidth > ConsoleWidth())
                view.Caption += $"; {view.ColumnCount} columns do not fit this terminal: pick some with --columns a,b,c";
            view.Write();
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private static string? Cut(string? s)
    {
        if (s is null) return null;
        s = s.ReplaceLineEndings(" ");
        return s.Length <= MaxCellWidth ? s : s[..(MaxCellWidth - 1)] + "…";
    }
}
