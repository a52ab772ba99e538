using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeltaLite.Benchmarks;

/// <summary>
/// The one combined table of a benchmark run. Each benchmark adds its headline rows (DeltaLite's figures beside its
/// peer's, on the same data) to the JSON-lines file named by <c>DELTALITE_BENCH_SUMMARY</c> when it is set;
/// <c>deltalite-bench summary FILE</c> prints them as one Markdown table, the targets of issue 10 checked, and how
/// peak memory moves as the data grows for every workload measured at more than one size.
/// </summary>
internal static class Summary
{
    public const string Variable = "DELTALITE_BENCH_SUMMARY";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>One side of a row: its time and (when measured) the peak resident memory of its process.</summary>
    public sealed record Side(double Seconds, double? PeakMiB);

    /// <summary>One headline row: <paramref name="Amount"/> units (rows, MiB, files...) processed by each side.</summary>
    public sealed record Row(
        string Workload, double Amount, string Unit, Side DeltaLite, string? Peer = null, Side? PeerSide = null,
        double? MaxRatio = null, double? MaxMilliseconds = null, string? Note = null);

    /// <summary>Appends <paramref name="row"/> to the run's summary file, if the run keeps one.</summary>
    public static void Add(Row row)
    {
        string? file = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(file)) return;
        File.AppendAllText(file, JsonSerializer.Serialize(row, Json) + "\n");
    }

    /// <summary><c>deltalite-bench summary FILE</c>: prints the combined table of the rows in FILE.</summary>
    public static int Print(string[] args)
    {
        if (args.Length != 1) throw new ArgumentException("usage: deltalite-bench summary FILE");
        var rows = new List<Row>();
        int line = 0;
        foreach (var text in File.ReadLines(args[0]))
        {
            line++;
            if (text.Length == 0) continue;
            try
            {
                rows.Add(JsonSerializer.Deserialize<Row>(text, Json) ?? throw new FormatException("null row"));
            }
            catch (JsonException e)
            {
                throw new FormatException($"{args[0]}, line {line}: not a summary row ({e.Message})");
            }
        }
        Console.Write(Render(rows));
        return 0;
    }

    /// <summary>The Markdown of the combined table, the target check and the memory-growth table.</summary>
    public static string Render(IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| workload | size | DeltaLite time | DeltaLite rate | DeltaLite peak MiB | peer | peer time | peer rate | peer peak MiB | ratio (DL/peer time) | target | met |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|");
        int met = 0, missed = 0;
        foreach (var r in rows)
        {
            double? ratio = r.PeerSide is { Seconds: > 0 } p ? r.DeltaLite.Seconds / p.Seconds : null;
            string target = "", verdict = "";
            if (r.MaxRatio is { } max && ratio is { } x)
            {
                target = string.Create(inv, $"ratio <= {max:0.0#}");
                verdict = x <= max ? "yes" : "no";
            }
            else if (r.MaxMilliseconds is { } ms)
            {
                target = string.Create(inv, $"< {ms:0} ms");
                verdict = r.DeltaLite.Seconds * 1000 < ms ? "yes" : "no";
            }
            if (verdict == "yes") met++;
            else if (verdict == "no") missed++;
            sb.Append(inv, $"| {r.Workload}{(r.Note is null ? "" : $" ({r.Note})")} | {Size(r)} | {Time(r.DeltaLite.Seconds)} | {Rate(r, r.DeltaLite)} | {Peak(r.DeltaLite)} | ");
            if (r.PeerSide is { } peer)
                sb.Append(inv, $"{r.Peer} | {Time(peer.Seconds)} | {Rate(r, peer)} | {Peak(peer)} | {ratio:0.00} | ");
            else
                sb.Append("| | | | | ");
            sb.AppendLine($"{target} | {verdict} |");
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Targets met: {met} of {met + missed}. Rate: units per second of each side on the same data; peak MiB: peak resident memory of the step's own process (see each benchmark's notes for the baseline)."));

        // Peak memory as the data grows: workloads measured at more than one size.
        var grown = rows.GroupBy(r => r.Workload).Where(g => g.Select(r => r.Amount).Distinct().Count() > 1 && g.All(r => r.DeltaLite.PeakMiB is not null)).ToList();
        if (grown.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| workload | smallest size | peak MiB | largest size | peak MiB | size x | peak x | flat (peak x <= 1.25) |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var g in grown)
            {
                var small = g.MinBy(r => r.Amount)!;
                var large = g.MaxBy(r => r.Amount)!;
                double growth = large.DeltaLite.PeakMiB!.Value / small.DeltaLite.PeakMiB!.Value;
                sb.AppendLine(string.Create(inv,
                    $"| {g.Key} | {Size(small)} | {small.DeltaLite.PeakMiB:0} | {Size(large)} | {large.DeltaLite.PeakMiB:0} | {large.Amount / small.Amount:0.0} | {growth:0.00} | {(growth <= 1.25 ? "yes" : "no")} |"));
            }
        }
        return sb.ToString();
    }

    private static string Size(Row r) => r.Unit == "MiB"
        ? r.Amount.ToString("0", CultureInfo.InvariantCulture) + " MiB"
        : r.Amount.ToString("N0", CultureInfo.InvariantCulture) + " " + r.Unit;

    private static string Time(double seconds) => seconds < 1
        ? (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Rate(Row r, Side s) => s.Seconds <= 0 || r.Amount <= 0 || r.MaxMilliseconds is not null
        ? ""
        : (r.Amount / s.Seconds).ToString(r.Unit == "MiB" ? "N1" : "N0", CultureInfo.InvariantCulture) + " " + r.Unit + "/s";

    private static string Peak(Side s) => s.PeakMiB is { } p ? p.ToString("0", CultureInfo.InvariantCulture) : "";
}
