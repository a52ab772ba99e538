using DeltaLite.Actions;

namespace DeltaLite.Protocol;

/// <summary>Which protocol versions and table features DeltaLite can read and write.</summary>
public static class TableFeatures
{
    /// <summary>Reader features DeltaLite understands.</summary>
    public static readonly IReadOnlySet<string> SupportedReaderFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck",
    };

    /// <summary>Writer features DeltaLite honours when it writes.</summary>
    public static readonly IReadOnlySet<string> SupportedWriterFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "appendOnly", "columnMapping", "timestampNtz", "domainMetadata", "vacuumProtocolCheck", "inCommitTimestamp",
    };

    /// <summary>Throws <see cref="UnsupportedTableFeatureException"/> when the table needs a reader DeltaLite is not.</summary>
    public static void CheckReadable(ProtocolAction p, string table)
    {
        if (p.MinReaderVersion > 3)
            throw new UnsupportedTableFeatureException($"{table}: the table needs reader version {p.MinReaderVersion}; DeltaLite reads versions 1 to 3.", [$"readerVersion{p.MinReaderVersion}"]);
        if (p.MinReaderVersion == 3)
        {
            var missing = (p.ReaderFeatures ?? []).Where(f => !SupportedReaderFeatures.Contains(f)).ToList();
            if (missing.Count > 0)
                throw new UnsupportedTableFeatureException(
                    $"{table}: the table uses reader feature{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(f => $"'{f}'"))}, which DeltaLite does not support, so it cannot read it.", missing);
        }
    }

    /// <summary>The writer features the table needs that DeltaLite does not honour (empty when writable).</summary>
    public static IReadOnlyList<string> UnsupportedWriterFeatures(ProtocolAction p, MetadataAction m)
    {
        var missing = new List<string>();
        if (p.MinWriterVersion >= 7)
        {
            missing.AddRange((p.WriterFeatures ?? []).Where(f => !SupportedWriterFeatures.Contains(f)));
            return missing;
        }
        // Legacy versions imply features; only those actually in use stop a writer.
        if (p.MinWriterVersion > 7) missing.Add($"writerVersion{p.MinWriterVersion}");
        if (p.MinWriterVersion >= 2 && m.SchemaString.Contains("\"delta.invariants\"", StringComparison.Ordinal)) missing.Add("invariants");
        if (p.MinWriterVersion >= 3 && m.Configuration.Keys.Any(k => k.StartsWith("delta.constraints.", StringComparison.Ordinal))) missing.Add("checkConstraints");
        if (p.MinWriterVersion >= 4 && m.Configuration.TryGetValue("delta.enableChangeDataFeed", out var cdf) && cdf.Equals("true", StringComparison.OrdinalIgnoreCase)) missing.Add("changeDataFeed");
        if (p.MinWriterVersion >= 4 && m.SchemaString.Contains("\"delta.generationExpression\"", StringComparison.Ordinal)) missing.Add("generatedColumns");
        if (p.MinWriterVersion >= 6 && m.SchemaString.Contains("\"delta.identity.", StringComparison.Ordinal)) missing.Add("identityColumns");
        return missing;
    }

    /// <summary>True when the table has the (reader or writer) feature, by name or implied by a legacy version.</summary>
    public static bool Has(ProtocolAction p, string feature) =>
        (p.ReaderFeatures?.Contains(feature) ?? false) || (p.WriterFeatures?.Contains(feature) ?? false)
        || (feature == "columnMapping" && p.MinReaderVersion == 2 && p.MinWriterVersion >= 5);
}
