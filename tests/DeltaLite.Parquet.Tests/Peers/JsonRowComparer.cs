using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>
/// Compares two lists of rows in the canonical row rendering (one JSON object per row) and describes the first
/// difference: the row index, the path of the value inside the row (<c>$.col.field[2].key</c>) and both values.
/// </summary>
/// <remarks>
/// Numbers compare by value: two integers (no fraction or exponent in their text) compare exactly, whatever their
/// length; otherwise both are read as doubles and are equal when the doubles are equal, or when both round to the
/// same finite float32 (a FLOAT column printed at float precision by one side and at double precision by the other).
/// Object members compare by name, whatever their order. Everything else (strings, booleans, null, array lengths
/// and order, JSON kinds) must be exactly equal: "1" and 1 differ.
/// </remarks>
internal static class JsonRowComparer
{
    /// <summary>Null when the two lists are equal; otherwise a message describing the first difference.</summary>
    public static string? Compare(
        IReadOnlyList<JsonElement> expected, IReadOnlyList<JsonElement> actual,
        string expectedName = "expected", string actualName = "actual")
    {
        int common = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < common; i++)
        {
            var diff = Difference(expected[i], actual[i], "$");
            if (diff is not null)
            {
                var (path, e, a) = diff.Value;
                var countNote = expected.Count == actual.Count
                    ? ""
                    : $" (row counts also differ: {expectedName} {expected.Count}, {actualName} {actual.Count})";
                return $"Row {i} differs at {path}{countNote}:\n" +
                       $"  {expectedName}: {e}\n" +
                       $"  {actualName}: {a}\n" +
                       $"  {expectedName} row: {Show(expected[i], 2000)}\n" +
                       $"  {actualName} row: {Show(actual[i], 2000)}";
            }
        }
        if (expected.Count != actual.Count)
        {
            var extra = expected.Count > actual.Count
                ? $"first row only in {expectedName}: {Show(expected[common], 2000)}"
                : $"first row only in {actualName}: {Show(actual[common], 2000)}";
            return $"Row counts differ: {expectedName} has {expected.Count}, {actualName} has {actual.Count} " +
                   $"(the first {common} are equal); {extra}";
        }
        return null;
    }

    /// <summary>Fails the test with <see cref="Compare"/>'s message when the two lists differ.</summary>
    public static void AssertEqual(
        IReadOnlyList<JsonElement> expected, IReadOnlyList<JsonElement> actual,
        string expectedName = "expected", string actualName = "actual")
    {
        var message = Compare(expected, actual, expectedName, actualName);
        if (message is not null) Assert.Fail(message);
    }

    /// <summary>True when two JSON values are equal under the comparer's rules.</summary>
    public static bool ValueEquals(JsonElement expected, JsonElement actual) => Difference(expected, actual, "$") is null;

    private static (string Path, string Expected, string Actual)? Difference(JsonElement e, JsonElement a, string path)
    {
        if (e.ValueKind != a.ValueKind)
        {
            // true and false are distinct kinds in System.Text.Json, which is what we want here too.
            return (path, Show(e), Show(a));
        }
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var actualMembers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in a.EnumerateObject())
                {
                    if (!actualMembers.TryAdd(p.Name, p.Value))
                        return ($"{path}{Member(p.Name)}", "(a single member)", "(a duplicated member)");
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    var childPath = path + Member(p.Name);
                    if (!seen.Add(p.Name)) return (childPath, "(a duplicated member)", "(a single member)");
                    if (!actualMembers.TryGetValue(p.Name, out var av)) return (childPath, Show(p.Value), "(missing)");
                    var diff = Difference(p.Value, av, childPath);
                    if (diff is not null) return diff;
                }
                foreach (var name in actualMembers.Keys)
                {
                    if (!seen.Contains(name)) return (path + Member(name), "(missing)", Show(actualMembers[name]));
                }
                return null;
            }
            case JsonValueKind.Array:
            {
                int el = e.GetArrayLength(), al = a.GetArrayLength();
                int n = Math.Min(el, al);
                for (int i = 0; i < n; i++)
                {
                    var diff = Difference(e[i], a[i], $"{path}[{i}]");
                    if (diff is not null) return diff;
                }
                if (el != al)
                    return ($"{path} (array length)", $"{el} items: {Show(e)}", $"{al} items: {Show(a)}");
                return null;
            }
            case JsonValueKind.Number:
                return NumbersEqual(e.GetRawText(), a.GetRawText()) ? null : (path, Show(e), Show(a));
            case JsonValueKind.String:
                return string.Equals(e.GetString(), a.GetString(), StringComparison.Ordinal) ? null : (path, Show(e), Show(a));
            default: // True, False, Null: equal kinds are equal values
                return null;
        }
    }

    /// <summary>Compares two JSON number texts by value (see the class remarks).</summary>
    public static bool NumbersEqual(string expected, string actual)
    {
        if (IsInteger(expected) && IsInteger(actual))
            return BigInteger.Parse(expected, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                   == BigInteger.Parse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        double e = double.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture);
        double a = double.Parse(actual, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (e == a) return true;
        float ef = (float)e, af = (float)a;
        return float.IsFinite(ef) && ef == af;
    }

    private static bool IsInteger(string number) => number.AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static string Member(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "." + name
            : "[" + JsonSerializer.Serialize(name) + "]";

    private static string Show(JsonElement value, int max = 300)
    {
        var text = value.ValueKind == JsonValueKind.Undefined ? "(undefined)" : value.GetRawText();
        if (text.Length <= max) return text;
        var sb = new StringBuilder(text, 0, max, max + 32);
        sb.Append("... (").Append(text.Length).Append(" chars)");
        return sb.ToString();
    }
}
