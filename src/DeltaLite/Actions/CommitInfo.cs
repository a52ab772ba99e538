using System.Text.Json.Nodes;

namespace DeltaLite.Actions;

/// <summary>
/// Free-form provenance of a commit. The spec leaves its content open; the fields every engine writes are exposed
/// typed, everything is kept in <see cref="Values"/>.
/// </summary>
public sealed record CommitInfoAction(JsonObject Values) : DeltaAction
{
    public long? Timestamp => Long("timestamp");

    /// <summary>The in-commit timestamp, when the table enables them (ms since epoch).</summary>
    public long? InCommitTimestamp => Long("inCommitTimestamp");

    public string? Operation => Values["operation"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Values["operation"] : null;

    public string? EngineInfo => Values["engineInfo"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Values["engineInfo"] : null;

    public bool? IsBlindAppend => Values["isBlindAppend"]?.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
        ? (bool?)Values["isBlindAppend"] : null;

    public JsonObject? OperationParameters => Values["operationParameters"] as JsonObject;

    public JsonObject? OperationMetrics => Values["operationMetrics"] as JsonObject;

    private long? Long(string name)
    {
        var node = Values[name];
        if (node is null) return null;
        try
        {
            return node.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.Number => (long)node,
                System.Text.Json.JsonValueKind.String => long.TryParse((string?)node, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
                _ => null,
            };
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
