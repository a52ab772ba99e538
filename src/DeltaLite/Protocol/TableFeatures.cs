using DeltaLite.Actions;

namespace DeltaLite.Protocol;

/// <summary>Which protocol versions and table features DeltaLite can read and write.</summary>
public static class TableFeatures
{
    /// <summary>Reader features DeltaLite understands.</summary>
    public static readonly IReadOnlySet<string> SupportedReaderFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint", "vacuumProtocolCheck", "typeWidening", "typeWidening-preview",
    };

    /// <summary>Writer features DeltaLite honours when it writes.</summary>
    public static readonly IReadOnlySet<string> SupportedWriterFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "appendOnly", "columnMapping", "timestampNtz", "domainMetadata", "vacuumProtocolCheck", "inCommitTimestamp", "deletionVectors",
        "typeWidening", "typeWidening-preview",
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

    /// <summary>
    /// The writer features the table uses that DeltaLite does not honour (empty when writable). A feature that is
    /// listed (or implied by a legacy writer version) but not in use, such as invariants with no invariant in the
    /// schema, does not stop a writer.
    /// </summary>
    public static IReadOnlyList<string> UnsupportedWriterFeatures(ProtocolAction p, MetadataAction m)
    {
        var features = new HashSet<string>(StringComparer.Ordinal);
        if (p.MinWriterVersion >= 7) features.UnionWith(p.WriterFeatures ?? []);
        else
        {
            if (p.MinWriterVersion >= 2) features.UnionWith(["appendOnly", "invariants"]);
            if (p.MinWriterVersion >= 3) features.Add("checkConstraints");
            if (p.MinWriterVersion >= 4) features.UnionWith(["changeDataFeed", "generatedColumns"]);
            if (p.MinWriterVersion >= 5) features.Add("columnMapping");
            if (p.MinWriterVersion >= 6) features.Add("identityColumns");
        }
        var missing = new List<string>();
        if (p.MinWriterVersion > 7) missing.Add($"writerVersion{p.MinWriterVersion}");
        foreach (var f in features.Order(StringComparer.Ordinal))
        {
            bool inUse = f switch
            {
                "invariants" => m.SchemaString.Contains("\"delta.invariants\"", StringComparison.Ordinal),
                "checkConstraints" => m.Configuration.Keys.Any(k => k.StartsWith("delta.constraints.", StringComparison.Ordinal)),
                "changeDataFeed" => m.Configuration.TryGetValue("delta.enableChangeDataFeed", out var cdf) && cdf.Equals("true", StringComparison.OrdinalIgnoreCase),
                "generatedColumns" => m.SchemaString.Contains("\"delta.generationExpression\"", StringComparison.Ordinal),
                "identityColumns" => m.SchemaString.Contains("\"delta.identity.", StringComparison.Ordinal),
                _ => !SupportedWriterFeatures.Contains(f),
            };
            if (inUse && !SupportedWriterFeatures.Contains(f)) missing.Add(f);
        }
        return missing;
    }

    /// <summary>Throws <see cref="UnsupportedTableFeatureException"/> when DeltaLite may not write the table.</summary>
    public static void CheckWritable(ProtocolAction p, MetadataAction m, string table)
    {
        var missing = UnsupportedWriterFeatures(p, m);
        if (missing.Count > 0)
            throw new UnsupportedTableFeatureException(
                $"{table}: the table uses writer feature{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(f => $"'{f}'"))}, which DeltaLite does not support; it can read the table but not write it.", missing);
    }

    /// <summary>True when the table has the (reader or writer) feature, by name or implied by a legacy version.</summary>
    public static bool Has(ProtocolAction p, string feature) =>
        (p.ReaderFeatures?.Contains(feature) ?? false) || (p.WriterFeatures?.Contains(feature) ?? false)
        || (feature == "columnMapping" && p.MinReaderVersion == 2 && p.MinWriterVersion >= 5);
}
