namespace DeltaLite.Parquet.Reading;

/// <summary>The decoded content of one column chunk: levels for every entry and the dense non-null values.</summary>
internal sealed class LeafData
{
    /// <summary>Definition levels, or null when the column's max definition level is 0.</summary>
    public int[]? Def;

    /// <summary>Repetition levels, or null when the column's max repetition level is 0.</summary>
    public int[]? Rep;

    /// <summary>Number of level entries.</summary>
    public int LevelCount;

    /// <summary>Number of non-null values stored below.</summary>
    public int ValueCount;

    public bool[]? Bools;
    public int[]? Ints;
    public long[]? Longs;
    public float[]? Floats;
    public double[]? Doubles;
    public ByteArrayBuilder? Bytes;
}
