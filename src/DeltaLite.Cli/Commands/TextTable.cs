using System.Text;
using Spectre.Console;

namespace DeltaLite.Cli.Commands;

/// <summary>
/// A table of text cells, written as a Spectre table on a terminal and as plain space-padded columns otherwise
/// (for pipes, logs and tests). Null cells read "null".
/// </summary>
internal sealed class TextTable
{
    private readonly List<(string Name, string? Subtitle, bool Right)> _columns = [];
    private readonly List<string?[]> _rows = [];

    public string? Caption { get; set; }

    public TextTable Column(string name, string? subtitle = null, bool rightAligned = false)
    {
        _columns.Add((name, subtitle, rightAligned));
        return this;
    }

    public void Row(params string?[] cells)
    {
        if (cells.Length != _columns.Count) throw new ArgumentException($"A row needs {_columns.Count} cells, got {cells.Length}.", nameof(cells));
        _rows.Add(cells);
    }

    public int RowCount => _rows.Count;

    public int ColumnCount => _columns.Count;

    /// <summary>The width of the widest line of <see cref="Plain"/> (without the caption).</summary>
    public int PlainWidth
    {
        get
        {
            int width = 0;
            for (int c = 0; c < _columns.Count; c++)
            {
                int w = _columns[c].Name.Length;
                foreach (var row in _rows) w = Math.Max(w, (row[c] ?? "null").Length);
                width += w + (c > 0 ? 2 : 0);
            }
            return width;
        }
    }

    /// <summary>Writes the table to stdout: Spectre when stdout is a terminal, plain text otherwise.</summary>
    public void Write()
    {
        if (Console.IsOutputRedirected) Console.Write(Plain());
        else AnsiConsole.Write(Spectre());
    }

    public Table Spectre()
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (Caption is not null) table.Caption(Markup.Escape(Caption));
        foreach (var (name, subtitle, right) in _columns)
        {
            string header = $"[bold]{Markup.Escape(name)}[/]" + (subtitle is null ? "" : $"\n[grey]{Markup.Escape(subtitle)}[/]");
            var column = new TableColumn(header);
            if (right) column.RightAligned();
            table.AddColumn(column);
        }
        foreach (var row in _rows)
            table.AddRow(row.Select(v => v is null ? "[grey]null[/]" : Markup.Escape(v)).ToArray());
        return table;
    }

    /// <summary>Columns separated by two spaces, a dashed line under the header, the caption in parentheses last.</summary>
    public string Plain()
    {
        var widths = _columns.Select(c => c.Name.Length).ToArray();
        foreach (var row in _rows)
            for (int c = 0; c < widths.Length; c++) widths[c] = Math.Max(widths[c], (row[c] ?? "null").Length);
        var sb = new StringBuilder();
        void Line(IEnumerable<string> cells) => sb.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        Line(_columns.Select((col, c) => col.Name.PadRight(widths[c])));
        Line(widths.Select(w => new string('-', w)));
        foreach (var row in _rows)
        {
            Line(row.Select((v, c) =>
            {
                string text = v ?? "null";
                return _columns[c].Right ? text.PadLeft(widths[c]) : text.PadRight(widths[c]);
            }));
        }
        if (Caption is not null) sb.Append('(').Append(Caption).Append(")\n");
        return sb.ToString();
    }
}
