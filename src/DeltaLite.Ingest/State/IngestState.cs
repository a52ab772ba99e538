using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeltaLite.Ingest.State;

/// <summary>A CSV file already loaded: its path, size and modification time.</summary>
public sealed record LoadedFile(string Path, long Size, DateTimeOffset Modified);

/// <summary>
/// What a source has loaded so far, kept in the table itself as domain metadata <c>deltalite.ingest.&lt;source-id&gt;</c>
/// and written in the same commit as the data, so the table and its watermark never disagree.
/// </summary>
public sealed record IngestState(string SourceId, string? WatermarkColumn, WatermarkValue? Watermark, long Runs, IReadOnlyList<LoadedFile> Files)
{
    public const string DomainPrefix = "deltalite.ingest.";

    public string Domain => DomainPrefix + SourceId;

    public static IngestState Empty(string sourceId, string? column) => new(sourceId, column, null, 0, []);

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["version"] = 1,
            ["sourceId"] = SourceId,
            ["watermarkColumn"] = WatermarkColumn,
            ["watermarkKind"] = Watermark?.Kind,
            ["watermark"] = Watermark?.Text,
            ["runs"] = Runs,
        };
        if (Files.Count > 0)
        {
            var files = new JsonArray();
            foreach (var f in Files)
                files.Add(new JsonObject { ["path"] = f.Path, ["size"] = f.Size, ["modified"] = f.Modified.ToUnixTimeMilliseconds() });
            o["files"] = files;
        }
        return o.ToJsonString();
    }

    public static IngestState Parse(string sourceId, string json)
    {
        try
        {
            var o = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not an object");
            string? kind = (string?)o["watermarkKind"];
            string? text = (string?)o["watermark"];
            var files = new List<LoadedFile>();
            if (o["files"] is JsonArray arr)
                foreach (var f in arr.OfType<JsonObject>())
                    files.Add(new LoadedFile((string)f["path"]!, (long)f["size"]!, DateTimeOffset.FromUnixTimeMilliseconds((long)f["modified"]!)));
            return new IngestState(sourceId, (string?)o["watermarkColumn"], kind is null || text is null ? null : WatermarkValue.Parse(kind, text),
                (long?)o["runs"] ?? 0, files);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new IngestException($"The table's ingestion state for source '{sourceId}' is unreadable ({e.Message}).", e);
        }
    }
}
