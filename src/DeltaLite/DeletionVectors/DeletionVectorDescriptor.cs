namespace DeltaLite.DeletionVectors;

/// <summary>Where a file's deleted rows are recorded (PROTOCOL.md, Deletion Vector Descriptor).</summary>
public sealed record DeletionVectorDescriptor(string StorageType, string PathOrInlineDv, int? Offset, int SizeInBytes, long Cardinality)
{
    /// <summary>Identifies the deletion vector within the table: storage type, path or inline data, and offset.</summary>
    public string UniqueId => StorageType + PathOrInlineDv + (Offset is int o ? "@" + o.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
}
