namespace DeltaLite.Parquet.Encodings;

/// <summary>Checks the (offsets, data) pairs that byte-array encoders receive from callers.</summary>
internal static class ValueSpans
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless offsets[0..count] are non-decreasing, start at or after 0 and end
    /// within <paramref name="data"/>. Afterwards value i is data[offsets[i]..offsets[i+1]].
    /// </summary>
    public static void Validate(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offsets.Length < count + 1)
        {
            if (count == 0 && offsets.Length == 0) return;
            throw new ArgumentException($"{count} values need {count + 1} offsets but {offsets.Length} were given.", nameof(offsets));
        }
        int previous = offsets[0];
        if (previous < 0) throw new ArgumentException("Offset 0 is negative.", nameof(offsets));
        for (int i = 1; i <= count; i++)
        {
            int next = offsets[i];
            if (next < previous)
                throw new ArgumentException($"Offsets decrease at value {i - 1} ({previous} then {next}).", nameof(offsets));
            previous = next;
        }
        if (previous > data.Length)
            throw new ArgumentException($"Offsets end at {previous}, past the {data.Length} data bytes.", nameof(offsets));
    }
}
