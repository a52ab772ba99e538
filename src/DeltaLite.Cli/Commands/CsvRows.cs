using System.Text;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Cli.Commands;

/// <summary>Rows as RFC 4180 CSV: scalar values as in the canonical JSON rendering, nested values as their JSON text.</summary>
internal static class CsvRows
{
    public static void WriteHeader(ParquetSchema schema, IReadOnlyList<string>? columns, Stream output)
    {
        var names = columns ?? schema.Fields.Select(f => f.Name).ToArray();
        var bytes = Encoding.UTF8.GetBytes(string.Join(",", names.Select(Quote)) + "\n");
        output.Write(bytes);
    }

    public static void Write(RecordBatch batch, Stream output, int start, int count, bool header)
    {
        var sb = new StringBuilder();
        if (header) sb.Append(string.Join(",", batch.Schema.Fields.Select(f => Quote(f.Name)))).Append('\n');
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        for (int r = start; r < start + count; r++)
        {
            for (int c = 0; c < batch.Columns.Count; c++)
            {
                if (c > 0) sb.Append(',');
                string? text = ValueText.Format(batch.Columns[c], r, buffer);
                if (text is null) continue;
                sb.Append(Quote(text));
            }
            sb.Append('\n');
            if (sb.Length > 1 << 16)
            {
                output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
                sb.Clear();
            }
        }
        output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.Length == 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
