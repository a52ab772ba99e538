using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>
/// Seeded mutations of bytes and of JSON lines, and the iteration counts: a few hundred per suite in CI, ten times
/// more with <c>DELTALITE_LONG_TESTS=1</c>. Every mutation is reproducible from its seed, printed on failure.
/// </summary>
internal static class Fuzz
{
    public static bool Long => Environment.GetEnvironmentVariable("DELTALITE_LONG_TESTS") == "1";

    public static int Iterations(int ci) => Long ? ci * 10 : ci;

    /// <summary>Flips bits, overwrites or deletes a range, inserts junk (invalid UTF-8 too), truncates, or plants a huge varint.</summary>
    public static byte[] MutateBytes(byte[] bytes, Random rng, out string what)
    {
        var copy = (byte[])bytes.Clone();
        int at = copy.Length == 0 ? 0 : rng.Next(copy.Length);
        switch (rng.Next(7))
        {
            case 0:
            {
                int flips = 1 + rng.Next(4);
                for (int i = 0; i < flips; i++) copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
                what = $"{flips} bit flip(s)";
                return copy;
            }
            case 1:
                what = $"truncated to {at} bytes";
                return copy[..at];
            case 2:
            {
                int length = 1 + rng.Next(Math.Min(64, copy.Length - at));
                what = $"{length} bytes deleted at {at}";
                return [.. copy.AsSpan(0, at), .. copy.AsSpan(at + length)];
            }
            case 3:
            {
                var junk = new byte[1 + rng.Next(16)];
                rng.NextBytes(junk);
                what = $"{junk.Length} random bytes inserted at {at}";
                return [.. copy.AsSpan(0, at), .. junk, .. copy.AsSpan(at)];
            }
            case 4:
            {
                int length = 1 + rng.Next(Math.Min(16, copy.Length - at));
                rng.NextBytes(copy.AsSpan(at, length));
                what = $"{length} bytes overwritten at {at}";
                return copy;
            }
            case 5:
            {
                // A varint claiming ~2^31 (a thrift list or string length, a JSON digit run elsewhere).
                byte[] huge = [0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];
                for (int i = 0; i < huge.Length && at + i < copy.Length; i++) copy[at + i] = huge[i];
                what = $"huge varint planted at {at}";
                return copy;
            }
            default:
            {
                // Latin-1 bytes and lone continuation bytes: invalid UTF-8.
                byte[] bad = [0xE9, 0x80, 0xFF, 0xC3];
                copy[at] = bad[rng.Next(bad.Length)];
                what = $"invalid UTF-8 byte at {at}";
                return copy;
            }
        }
    }

    /// <summary>Stands for a JSON string holding a lone UTF-16 surrogate, which JsonNode cannot write: put in as text.</summary>
    private const string LoneSurrogate = "\"@lone-surrogate@\"";

    /// <summary>Values a hostile writer could put in any field of an action: wrong types, out of range, escaping paths.</summary>
    private static readonly string[] s_hostileValues =
    [
        "null", "-1", "0", "1e999", "-9223372036854775809", "9223372036854775808", "\"\"", "\"../../outside.parquet\"",
        "\"%2e%2e/%2e%2e/outside.parquet\"", "\"/etc/passwd\"", "[]", "{}", "true", "\"\\u0000\"", "\"not a number\"",
        "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}", "1.5", "\"1970-01-01\"", "[1,2,3]", LoneSurrogate,
    ];

    /// <summary>
    /// One line of a commit rewritten as still-valid JSON: a value anywhere in it replaced by a hostile one, a key
    /// renamed or removed, a line duplicated or dropped, or the lines shuffled.
    /// </summary>
    public static byte[] MutateJsonLines(byte[] commit, Random rng, out string what)
    {
        var lines = Encoding.UTF8.GetString(commit).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        int index = rng.Next(lines.Count);
        switch (rng.Next(5))
        {
            case 0:
            case 1:
            {
                var root = JsonNode.Parse(lines[index])!;
                var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
                Collect(root, nodes);
                var (parent, key, i) = nodes[rng.Next(nodes.Count)];
                string value = s_hostileValues[rng.Next(s_hostileValues.Length)];
                var replacement = JsonNode.Parse(value);
                if (key is not null) parent.AsObject()[key] = replacement;
                else parent.AsArray()[i] = replacement;
                lines[index] = root.ToJsonString().Replace("@lone-surrogate@", "\\ud800", StringComparison.Ordinal);
                what = $"line {index + 1}: {(key ?? $"[{i}]")} = {value}";
                break;
            }
            case 2:
            {
                var root = JsonNode.Parse(lines[index])!;
                var objects = new List<JsonObject>();
                CollectObjects(root, objects);
                var target = objects[rng.Next(objects.Count)];
                if (target.Count == 0) { what = "no change"; break; }
                string key = target.ElementAt(rng.Next(target.Count)).Key;
                bool remove = rng.Next(2) == 0;
                var value = target[key];
                target.Remove(key);
                if (!remove) target[key + "X"] = value;
                lines[index] = root.ToJsonString();
                what = $"line {index + 1}: key '{key}' {(remove ? "removed" : "renamed")}";
                break;
            }
            case 3:
                lines.Insert(index, lines[index]);
                what = $"line {index + 1} duplicated";
                break;
            default:
                lines.RemoveAt(index);
                what = $"line {index + 1} dropped";
                break;
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
    }

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o.ToList())
                {
                    into.Add((o, kv.Key, -1));
                    if (kv.Value is not null) Collect(kv.Value, into);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    into.Add((a, null, i));
                    if (a[i] is { } child) Collect(child, into);
                }
                break;
        }
    }

    private static void CollectObjects(JsonNode node, List<JsonObject> into)
    {
        if (node is JsonObject o)
        {
            into.Add(o);
            foreach (var kv in o) if (kv.Value is not null) CollectObjects(kv.Value, into);
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a) if (child is not null) CollectObjects(child, into);
        }
    }

    /// <summary>Whether every non-blank line of a commit is one valid JSON document (what a reader may accept).</summary>
    public static bool AllLinesAreJson(byte[] commit)
    {
        foreach (var line in SplitLines(commit))
        {
            if (line.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r')) continue;
            try
            {
                using var _ = JsonDocument.Parse(line);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                return false;
            }
        }
        return true;
    }

    private static IEnumerable<byte[]> SplitLines(byte[] bytes)
    {
        int start = 0;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                yield return bytes[start..i];
                start = i + 1;
            }
        }
    }
}
