using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Writing;

/// <summary>Shredded content of one leaf column for the current row group: levels and dense non-null physical values.</summary>
internal sealed class LeafBuffer
{
    public LeafBuffer(LeafShape leaf)
    {
        Leaf = leaf;
        if (leaf.DefLevel > 0) Def = new int[1024];
        if (leaf.RepLevel > 0) Rep = new int[1024];
        switch (leaf.Physical)
        {
            case Metadata.PhysicalType.Boolean: Bools = new bool[1024]; break;
            case Metadata.PhysicalType.Int32: Ints = new int[1024]; break;
            case Metadata.PhysicalType.Int64: Longs = new long[1024]; break;
            case Metadata.PhysicalType.Float: Floats = new float[1024]; break;
            case Metadata.PhysicalType.Double: Doubles = new double[1024]; break;
            default: Bytes = new ByteArrayBuilder(1024, 16 * 1024); break;
        }
    }

    public LeafShape Leaf { get; }

    public int[]? Def;
    public int[]? Rep;
    public int LevelCount;
    public int ValueCount;
    public bool[]? Bools;
    public int[]? Ints;
    public long[]? Longs;
    public float[]? Floats;
    public double[]? Doubles;
    public ByteArrayBuilder? Bytes;

    /// <summary>The encoded chunk of the row group being flushed; reused (capacity kept) across row groups.</summary>
    public System.Buffers.ArrayBufferWriter<byte> Output { get; } = new(1024);

    /// <summary>Approximate bytes buffered.</summary>
    public long EstimatedBytes => LevelCount * 2L + (Bytes?.DataLength ?? 0) + ValueCount * 8L;

    public void Clear()
    {
        LevelCount = 0;
        ValueCount = 0;
        Bytes?.Clear();
    }

    public void EnsureLevels(int more)
    {
        int need = LevelCount + more;
        if (Def is not null && Def.Length < need) Array.Resize(ref Def, Math.Max(need, Def.Length * 2));
        if (Rep is not null && Rep.Length < need) Array.Resize(ref Rep, Math.Max(need, Rep.Length * 2));
    }

    public void EnsureValues(int more)
    {
        int need = ValueCount + more;
        if (Bools is not null && Bools.Length < need) Array.Resize(ref Bools, Math.Max(need, Bools.Length * 2));
        if (Ints is not null && Ints.Length < need) Array.Resize(ref Ints, Math.Max(need, Ints.Length * 2));
        if (Longs is not null && Longs.Length < need) Array.Resize(ref Longs, Math.Max(need, Longs.Length * 2));
        if (Floats is not null && Floats.Length < need) Array.Resize(ref Floats, Math.Max(need, Floats.Length * 2));
        if (Doubles is not null && Doubles.Length < need) Array.Resize(ref Doubles, Math.Max(need, Doubles.Length * 2));
    }

    public void AddLevel(int def, int rep)
    {
        EnsureLevels(1);
        if (Def is not null) Def[LevelCount] = def;
        if (Rep is not null) Rep[LevelCount] = rep;
        LevelCount++;
    }
}
