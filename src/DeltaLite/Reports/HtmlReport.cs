using System.Globalization;
using System.Net;
using System.Text;
using DeltaLite.Catalog;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Snapshots;
using DeltaLite.Tags;

namespace DeltaLite.Reports;

/// <summary>
/// One self-contained HTML page about a table: rows and bytes per version over time, rows added/updated/removed per
/// version, each ingestion source's watermark over time, tags, the schema and its changes, the file sizes of the
/// latest version, properties and protocol. Inline SVG and CSS only (no scripts, fonts or anything from the
/// network); well-formed XHTML; laid out for a laptop screen and for paper.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<string> RenderAsync(DeltaTable table, CancellationToken ct = default)
    {
        var latest = await table.GetSnapshotAsync(null, ct).ConfigureAwait(false);
        var catalog = await VersionCatalog.BuildAsync(table, ct).ConfigureAwait(false);
        var tags = TableTags.Parse(latest.GetDomainConfiguration(TableTags.Domain));
        return Render(table.Location, latest, catalog, tags.Values.ToList(), DateTimeOffset.UtcNow);
    }

    internal static string Render(string location, Snapshot latest, IReadOnlyList<VersionInfo> catalog, IReadOnlyList<TableTag> tags, DateTimeOffset generated)
    {
        var h = new StringBuilder();
        long rows = catalog.Count > 0 && catalog[^1].TotalRows is long r ? r : -1;
        h.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\" />");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />");
        h.Append("<title>").Append(E($"Delta table report: {location}")).Append("</title><style>").Append(Css).Append("</style></head><body>");
        h.Append("<header><h1>Delta table report</h1><p class=\"loc\">").Append(E(location)).Append("</p><p class=\"meta\">");
        h.Append(E($"version {latest.Version} of {latest.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC · "));
        h.Append(rows >= 0 ? E($"{rows.ToString("N0", Inv)} rows · ") : "");
        h.Append(E($"{latest.Files.Count.ToString("N0", Inv)} files · {Bytes(latest.TotalBytes)} · {catalog.Count} versions shown · generated {generated.UtcDateTime:yyyy-MM-dd HH:mm} UTC"));
        h.Append("</p></header><main>");

        Section(h, "growth", "Rows and bytes per version", () => GrowthChart(h, catalog));
        Section(h, "changes", "Rows added, updated and removed per version", () => ChangesChart(h, catalog));
        Section(h, "watermarks", "Ingestion watermarks", () => Watermarks(h, catalog));
        Section(h, "tags", "Tags", () => Tags(h, tags, catalog));
        Section(h, "history", "Versions", () => History(h, catalog));
        Section(h, "schema", "Schema", () => SchemaSection(h, latest, catalog));
        Section(h, "files", "File sizes of the latest version", () => FileSizes(h, latest));
        Section(h, "properties", "Properties and protocol", () => Properties(h, latest));
        h.Append("</main><footer>").Append(E(Transactions.Transaction.EngineInfo)).Append("</footer></body></html>\n");
        return h.ToString();
    }

    private const string Css = """
        :root{--ink:#1d2733;--muted:#5b6b7c;--line:#d8dee6;--a:#2f6fad;--b:#d9822b;--c:#3a9a5b;--d:#c2413b}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:16px 24px}
        h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        .loc{font-family:ui-monospace,Consolas,monospace;margin:4px 0;word-break:break-all}.meta,.note,footer{color:var(--muted)}
        table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
        th{font-weight:600;background:#f4f6f9}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-family:ui-monospace,Consolas,monospace;font-size:12px}
        svg{width:100%;height:auto;display:block}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}.legend span{margin-right:14px}
        .sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}.add{color:var(--c)}.rem{color:var(--d)}
        footer{margin:32px 0 8px;font-size:12px}
        @media print{body{max-width:none;padding:0;font-size:11px}section{break-inside:avoid}h2{break-after:avoid}}
        """;

    private static void Section(StringBuilder h, string id, string title, Action body)
    {
        h.Append("<section id=\"").Append(id).Append("\"><h2>").Append(E(title)).Append("</h2>");
        body();
        h.Append("</section>");
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string N(double v) => v.ToString("0.##", Inv);

    public static string Bytes(long b) => b switch
    {
        < 1024 => $"{b} B",
        < 1 << 20 => (b / 1024.0).ToString("0.#", Inv) + " KiB",
        < 1 << 30 => (b / 1048576.0).ToString("0.#", Inv) + " MiB",
        _ => (b / 1073741824.0).ToString("0.##", Inv) + " GiB",
    };

    private static void Legend(StringBuilder h, params (string Color, string Label)[] items)
    {
        h.Append("<p class=\"legend\">");
        foreach (var (c, l) in items) h.Append("<span><i class=\"sw\" style=\"background:").Append(c).Append("\"></i>").Append(E(l)).Append("</span>");
        h.Append("</p>");
    }

    private static void GrowthChart(StringBuilder h, IReadOnlyList<VersionInfo> c)
    {
        if (c.Count == 0) { h.Append("<p class=\"note\">No versions.</p>"); return; }
        const int W = 1000, H = 260, L = 70, R = 70, T = 10, B = 40;
        double maxRows = Math.Max(1, c.Max(v => (double)(v.TotalRows ?? 0)));
        double maxBytes = Math.Max(1, c.Max(v => (double)v.TotalBytes));
        // Versions are spread evenly (commits can be seconds or months apart); the axis names their dates.
        var index = c.Select((v, i) => (v.Version, i)).ToDictionary(p => p.Version, p => p.i);
        double X(VersionInfo v) => L + (W - L - R) * (c.Count == 1 ? 0.5 : index[v.Version] / (double)(c.Count - 1));
        double Y(double v, double max) => T + (H - T - B) * (1 - v / max);
        h.Append($"<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"rows and bytes per version\">");
        Axes(h, W, H, L, R, T, B);
        for (int i = 0; i <= 4; i++)
        {
            double y = T + (H - T - B) * i / 4.0;
            h.Append($"<text x=\"{L - 6}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{E((maxRows * (4 - i) / 4).ToString("N0", Inv))}</text>");
            h.Append($"<text x=\"{W - R + 6}\" y=\"{N(y + 4)}\">{E(Bytes((long)(maxBytes * (4 - i) / 4)))}</text>");
        }
        h.Append($"<text x=\"{L}\" y=\"{H - 8}\">{E($"v{c[0].Version} · {c[0].Timestamp.UtcDateTime:yyyy-MM-dd HH:mm}")}</text>");
        h.Append($"<text x=\"{W - R}\" y=\"{H - 8}\" text-anchor=\"end\">{E($"v{c[^1].Version} · {c[^1].Timestamp.UtcDateTime:yyyy-MM-dd HH:mm}")}</text>");
        string Line(Func<VersionInfo, double> f, double max) => string.Join(" ", c.Select(v => $"{N(X(v))},{N(Y(f(v), max))}"));
        h.Append($"<polyline fill=\"none\" stroke=\"#2f6fad\" stroke-width=\"2\" points=\"{Line(v => v.TotalRows ?? 0, maxRows)}\" />");
        h.Append($"<polyline fill=\"none\" stroke=\"#d9822b\" stroke-width=\"2\" stroke-dasharray=\"5 3\" points=\"{Line(v => v.TotalBytes, maxBytes)}\" />");
        foreach (var v in c)
            h.Append($"<circle cx=\"{N(X(v))}\" cy=\"{N(Y(v.TotalRows ?? 0, maxRows))}\" r=\"3\" fill=\"#2f6fad\"><title>{E($"version {v.Version}: {(v.TotalRows?.ToString("N0", Inv) ?? "?")} rows, {Bytes(v.TotalBytes)}")}</title></circle>");
        h.Append("</svg>");
        Legend(h, ("#2f6fad", "rows (left axis)"), ("#d9822b", "bytes (right axis)"));
    }

    private static void Axes(StringBuilder h, int w, int height, int l, int r, int t, int b)
    {
        h.Append($"<line x1=\"{l}\" y1=\"{height - b}\" x2=\"{w - r}\" y2=\"{height - b}\" stroke=\"#d8dee6\" />");
        h.Append($"<line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{height - b}\" stroke=\"#d8dee6\" />");
    }

    private static void ChangesChart(StringBuilder h, IReadOnlyList<VersionInfo> c)
    {
        var shown = c.TakeLast(60).ToList();
        if (shown.Count == 0) { h.Append("<p class=\"note\">No versions.</p>"); return; }
        const int W = 1000, H = 240, L = 70, R = 20, T = 10, B = 40;
        double max = Math.Max(1, shown.Max(v => (double)Math.Max(v.RowsAdded, Math.Max(v.RowsUpdated, v.RowsRemoved))));
        double slot = (W - L - R) / (double)shown.Count, bar = Math.Max(1, slot / 4);
        h.Append($"<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"rows added, updated and removed per version\">");
        Axes(h, W, H, L, R, T, B);
        for (int i = 0; i <= 4; i++)
            h.Append($"<text x=\"{L - 6}\" y=\"{N(T + (H - T - B) * i / 4.0 + 4)}\" text-anchor=\"end\">{E((max * (4 - i) / 4).ToString("N0", Inv))}</text>");
        for (int i = 0; i < shown.Count; i++)
        {
            var v = shown[i];
            double x = L + slot * i + slot / 8;
            void Bar(double value, string color, int k, string what)
            {
                double hgt = (H - T - B) * value / max;
                h.Append($"<rect x=\"{N(x + bar * k)}\" y=\"{N(H - B - hgt)}\" width=\"{N(bar)}\" height=\"{N(hgt)}\" fill=\"{color}\"><title>{E($"version {v.Version}: {value.ToString("N0", Inv)} rows {what}")}</title></rect>");
            }
            Bar(v.RowsAdded, "#3a9a5b", 0, "added");
            Bar(v.RowsUpdated, "#2f6fad", 1, "updated");
            Bar(v.RowsRemoved, "#c2413b", 2, "removed");
            if (shown.Count <= 30 || i % Math.Max(1, shown.Count / 15) == 0)
                h.Append($"<text x=\"{N(x + bar * 1.5)}\" y=\"{H - B + 14}\" text-anchor=\"middle\">{v.Version}</text>");
        }
        h.Append($"<text x=\"{(W + L) / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">version</text></svg>");
        Legend(h, ("#3a9a5b", "added"), ("#2f6fad", "updated"), ("#c2413b", "removed"));
        if (c.Count > shown.Count) h.Append($"<p class=\"note\">The last {shown.Count} of {c.Count} versions.</p>");
    }

    private static void Watermarks(StringBuilder h, IReadOnlyList<VersionInfo> c)
    {
        var loads = c.Where(v => v.Watermark is not null || v.Source is not null).ToList();
        if (loads.Count == 0) { h.Append("<p class=\"note\">No version was written by a DeltaLite ingestion.</p>"); return; }
        foreach (var group in loads.GroupBy(v => v.Source ?? "(unknown source)"))
        {
            var items = group.ToList();
            h.Append("<h3>").Append(E(group.Key)).Append("</h3>");
            // A step chart of the watermark over commit time, when the marks are timestamps or numbers.
            var points = items.Select(v => (v, Mark(v.Watermark?.To))).Where(p => p.Item2 is not null).ToList();
            if (points.Count >= 1)
            {
                const int W = 1000, H = 160, L = 150, R = 20, T = 10, B = 30;
                double y0 = points.Min(p => p.Item2!.Value), y1 = Math.Max(y0 + 1, points.Max(p => p.Item2!.Value));
                var order = points.Select((p, i) => (p.v.Version, i)).ToDictionary(p => p.Version, p => p.i);
                double X(VersionInfo v) => L + (W - L - R) * (points.Count == 1 ? 0.5 : order[v.Version] / (double)(points.Count - 1));
                double Y(double m) => T + (H - T - B) * (1 - (m - y0) / (y1 - y0));
                var sb = new StringBuilder();
                for (int i = 0; i < points.Count; i++)
                {
                    if (i > 0) sb.Append($"{N(X(points[i].v))},{N(Y(points[i - 1].Item2!.Value))} ");
                    sb.Append($"{N(X(points[i].v))},{N(Y(points[i].Item2!.Value))} ");
                }
                h.Append($"<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"watermark over time\">");
                Axes(h, W, H, L, R, T, B);
                h.Append($"<text x=\"{L - 6}\" y=\"{T + 8}\" text-anchor=\"end\">{E(Short(points.MaxBy(p => p.Item2)!.v.Watermark!.To))}</text>");
                h.Append($"<text x=\"{L - 6}\" y=\"{H - B}\" text-anchor=\"end\">{E(Short(points.MinBy(p => p.Item2)!.v.Watermark!.To))}</text>");
                h.Append($"<text x=\"{L}\" y=\"{H - 8}\">{E($"v{points[0].v.Version}")}</text><text x=\"{W - R}\" y=\"{H - 8}\" text-anchor=\"end\">{E($"v{points[^1].v.Version}")}</text>");
                h.Append($"<polyline fill=\"none\" stroke=\"#3a9a5b\" stroke-width=\"2\" points=\"{sb.ToString().Trim()}\" />");
                foreach (var (v, m) in points)
                    h.Append($"<circle cx=\"{N(X(v))}\" cy=\"{N(Y(m!.Value))}\" r=\"3\" fill=\"#3a9a5b\"><title>{E($"version {v.Version}: up to {v.Watermark!.To}")}</title></circle>");
                h.Append("</svg>");
            }
            h.Append("<table><thead><tr><th>version</th><th>committed (UTC)</th><th>column</th><th>from</th><th>to</th><th>rows added</th><th>rows updated</th></tr></thead><tbody>");
            foreach (var v in items)
                h.Append($"<tr><td class=\"n\">{v.Version}</td><td>{E(v.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv))}</td><td>{E(v.Watermark?.Column)}</td><td><code>{E(v.Watermark?.From ?? "(start)")}</code></td><td><code>{E(v.Watermark?.To)}</code></td><td class=\"n\">{v.RowsAdded.ToString("N0", Inv)}</td><td class=\"n\">{v.RowsUpdated.ToString("N0", Inv)}</td></tr>");
            h.Append("</tbody></table>");
        }
    }

    /// <summary>A watermark short enough for an axis label.</summary>
    private static string Short(string? text) =>
        text is not null && text.Length > 19 && DateTimeOffset.TryParse(text, Inv, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv) : text ?? "";

    private static double? Mark(string? text)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, Inv, DateTimeStyles.AssumeUniversal, out var t)) return t.ToUnixTimeMilliseconds();
        if (double.TryParse(text, NumberStyles.Float, Inv, out var d)) return d;
        return null;
    }

    private static void Tags(StringBuilder h, IReadOnlyList<TableTag> tags, IReadOnlyList<VersionInfo> c)
    {
        if (tags.Count == 0) { h.Append("<p class=\"note\">No tags. Name a version with <code>deltalite tag TABLE NAME --version N</code>.</p>"); return; }
        h.Append("<table><thead><tr><th>tag</th><th>version</th><th>version committed (UTC)</th><th>tagged (UTC)</th><th>description</th></tr></thead><tbody>");
        foreach (var t in tags.OrderBy(t => t.Version).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            var v = c.FirstOrDefault(x => x.Version == t.Version);
            h.Append($"<tr><td><b>{E(t.Name)}</b></td><td class=\"n\">{t.Version}</td><td>{E(v?.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv) ?? "(log cleaned up)")}</td><td>{E(t.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv))}</td><td>{E(t.Description)}</td></tr>");
        }
        h.Append("</tbody></table>");
    }

    private static void History(StringBuilder h, IReadOnlyList<VersionInfo> c)
    {
        h.Append("<table><thead><tr><th>version</th><th>committed (UTC)</th><th>operation</th><th>rows</th><th>+rows</th><th>~rows</th><th>-rows</th><th>files</th><th>size</th><th>tags</th></tr></thead><tbody>");
        foreach (var v in c.Reverse().Take(200))
            h.Append($"<tr><td class=\"n\">{v.Version}</td><td>{E(v.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv))}</td><td>{E(v.Operation)}</td><td class=\"n\">{E(v.TotalRows?.ToString("N0", Inv) ?? "?")}</td><td class=\"n add\">{v.RowsAdded.ToString("N0", Inv)}</td><td class=\"n\">{v.RowsUpdated.ToString("N0", Inv)}</td><td class=\"n rem\">{v.RowsRemoved.ToString("N0", Inv)}</td><td class=\"n\">{v.FileCount.ToString("N0", Inv)}</td><td class=\"n\">{E(Bytes(v.TotalBytes))}</td><td>{E(string.Join(", ", v.Tags))}</td></tr>");
        h.Append("</tbody></table>");
        if (c.Count > 200) h.Append($"<p class=\"note\">The newest 200 of {c.Count} versions.</p>");
    }

    private static void SchemaSection(StringBuilder h, Snapshot latest, IReadOnlyList<VersionInfo> c)
    {
        h.Append("<table><thead><tr><th>column</th><th>type</th><th>nullable</th><th>partition</th></tr></thead><tbody>");
        foreach (var f in latest.Schema.Fields)
            h.Append($"<tr><td><code>{E(f.Name)}</code></td><td><code>{E(DeltaSchema.TypeName(f.Type))}</code></td><td>{(f.Nullable ? "yes" : "no")}</td><td>{(latest.PartitionColumns.Contains(f.Name) ? "yes" : "")}</td></tr>");
        h.Append("</tbody></table>");
        var changes = new List<string>();
        Parquet.Schema? previous = null;
        foreach (var v in c.Where(v => v.SchemaChange is not null))
        {
            Parquet.Schema current;
            try { current = DeltaSchema.Parse(v.SchemaChange!); } catch (DeltaSchemaException) { continue; }
            if (previous is null)
            {
                changes.Add($"<li>version {v.Version}: {E(current.Count.ToString(Inv))} columns</li>");
            }
            else
            {
                var added = current.Fields.Where(f => previous.IndexOf(f.Name) < 0).Select(f => $"+{f.Name} {DeltaSchema.TypeName(f.Type)}");
                var removed = previous.Fields.Where(f => current.IndexOf(f.Name) < 0).Select(f => $"-{f.Name}");
                var retyped = current.Fields.Where(f => previous.IndexOf(f.Name) is int i && i >= 0 && !previous[i].Type.Equals(f.Type))
                    .Select(f => $"{f.Name}: {DeltaSchema.TypeName(previous[previous.IndexOf(f.Name)].Type)} to {DeltaSchema.TypeName(f.Type)}");
                var all = added.Concat(removed).Concat(retyped).ToList();
                changes.Add($"<li>version {v.Version}: {(all.Count == 0 ? "metadata changed, columns unchanged" : E(string.Join("; ", all)))}</li>");
            }
            previous = current;
        }
        if (changes.Count > 0) h.Append("<h3>Changes</h3><ul>").Append(string.Concat(changes)).Append("</ul>");
    }

    private static void FileSizes(StringBuilder h, Snapshot latest)
    {
        if (latest.Files.Count == 0) { h.Append("<p class=\"note\">The latest version has no data files.</p>"); return; }
        long[] bounds = [64 << 10, 1 << 20, 8 << 20, 32 << 20, 128 << 20, 512 << 20, long.MaxValue];
        string[] labels = ["&lt; 64 KiB", "64 KiB-1 MiB", "1-8 MiB", "8-32 MiB", "32-128 MiB", "128-512 MiB", "&#8805; 512 MiB"];
        var counts = new int[bounds.Length];
        foreach (var f in latest.Files) counts[Array.FindIndex(bounds, b => f.Size < b)]++;
        const int W = 1000, H = 200, L = 50, R = 20, T = 10, B = 40;
        double max = Math.Max(1, counts.Max()), slot = (W - L - R) / (double)counts.Length;
        h.Append($"<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"file size distribution\">");
        Axes(h, W, H, L, R, T, B);
        for (int i = 0; i < counts.Length; i++)
        {
            double hgt = (H - T - B) * counts[i] / max, x = L + slot * i + slot * 0.15;
            h.Append($"<rect x=\"{N(x)}\" y=\"{N(H - B - hgt)}\" width=\"{N(slot * 0.7)}\" height=\"{N(hgt)}\" fill=\"#2f6fad\"><title>{counts[i]} files</title></rect>");
            h.Append($"<text x=\"{N(x + slot * 0.35)}\" y=\"{N(H - B - hgt - 4)}\" text-anchor=\"middle\">{counts[i]}</text>");
            h.Append($"<text x=\"{N(x + slot * 0.35)}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{labels[i]}</text>");
        }
        h.Append("</svg>");
        var sizes = latest.Files.Select(f => f.Size).Order().ToList();
        h.Append($"<p class=\"note\">{sizes.Count.ToString("N0", Inv)} files, {E(Bytes(sizes.Sum()))} in all; median {E(Bytes(sizes[sizes.Count / 2]))}, largest {E(Bytes(sizes[^1]))}.</p>");
    }

    private static void Properties(StringBuilder h, Snapshot latest)
    {
        var p = latest.Protocol;
        h.Append("<table><tbody>");
        h.Append($"<tr><th>table id</th><td><code>{E(latest.Metadata.Id)}</code></td></tr>");
        if (latest.Metadata.Name is not null) h.Append($"<tr><th>name</th><td>{E(latest.Metadata.Name)}</td></tr>");
        if (latest.Metadata.Description is not null) h.Append($"<tr><th>description</th><td>{E(latest.Metadata.Description)}</td></tr>");
        h.Append($"<tr><th>partitioned by</th><td>{E(latest.PartitionColumns.Count == 0 ? "(not partitioned)" : string.Join(", ", latest.PartitionColumns))}</td></tr>");
        h.Append($"<tr><th>protocol</th><td>reader {p.MinReaderVersion}, writer {p.MinWriterVersion}{E(p.ReaderFeatures is { Count: > 0 } rf ? "; reader features: " + string.Join(", ", rf) : "")}{E(p.WriterFeatures is { Count: > 0 } wf ? "; writer features: " + string.Join(", ", wf) : "")}</td></tr>");
        foreach (var kv in latest.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            h.Append($"<tr><th><code>{E(kv.Key)}</code></th><td><code>{E(kv.Value)}</code></td></tr>");
        h.Append("</tbody></table>");
    }
}
