using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DeltaLite.Tags;

/// <summary>A name for a version ("training-2020"), kept in the table so it travels with it.</summary>
public sealed record TableTag(string Name, long Version, DateTimeOffset CreatedAt, string? Description = null);

/// <summary>The tags of a table: domain metadata <c>deltalite.tags</c>, a JSON object of tag name to version.</summary>
public static partial class TableTags
{
    public const string Domain = "deltalite.tags";

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is a valid tag: 1-64 characters of letters, digits, '.', '_' and '-', starting with a letter or digit, not all digits.</summary>
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("A tag name must not be empty.", nameof(name));
        if (name.Length > 64) throw new ArgumentException($"Tag name '{name[..20]}...' is longer than 64 characters.", nameof(name));
        if (name.All(char.IsAsciiDigit)) throw new ArgumentException($"Tag name '{name}' is all digits, which would read as a version number.", nameof(name));
        if (!ValidName().IsMatch(name))
            throw new ArgumentException($"Tag name '{name}' may only hold letters, digits, '.', '_' and '-', and must start with a letter or digit.", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex ValidName();

    public static IReadOnlyDictionary<string, TableTag> Parse(string? configuration)
    {
        var tags = new SortedDictionary<string, TableTag>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(configuration)) return tags;
        try
        {
            if (JsonNode.Parse(configuration) is JsonObject root && root["tags"] is JsonObject all)
            {
                foreach (var (name, node) in all)
                {
                    if (node is not JsonObject o || o["version"] is null) continue;
                    tags[name] = new TableTag(name, (long)o["version"]!, DateTimeOffset.FromUnixTimeMilliseconds((long?)o["createdAt"] ?? 0), (string?)o["description"]);
                }
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new DeltaLogException($"The table's tags (domain {Domain}) are unreadable: {e.Message}");
        }
        return tags;
    }

    public static string ToJson(IEnumerable<TableTag> tags)
    {
        var all = new JsonObject();
        foreach (var t in tags.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var o = new JsonObject { ["version"] = t.Version, ["createdAt"] = t.CreatedAt.ToUnixTimeMilliseconds() };
            if (t.Description is not null) o["description"] = t.Description;
            all[t.Name] = o;
        }
        return new JsonObject { ["tags"] = all }.ToJsonString();
    }
}
