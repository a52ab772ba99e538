using System.Text.Json;

namespace DeltaLite.Log;

/// <summary>The content of <c>_delta_log/_last_checkpoint</c>: a hint to the newest checkpoint.</summary>
public sealed record LastCheckpoint(long Version, long? Size, int? Parts, long? SizeInBytes, long? NumOfAddFiles)
{
    public const string Path = "_delta_log/_last_checkpoint";

    /// <summary>Parses the hint; null when it is unreadable (the hint is optional, so a bad one is ignored).</summary>
    public static LastCheckpoint? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number) return null;
            long? Opt(string n) => root.TryGetProperty(n, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt64() : null;
            var version = v.GetInt64();
            if (version < 0) return null;
            return new LastCheckpoint(version, Opt("size"), (int?)Opt("parts"), Opt("sizeInBytes"), Opt("numOfAddFiles"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            if (Size is long s) w.WriteNumber("size", s);
            if (Parts is int p) w.WriteNumber("parts", p);
            if (SizeInBytes is long b) w.WriteNumber("sizeInBytes", b);
            if (NumOfAddFiles is long n) w.WriteNumber("numOfAddFiles", n);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}
