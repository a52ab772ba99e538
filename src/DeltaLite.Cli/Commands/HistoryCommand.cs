using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.Snapshots;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite history`: each version's time, operation, rows added/updated/removed and ingestion watermark.</summary>
internal static class HistoryCommand
{
    /// <summary>The commitInfo member where ingestion records the source it read (a string).</summary>
    public const string SourceKey = "deltalite.source";

    /// <summary>The commitInfo member where ingestion records the watermark range it loaded: {"column","from","to"}.</summary>
    public const string WatermarkKey = "deltalite.watermark";

    public static Command Create()
    {
        var table = TableOptions.Table();
        var limit = TableOptions.Limit("Show only the newest N versions.");
        var json = TableOptions.Json("Print a JSON array (newest first) with each version's commitInfo parameters and metrics.");
        var cmd = new Command("history", """
            Show the versions of a table, newest first: when, which operation, rows added, updated and removed, files
            added and removed, and for ingestion commits the source and the watermark range loaded.

            Examples:
              deltalite history /data/loans
              deltalite history /data/loans --limit 5
              deltalite history /data/loans --json | jq '.[0].rowsAdded'
            """)
        {
            table, limit, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            int? max = parse.GetValue(limit);
            if (max < 0) throw new UserException("--limit must not be negative.");
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            await t.GetLatestVersionAsync(ct);
            var entries = new List<VersionSummary>();
            await foreach (var entry in t.HistoryAsync(max, ct)) entries.Add(VersionSummary.From(entry));

            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var e in entries) e.WriteJson(w);
                    w.WriteEndArray();
                });
                return ExitCodes.Success;
            }

            var view = new TextTable()
                .Column("version", rightAligned: true)
                .Column("time (UTC)")
                .Column("operation")
                .Column("added", rightAligned: true)
                .Column("updated", rightAligned: true)
                .Column("removed", rightAligned: true)
                .Column("files")
                .Column("source")
                .Column("watermark");
            foreach (var e in entries)
            {
                view.Row(e.Version.ToString(CultureInfo.InvariantCulture), e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.OperationText, Count(e.RowsAdded),
                    Count(e.RowsUpdated), Count(e.RowsRemoved), Files(e.FilesAdded, e.FilesRemoved), e.Source ?? "", e.WatermarkText ?? "");
            }
            view.Caption = $"{t.Location}: {entries.Count} version{(entries.Count == 1 ? "" : "s")}; added, updated and removed count rows";
            view.Write();
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Files(long? added, long? removed) =>
        added is null && removed is null ? "-" : $"+{Count(added ?? 0)} -{Count(removed ?? 0)}";

    private static string Count(long? n) => n is long v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    /// <summary>What one version did, from its commitInfo.</summary>
    internal sealed record VersionSummary(long Version, DateTimeOffset Timestamp, string? Operation, JsonObject? Parameters, JsonObject? Metrics,
        string? EngineInfo, bool? IsBlindAppend, string? Source, JsonNode? Watermark)
    {
        public static VersionSummary From(CommitEntry entry)
        {
            var info = entry.CommitInfo;
            var values = info?.Values;
            string? source = values?[SourceKey] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? (string?)sv : null;
            return new VersionSummary(entry.Version, entry.Timestamp, info?.Operation, info?.OperationParameters, info?.OperationMetrics,
                info?.EngineInfo, info?.IsBlindAppend, source, values?[WatermarkKey]);
        }

        /// <summary>New rows: MERGE's inserted rows, else the rows a write produced.</summary>
        public long? RowsAdded => Metric("numTargetRowsInserted") ?? (Metric("numTargetRowsUpdated") is null ? Metric("numOutputRows") : null);

        /// <summary>Rows replaced by a new version of themselves (MERGE, UPDATE).</summary>
        public long? RowsUpdated => Metric("numTargetRowsUpdated") ?? Metric("numUpdatedRows");

        /// <summary>Rows deleted (MERGE, DELETE).</summary>
        public long? RowsRemoved => Metric("numTargetRowsDeleted") ?? Metric("numDeletedRows");

        public long? FilesAdded => Metric("numAddedFiles") ?? Metric("numFiles") ?? Metric("numTargetFilesAdded");

        public long? FilesRemoved => Metric("numRemovedFiles") ?? Metric("numTargetFilesRemoved");

        /// <summary>"WRITE (Append)", "MERGE", "CREATE TABLE".</summary>
        public string OperationText
        {
            get
            {
                string op = Operation ?? "(no commitInfo)";
                return Parameters?["mode"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? $"{op} ({(string?)m})" : op;
            }
        }

        /// <summary>"updated_at: 2020-01-01T00:00:00 .. 2020-12-31T23:59:59", or null.</summary>
        public string? WatermarkText
        {
            get
            {
                if (Watermark is not JsonObject o) return Watermark is null ? null : Scalar(Watermark);
                string column = Scalar(o["column"]) ?? "?";
                string from = Scalar(o["from"]) ?? "(start)";
                string to = Scalar(o["to"]) ?? "?";
                return $"{column}: {from} .. {to}";
            }
        }

        private long? Metric(string name)
        {
            var node = Metrics?[name];
            if (node is not JsonValue v) return null;
            return v.GetValueKind() switch
            {
                JsonValueKind.Number when v.TryGetValue(out long l) => l,
                JsonValueKind.Number when v.TryGetValue(out double d) => (long)d,
                JsonValueKind.String when long.TryParse((string?)v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
                _ => null,
            };
        }

        private static string? Scalar(JsonNode? node) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => (string?)v,
            _ => node.ToJsonString(),
        };

        public void WriteJson(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteString("timestamp", TableOptions.Time(Timestamp));
            w.StringOrNull("operation", Operation);
            WriteCount(w, "rowsAdded", RowsAdded);
            WriteCount(w, "rowsUpdated", RowsUpdated);
            WriteCount(w, "rowsRemoved", RowsRemoved);
            WriteCount(w, "filesAdded", FilesAdded);
            WriteCount(w, "filesRemoved", FilesRemoved);
            w.StringOrNull("source", Source);
            w.WritePropertyName("watermark");
            if (Watermark is null) w.WriteNullValue();
            else Watermark.WriteTo(w);
            w.StringOrNull("engineInfo", EngineInfo);
            if (IsBlindAppend is bool b) w.WriteBoolean("isBlindAppend", b);
            else w.WriteNull("isBlindAppend");
            w.WritePropertyName("operationParameters");
            if (Parameters is null) w.WriteNullValue();
            else Parameters.WriteTo(w);
            w.WritePropertyName("operationMetrics");
            if (Metrics is null) w.WriteNullValue();
            else Metrics.WriteTo(w);
            w.WriteEndObject();
        }

        private static void WriteCount(Utf8JsonWriter w, string name, long? value)
        {
            if (value is long v) w.WriteNumber(name, v);
            else w.WriteNull(name);
        }
    }
}
