using System.Buffers.Binary;
using System.Numerics;

namespace DeltaLite.DeletionVectors;

/// <summary>
/// An immutable set of non-negative 64-bit row indexes in the form Delta stores deletion vectors: the magic number
/// 1681511377, then a 64-bit Roaring bitmap in the portable format (the number of 32-bit buckets as a 64-bit value,
/// then for each bucket, in ascending order of key, the 32-bit key and a standard 32-bit Roaring bitmap of the low
/// halves). All numbers little-endian. Keys must have their most significant bit clear (Delta's rule), so every
/// value is a non-negative <see cref="long"/>.
/// </summary>
public sealed class RoaringBitmapArray
{
    /// <summary>Magic number of the portable format (the one the Delta protocol specifies).</summary>
    public const int PortableMagicNumber = 1681511377;

    /// <summary>Magic number (big-endian) of Delta's older "native" layout, used by the protocol's inline example.</summary>
    private const int NativeMagicNumber = 1681511376;

    private const uint SerialCookieNoRunContainer = 12346;
    private const uint SerialCookie = 12347;
    private const int NoOffsetThreshold = 4;

    /// <summary>Smallest serialized bucket: key, then an empty bitmap (cookie and container count).</summary>
    private const int MinBucketBytes = 12;

    private readonly uint[] _bucketKeys;
    private readonly Bucket[] _buckets;

    private sealed class Bucket(ushort[] keys, RoaringContainer[] containers)
    {
        public readonly ushort[] Keys = keys;
        public readonly RoaringContainer[] Containers = containers;
    }

    private RoaringBitmapArray(uint[] bucketKeys, Bucket[] buckets)
    {
        _bucketKeys = bucketKeys;
        _buckets = buckets;
        long cardinality = 0;
        foreach (var bucket in buckets)
        {
            foreach (var container in bucket.Containers) cardinality += container.Cardinality;
        }
        Cardinality = cardinality;
    }

    /// <summary>The empty set.</summary>
    public static RoaringBitmapArray Empty { get; } = new([], []);

    /// <summary>Number of row indexes in the set.</summary>
    public long Cardinality { get; }

    /// <summary>True when the set has no row index.</summary>
    public bool IsEmpty => Cardinality == 0;

    /// <summary>The largest row index, or null when the set is empty.</summary>
    public long? Max
    {
        get
        {
            if (_buckets.Length == 0) return null;
            var bucket = _buckets[^1];
            return (long)_bucketKeys[^1] << 32 | (long)bucket.Keys[^1] << 16 | (long)bucket.Containers[^1].Max;
        }
    }

    /// <summary>True when <paramref name="value"/> is in the set.</summary>
    public bool Contains(long value)
    {
        if (value < 0) return false;
        int b = Array.BinarySearch(_bucketKeys, (uint)(value >> 32));
        if (b < 0) return false;
        var bucket = _buckets[b];
        int c = Array.BinarySearch(bucket.Keys, (ushort)(value >> 16));
        return c >= 0 && bucket.Containers[c].Contains((int)(value & 0xFFFF));
    }

    /// <summary>Every row index, ascending.</summary>
    public long[] ToArray()
    {
        if (Cardinality > Array.MaxLength)
            throw new InvalidOperationException($"The set has {Cardinality} values, too many for one array.");
        var result = new long[Cardinality];
        int o = 0;
        for (int b = 0; b < _buckets.Length; b++)
        {
            var bucket = _buckets[b];
            for (int c = 0; c < bucket.Containers.Length; c++)
            {
                var container = bucket.Containers[c];
                container.CopyTo(result.AsSpan(o, container.Cardinality), (long)_bucketKeys[b] << 32 | (long)bucket.Keys[c] << 16);
                o += container.Cardinality;
            }
        }
        return result;
    }

    /// <summary>
    /// For the rows <paramref name="firstRow"/> to <paramref name="firstRow"/> + <c>deleted.Length</c> - 1 (say, one
    /// Parquet row group), sets <c>deleted[i]</c> to true when row <paramref name="firstRow"/> + i is in the set.
    /// Entries for rows not in the set are left as they are. Runs are filled, bitmaps scanned a word at a time.
    /// </summary>
    public void FillDeleted(Span<bool> deleted, long firstRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        if (deleted.IsEmpty || _buckets.Length == 0) return;
        long lastRow = deleted.Length - 1 > long.MaxValue - firstRow ? long.MaxValue : firstRow + deleted.Length - 1;
        int b = Array.BinarySearch(_bucketKeys, (uint)(firstRow >> 32));
        if (b < 0) b = ~b;
        for (; b < _buckets.Length && _bucketKeys[b] <= (ulong)(lastRow >> 32); b++)
        {
            var bucket = _buckets[b];
            long bucketBase = (long)_bucketKeys[b] << 32;
            int c = 0;
            if (bucketBase < firstRow)
            {
                c = Array.BinarySearch(bucket.Keys, (ushort)(firstRow >> 16));
                if (c < 0) c = ~c;
            }
            for (; c < bucket.Containers.Length; c++)
            {
                long containerBase = bucketBase | (long)bucket.Keys[c] << 16;
                if (containerBase > lastRow) return;
                int lo = (int)Math.Max(0, firstRow - containerBase);
                int hi = (int)Math.Min(0xFFFF, lastRow - containerBase);
                if (lo <= hi) bucket.Containers[c].Mark(deleted, containerBase - firstRow, lo, hi);
            }
        }
    }

    /// <summary>The set of the given row indexes (any order, duplicates allowed), in the smallest container forms.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public static RoaringBitmapArray FromValues(IEnumerable<long> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted.Length > 0 && sorted[0] < 0)
            throw new ArgumentOutOfRangeException(nameof(values), sorted[0], "Row indexes must not be negative.");
        int distinct = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1]) sorted[distinct++] = sorted[i];
        }
        var span = sorted.AsSpan(0, distinct);

        var bucketKeys = new List<uint>();
        var buckets = new List<Bucket>();
        var lows = new ushort[65536];
        int start = 0;
        while (start < span.Length)
        {
            long high = span[start] >> 32;
            var keys = new List<ushort>();
            var containers = new List<RoaringContainer>();
            while (start < span.Length && span[start] >> 32 == high)
            {
                long chunk = span[start] >> 16;
                int n = 0;
                while (start < span.Length && span[start] >> 16 == chunk) lows[n++] = (ushort)span[start++];
                keys.Add((ushort)chunk);
                containers.Add(RoaringContainer.Create(lows.AsSpan(0, n)));
            }
            bucketKeys.Add((uint)high);
            buckets.Add(new Bucket([.. keys], [.. containers]));
        }
        return new RoaringBitmapArray([.. bucketKeys], [.. buckets]);
    }

    // ---------------------------------------------------------------- serialization

    /// <summary>
    /// The portable serialization with Delta's magic number. Each 32-bit bitmap uses the cookie without run containers
    /// when it has none (with the offset header), else the run cookie (offset header from 4 containers on).
    /// </summary>
    public byte[] Serialize()
    {
        long size = 12;
        for (int b = 0; b < _buckets.Length; b++) size += 4 + BitmapSize(_buckets[b]);
        if (size > Array.MaxLength) throw new InvalidOperationException($"The serialized set would take {size} bytes.");
        var output = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(output, PortableMagicNumber);
        BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(4), (ulong)_buckets.Length);
        int pos = 12;
        for (int b = 0; b < _buckets.Length; b++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(pos), _bucketKeys[b]);
            pos += 4;
            pos += WriteBitmap(_buckets[b], output.AsSpan(pos));
        }
        return output;
    }

    private static bool HasRun(Bucket bucket) => bucket.Containers.Any(c => c is RunContainer);

    private static int HeaderSize(Bucket bucket)
    {
        int n = bucket.Containers.Length;
        return HasRun(bucket)
            ? 4 + (n + 7) / 8 + 4 * n + (n >= NoOffsetThreshold ? 4 * n : 0)
            : 8 + 8 * n;
    }

    private static long BitmapSize(Bucket bucket)
    {
        long size = HeaderSize(bucket);
        foreach (var c in bucket.Containers) size += c.SerializedSize;
        return size;
    }

    private static int WriteBitmap(Bucket bucket, Span<byte> output)
    {
        int n = bucket.Containers.Length;
        bool hasRun = HasRun(bucket);
        int p;
        if (hasRun)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output, SerialCookie | (uint)(n - 1) << 16);
            p = 4;
            for (int i = 0; i < n; i++)
            {
                if (bucket.Containers[i] is RunContainer) output[p + i / 8] |= (byte)(1 << (i % 8));
            }
            p += (n + 7) / 8;
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output, SerialCookieNoRunContainer);
            BinaryPrimitives.WriteUInt32LittleEndian(output[4..], (uint)n);
            p = 8;
        }
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(output[p..], bucket.Keys[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(output[(p + 2)..], (ushort)(bucket.Containers[i].Cardinality - 1));
            p += 4;
        }
        int dataStart = HeaderSize(bucket);
        if (!hasRun || n >= NoOffsetThreshold)
        {
            int offset = dataStart;
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(output[p..], (uint)offset);
                p += 4;
                offset += bucket.Containers[i].SerializedSize;
            }
        }
        foreach (var container in bucket.Containers)
        {
            container.Write(output[p..]);
            p += container.SerializedSize;
        }
        return p;
    }

    /// <summary>
    /// Reads the portable serialization with Delta's magic number (and Delta's older "native" layout, magic number
    /// 1681511376, which the protocol's inline example uses). Every count and length is checked against the
    /// bytes present before anything is allocated, so corrupt input fails fast and never allocates beyond its size.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid serialization (wrong magic number, truncated,
    /// counts beyond the data, keys out of order or with the sign bit set, wrong cardinalities, trailing bytes).</exception>
    public static RoaringBitmapArray Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw Corrupt($"{data.Length} bytes is shorter than the 4-byte magic number");
        if (BinaryPrimitives.ReadInt32BigEndian(data) == NativeMagicNumber) return DeserializeNative(data);
        int magic = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (magic != PortableMagicNumber)
            throw Corrupt($"magic number {magic} (0x{(uint)magic:X8}) is not the deletion vector magic number {PortableMagicNumber}");
        if (data.Length < 12) throw Corrupt($"{data.Length} bytes ends inside the 8-byte bucket count");
        ulong bucketCount = BinaryPrimitives.ReadUInt64LittleEndian(data[4..]);
        int available = data.Length - 12;
        if (bucketCount > (ulong)(available / MinBucketBytes))
            throw Corrupt($"the bucket count {bucketCount} needs at least {MinBucketBytes} bytes each, but only {available} bytes follow");

        var keys = new List<uint>((int)bucketCount);
        var buckets = new List<Bucket>((int)bucketCount);
        int pos = 12;
        long previousKey = -1;
        for (ulong b = 0; b < bucketCount; b++)
        {
            if (data.Length - pos < 4) throw Corrupt($"bucket {b} of {bucketCount}: the data ends at byte {pos}, inside its key");
            uint key = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
            if (key > int.MaxValue) throw Corrupt($"bucket {b} has key {key}, whose most significant bit is set (Delta requires it clear)");
            if (key <= previousKey) throw Corrupt($"bucket {b} has key {key}, not above the previous key {previousKey}");
            previousKey = key;
            pos += 4;
            var bucket = ReadBitmap(data[pos..], pos, b, out int consumed);
            pos += consumed;
            if (bucket.Containers.Length == 0) continue;
            keys.Add(key);
            buckets.Add(bucket);
        }
        if (pos != data.Length) throw Corrupt($"{data.Length - pos} bytes follow the last bucket (the bitmap ends at byte {pos} of {data.Length})");
        return new RoaringBitmapArray([.. keys], [.. buckets]);
    }

    /// <summary>
    /// Delta's older "native" layout, which the protocol's inline example (rows 3, 4, 7, 11, 18, 29) uses: the magic
    /// number 1681511376 and the number of 32-bit bitmaps as big-endian 32-bit values, then for each bitmap, whose
    /// key is its position (0, 1, 2, ...), its size as a big-endian 32-bit value and a standard 32-bit Roaring bitmap.
    /// </summary>
    private static RoaringBitmapArray DeserializeNative(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw Corrupt($"native layout: {data.Length} bytes ends inside the bitmap count");
        int count = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        int available = data.Length - 8;
        if (count < 0 || count > available / MinBucketBytes)
            throw Corrupt($"native layout: the bitmap count {count} needs at least {MinBucketBytes} bytes each, but only {available} bytes follow");
        var keys = new List<uint>(count);
        var buckets = new List<Bucket>(count);
        int pos = 8;
        for (int b = 0; b < count; b++)
        {
            if (data.Length - pos < 4) throw Corrupt($"native layout: bitmap {b} of {count}: the data ends at byte {pos}, inside its size");
            int size = BinaryPrimitives.ReadInt32BigEndian(data[pos..]);
            pos += 4;
            if (size < 0 || size > data.Length - pos)
                throw Corrupt($"native layout: bitmap {b} claims {size} bytes, but {data.Length - pos} remain");
            var bucket = ReadBitmap(data.Slice(pos, size), pos, (ulong)b, out int consumed);
            if (consumed != size) throw Corrupt($"native layout: bitmap {b} claims {size} bytes but its containers take {consumed}");
            pos += size;
            if (bucket.Containers.Length == 0) continue;
            keys.Add((uint)b);
            buckets.Add(bucket);
        }
        if (pos != data.Length) throw Corrupt($"native layout: {data.Length - pos} bytes follow the last bitmap (it ends at byte {pos} of {data.Length})");
        return new RoaringBitmapArray([.. keys], [.. buckets]);
    }

    /// <summary>Reads one 32-bit Roaring bitmap at the start of <paramref name="s"/> (which begins at <paramref name="at"/>).</summary>
    private static Bucket ReadBitmap(ReadOnlySpan<byte> s, int at, ulong bucketIndex, out int consumed)
    {
        string where = $"bucket {bucketIndex} (32-bit bitmap at byte {at})";
        if (s.Length < 4) throw Corrupt($"{where}: the data ends inside the cookie");
        uint cookie = BinaryPrimitives.ReadUInt32LittleEndian(s);
        int count, p;
        bool hasRunCookie;
        ReadOnlySpan<byte> runFlags = default;
        if (cookie == SerialCookieNoRunContainer)
        {
            if (s.Length < 8) throw Corrupt($"{where}: the data ends inside the container count");
            uint c = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
            if (c > 65536) throw Corrupt($"{where}: {c} containers, more than the 65536 a 32-bit bitmap can have");
            count = (int)c;
            p = 8;
            hasRunCookie = false;
        }
        else if ((cookie & 0xFFFF) == SerialCookie)
        {
            count = (int)(cookie >> 16) + 1;
            p = 4;
            int flagBytes = (count + 7) / 8;
            if (s.Length - p < flagBytes) throw Corrupt($"{where}: the data ends inside the run-container flags of {count} containers");
            runFlags = s.Slice(p, flagBytes);
            p += flagBytes;
            hasRunCookie = true;
        }
        else
        {
            throw Corrupt($"{where}: cookie {cookie} (0x{cookie:X8}) is neither {SerialCookieNoRunContainer} nor {SerialCookie}");
        }

        bool hasOffsets = !hasRunCookie || count >= NoOffsetThreshold;
        long headerBytes = 4L * count * (hasOffsets ? 2 : 1);
        if (s.Length - p < headerBytes)
            throw Corrupt($"{where}: the header of {count} containers needs {headerBytes} bytes, but only {s.Length - p} remain");
        var descriptive = s.Slice(p, 4 * count);
        p += 4 * count;
        var offsets = hasOffsets ? s.Slice(p, 4 * count) : default;
        if (hasOffsets) p += 4 * count;

        var keys = new ushort[count];
        var containers = new RoaringContainer[count];
        for (int i = 0; i < count; i++)
        {
            ushort key = BinaryPrimitives.ReadUInt16LittleEndian(descriptive[(4 * i)..]);
            int cardinality = BinaryPrimitives.ReadUInt16LittleEndian(descriptive[(4 * i + 2)..]) + 1;
            string what = $"{where}, container {i} (key {key})";
            if (i > 0 && key <= keys[i - 1]) throw Corrupt($"{what}: key not above the previous key {keys[i - 1]}");
            if (hasOffsets)
            {
                uint offset = BinaryPrimitives.ReadUInt32LittleEndian(offsets[(4 * i)..]);
                if (offset != (uint)p) throw Corrupt($"{what}: the offset header says its data starts at {offset}, but it starts at {p}");
            }
            keys[i] = key;
            bool isRun = hasRunCookie && (runFlags[i >> 3] >> (i & 7) & 1) != 0;
            if (isRun) containers[i] = ReadRun(s, ref p, cardinality, what);
            else if (cardinality <= RoaringContainer.MaxArrayCardinality) containers[i] = ReadArray(s, ref p, cardinality, what);
            else containers[i] = ReadBitmapContainer(s, ref p, cardinality, what);
        }
        consumed = p;
        return new Bucket(keys, containers);
    }

    private static RunContainer ReadRun(ReadOnlySpan<byte> s, ref int p, int cardinality, string what)
    {
        if (s.Length - p < 2) throw Corrupt($"{what}: the data ends inside the run count");
        int runs = BinaryPrimitives.ReadUInt16LittleEndian(s[p..]);
        if (s.Length - p - 2 < 4 * runs) throw Corrupt($"{what}: {runs} runs need {4 * runs} bytes, but only {s.Length - p - 2} remain");
        var pairs = new ushort[2 * runs];
        int total = 0, previousEnd = -1;
        for (int r = 0; r < runs; r++)
        {
            int start = BinaryPrimitives.ReadUInt16LittleEndian(s[(p + 2 + 4 * r)..]);
            int lengthMinusOne = BinaryPrimitives.ReadUInt16LittleEndian(s[(p + 4 + 4 * r)..]);
            if (start <= previousEnd) throw Corrupt($"{what}: run {r} starts at {start}, not after the previous run's end {previousEnd}");
            if (start + lengthMinusOne > 0xFFFF) throw Corrupt($"{what}: run {r} ({start} + {lengthMinusOne}) goes past 65535");
            previousEnd = start + lengthMinusOne;
            total += lengthMinusOne + 1;
            pairs[2 * r] = (ushort)start;
            pairs[2 * r + 1] = (ushort)lengthMinusOne;
        }
        if (total != cardinality) throw Corrupt($"{what}: the runs hold {total} values, but the header says {cardinality}");
        p += 2 + 4 * runs;
        return new RunContainer(pairs, cardinality);
    }

    private static ArrayContainer ReadArray(ReadOnlySpan<byte> s, ref int p, int cardinality, string what)
    {
        if (s.Length - p < 2 * cardinality) throw Corrupt($"{what}: {cardinality} values need {2 * cardinality} bytes, but only {s.Length - p} remain");
        var values = new ushort[cardinality];
        for (int i = 0; i < cardinality; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16LittleEndian(s[(p + 2 * i)..]);
            if (i > 0 && values[i] <= values[i - 1]) throw Corrupt($"{what}: value {values[i]} at index {i} is not above the previous {values[i - 1]}");
        }
        p += 2 * cardinality;
        return new ArrayContainer(values);
    }

    private static BitmapContainer ReadBitmapContainer(ReadOnlySpan<byte> s, ref int p, int cardinality, string what)
    {
        if (s.Length - p < RoaringContainer.BitmapBytes)
            throw Corrupt($"{what}: a bitmap container needs {RoaringContainer.BitmapBytes} bytes, but only {s.Length - p} remain");
        var words = new ulong[1024];
        int total = 0;
        for (int w = 0; w < words.Length; w++)
        {
            words[w] = BinaryPrimitives.ReadUInt64LittleEndian(s[(p + 8 * w)..]);
            total += BitOperations.PopCount(words[w]);
        }
        if (total != cardinality) throw Corrupt($"{what}: the bitmap holds {total} values, but the header says {cardinality}");
        p += RoaringContainer.BitmapBytes;
        return new BitmapContainer(words, cardinality);
    }

    private static InvalidDataException Corrupt(string message) => new($"Invalid deletion vector bitmap: {message}.");
}
