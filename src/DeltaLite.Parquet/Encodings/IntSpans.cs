using System.Runtime.Intrinsics;

namespace DeltaLite.Parquet.Encodings;

/// <summary>Vectorised checks over spans of levels and indices.</summary>
internal static class IntSpans
{
    /// <summary>The largest value read as unsigned (so any negative value counts as huge); 0 for an empty span.</summary>
    public static uint MaxUnsigned(ReadOnlySpan<int> values)
    {
        int i = 0;
        uint max = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<uint>.Count)
        {
            var acc = Vector256<uint>.Zero;
            for (; i + Vector256<uint>.Count <= values.Length; i += Vector256<uint>.Count)
                acc = Vector256.Max(acc, Vector256.Create(values.Slice(i, Vector256<uint>.Count)).AsUInt32());
            for (int k = 0; k < Vector256<uint>.Count; k++) max = Math.Max(max, acc.GetElement(k));
        }
        for (; i < values.Length; i++) max = Math.Max(max, (uint)values[i]);
        return max;
    }
}
