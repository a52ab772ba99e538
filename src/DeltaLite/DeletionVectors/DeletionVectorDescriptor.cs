using System.Text.Json.Serialization;

namespace DeltaLite.DeletionVectors;

/// <summary>
/// The <c>deletionVector</c> field of an <c>add</c> or <c>remove</c> action: where the set of deleted rows of one
/// data file is kept. Serializes with System.Text.Json to the protocol's field names (offset omitted when absent).
/// </summary>
/// <param name="StorageType"><c>u</c>: a file under the table root named from a UUID; <c>i</c>: inline in the log;
/// <c>p</c>: a file at an absolute path.</param>
/// <param name="PathOrInlineDv">For <c>u</c>, an optional random prefix and then the Z85-encoded UUID (20 characters);
/// for <c>i</c>, the Z85-encoded bitmap; for <c>p</c>, the absolute path.</param>
/// <param name="Offset">Where the DV's data starts in its file (absent for inline DVs; read as 0 when absent otherwise).</param>
/// <param name="SizeInBytes">Size of the serialized bitmap (before Z85 encoding when inline).</param>
/// <param name="Cardinality">Number of rows the DV deletes.</param>
public sealed record DeletionVectorDescriptor(
    [property: JsonPropertyName("storageType")] string StorageType,
    [property: JsonPropertyName("pathOrInlineDv")] string PathOrInlineDv,
    [property: JsonPropertyName("offset"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Offset,
    [property: JsonPropertyName("sizeInBytes")] int SizeInBytes,
    [property: JsonPropertyName("cardinality")] long Cardinality)
{
    /// <summary>Storage type of a DV file under the table root whose name comes from a UUID.</summary>
    public const string UuidRelativePath = "u";

    /// <summary>Storage type of a DV kept inline in the log.</summary>
    public const string InlineStorage = "i";

    /// <summary>Storage type of a DV file at an absolute path.</summary>
    public const string AbsolutePath = "p";

    /// <summary>Length of a Z85-encoded UUID (16 bytes).</summary>
    private const int EncodedUuidLength = 20;

    /// <summary>
    /// Identifies the DV for a data file: storage type, then path or inline data, then "@" and the offset when there
    /// is one. With the path, the key of a logical file in log replay.
    /// </summary>
    [JsonIgnore]
    public string UniqueId => Offset is { } offset ? $"{StorageType}{PathOrInlineDv}@{offset}" : StorageType + PathOrInlineDv;

    /// <summary>True when the DV is stored inline in the log (storage type <c>i</c>).</summary>
    [JsonIgnore]
    public bool IsInline => StorageType == InlineStorage;

    /// <summary>True when the DV is stored at an absolute path (storage type <c>p</c>).</summary>
    [JsonIgnore]
    public bool IsAbsolutePath => StorageType == AbsolutePath;

    /// <summary>
    /// Where the DV file is. For <c>u</c>: relative to the table root, <c>[prefix/]deletion_vector_&lt;uuid&gt;.bin</c>
    /// with the UUID in canonical lowercase form. For <c>p</c>: the absolute path or URI, as stored (the caller
    /// resolves it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The DV is inline, so it has no file.</exception>
    /// <exception cref="FormatException">The storage type is unknown, or a <c>u</c> path does not end in a valid
    /// Z85-encoded UUID.</exception>
    public string RelativePath()
    {
        switch (StorageType)
        {
            case UuidRelativePath:
            {
                if (PathOrInlineDv.Length < EncodedUuidLength)
                    throw new FormatException($"Deletion vector path '{PathOrInlineDv}' is shorter than the {EncodedUuidLength}-character encoded UUID.");
                string prefix = PathOrInlineDv[..^EncodedUuidLength];
                byte[] uuidBytes;
                try
                {
                    uuidBytes = Z85.Decode(PathOrInlineDv.AsSpan(PathOrInlineDv.Length - EncodedUuidLength));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"Deletion vector path '{PathOrInlineDv}' does not end in a Z85-encoded UUID: {e.Message}", e);
                }
                string file = $"deletion_vector_{new Guid(uuidBytes, bigEndian: true):D}.bin";
                return prefix.Length == 0 ? file : $"{prefix}/{file}";
            }
            case AbsolutePath:
                return PathOrInlineDv;
            case InlineStorage:
                throw new InvalidOperationException("An inline deletion vector has no file.");
            default:
                throw new FormatException($"Unknown deletion vector storage type '{StorageType}' (expected 'u', 'i' or 'p').");
        }
    }

    /// <summary>The <c>pathOrInlineDv</c> of a <c>u</c> DV: the random prefix (may be empty) and the Z85-encoded UUID.</summary>
    public static string EncodeUuidPath(Guid uuid, string randomPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(randomPrefix);
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return randomPrefix + Z85.Encode(bytes);
    }

    /// <summary>A descriptor of a DV stored in a file under the table root named from <paramref name="uuid"/>.</summary>
    public static DeletionVectorDescriptor OnDisk(Guid uuid, string randomPrefix, int offset, int sizeInBytes, long cardinality) =>
        new(UuidRelativePath, EncodeUuidPath(uuid, randomPrefix), offset, sizeInBytes, cardinality);

    /// <summary>A descriptor of a DV kept inline in the log.</summary>
    public static DeletionVectorDescriptor Inline(RoaringBitmapArray bitmap)
    {
        var bytes = bitmap.Serialize();
        return new(InlineStorage, Z85.EncodePadded(bytes), null, bytes.Length, bitmap.Cardinality);
    }
}
