using System.Text.RegularExpressions;

namespace DeltaLite.LoanGenerator;

/// <summary>A validated table name: letters, digits and underscores, optionally "schema.table".</summary>
internal readonly partial record struct TableName(string? Schema, string Name)
{
    public static TableName Parse(string text, bool allowSchema)
    {
        var m = Pattern().Match(text);
        if (!m.Success || (!allowSchema && m.Groups["schema"].Success))
        {
            throw new LoanGeneratorException($"--table '{text}' must be letters, digits and underscores{(allowSchema ? ", optionally schema.table" : "")}");
        }
        return new TableName(m.Groups["schema"].Success ? m.Groups["schema"].Value : null, m.Groups["name"].Value);
    }

    [GeneratedRegex(@"^(?:(?<schema>[A-Za-z_][A-Za-z0-9_]{0,62})\.)?(?<name>[A-Za-z_][A-Za-z0-9_]{0,62})$")]
    private static partial Regex Pattern();
}
