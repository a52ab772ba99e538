using System.Buffers.Binary;
using System.Diagnostics;
using DeltaLite.DeletionVectors;

namespace DeltaLite.Tests.DeletionVectors;

/// <summary>Little-endian byte writer for hand-made serializations, written from the format specs.</summary>
internal sealed class LeBytes
{
    private readonly List<byte> _bytes = [];
    public LeBytes U16(int v) { _bytes.Add((byte)v); _bytes.Add((byte)(v >> 8)); return this; }
    public LeBytes U32(uint v) { for (int i = 0; i < 4; i++) _bytes.Add((byte)(v >> (8 * i))); return this; }
    public LeBytes U64(ulong v) { for (int i = 0; i < 8; i++) _bytes.Add((byte)(v >> (8 * i))); return this; }
    public LeBytes Raw(params byte[] b) { _bytes.AddRange(b); return this; }
    public int Length => _bytes.Count;
    public byte[] ToArray() => [.. _bytes];

    /// <summary>Magic number and bucket count.</summary>
    public static LeBytes Header(ulong buckets) => new LeBytes().U32(1681511377).U64(buckets);
}

public class RoaringBitmapArrayTests
{
    private const uint NoRunCookie = 12346;
    private const uint RunCookie = 12347;

    private static long[] SortedDistinct(IEnumerable<long> values) => values.Distinct().Order().ToArray();

    /// <summary>Checks a set against the expected values: ToArray, Cardinality, Contains, Max, serialization round trip.</summary>
    private static void AssertSet(long[] expected, RoaringBitmapArray set, Random random)
    {
        Assert.Equal(expected.LongLength, set.Cardinality);
        Assert.Equal(expected, set.ToArray());
        Assert.Equal(expected.Length == 0 ? null : expected[^1], set.Max);
        foreach (var v in expected.Take(2000)) Assert.True(set.Contains(v), $"should contain {v}");
        var members = expected.ToHashSet();
        for (int i = 0; i < 2000; i++)
        {
            long probe = expected.Length > 0 && i % 2 == 0 ? expected[random.Next(expected.Length)] + random.Next(-3, 4) : random.NextInt64(0, 1L << 40);
            if (probe < 0) continue;
            Assert.Equal(members.Contains(probe), set.Contains(probe));
        }
        Assert.False(set.Contains(-1));

        var bytes = set.Serialize();
        var back = RoaringBitmapArray.Deserialize(bytes);
        Assert.Equal(expected, back.ToArray());
        Assert.Equal(bytes, back.Serialize());
    }

    public static TheoryData<string> Shapes() => ["sparse", "dense", "runs", "full", "buckets", "mixed", "edges"];

    private static long[] Make(string shape, Random random) => shape switch
    {
        // Few values spread widely: array containers.
        "sparse" => SortedDistinct(Enumerable.Range(0, 3000).Select(_ => random.NextInt64(0, 1L << 24))),
        // Half of each 65536 block: bitmap containers (more than 4096 values, no runs worth encoding).
        "dense" => SortedDistinct(Enumerable.Range(0, 70000).Select(_ => random.NextInt64(0, 3 * 65536))),
        // Long ranges: run containers.
        "runs" => SortedDistinct(Enumerable.Range(0, 40).SelectMany(_ =>
        {
            long start = random.NextInt64(0, 1L << 22);
            return Enumerable.Range(0, random.Next(1, 5000)).Select(i => start + i);
        })),
        // Every value of two whole containers (cardinality 65536 each).
        "full" => Enumerable.Range(0, 2 * 65536).Select(i => (long)i + 5 * 65536).ToArray(),
        // Values above 2^32 in several buckets, with a gap bucket between.
        "buckets" => SortedDistinct(new[] { 0L, 1L << 32, 3L << 32, 7L << 32, (1L << 40) + 5 }
            .SelectMany(b => Enumerable.Range(0, 500).Select(_ => b + random.NextInt64(0, 1 << 20)))),
        // All three container kinds in one bucket and more buckets.
        "mixed" => SortedDistinct(
            Enumerable.Range(0, 100).Select(_ => random.NextInt64(0, 65536))
            .Concat(Enumerable.Range(0, 30000).Select(_ => 65536 + random.NextInt64(0, 65536)))
            .Concat(Enumerable.Range(0, 20000).Select(i => 2 * 65536L + i))
            .Concat(Enumerable.Range(0, 9).Select(i => (2L << 32) + i * 1000))
            .Concat(Enumerable.Range(0, 6000).Select(i => (5L << 32) + 65536L * 3 + i * 2))),
        // Boundaries of containers and buckets, and the largest Delta row index.
        "edges" => SortedDistinct(new[] { 0L, 65535, 65536, 65537, uint.MaxValue, 1L << 32, (1L << 32) + 65535, long.MaxValue - 1, long.MaxValue }),
        _ => throw new ArgumentException(shape),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RandomSetsRoundTrip(string shape)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var random = new Random(seed * 31 + shape.Length);
            var expected = Make(shape, random);
            // FromValues takes any order and duplicates.
            var shuffled = expected.Concat(expected.Take(50)).OrderBy(_ => random.Next()).ToArray();
            AssertSet(expected, RoaringBitmapArray.FromValues(shuffled), random);
        }
    }

    [Fact]
    public void EmptySet()
    {
        var empty = RoaringBitmapArray.FromValues([]);
        Assert.True(empty.IsEmpty);
        Assert.Equal(0, empty.Cardinality);
        Assert.Null(empty.Max);
        Assert.Empty(empty.ToArray());
        Assert.Equal(LeBytes.Header(0).ToArray(), empty.Serialize());
        Assert.True(RoaringBitmapArray.Deserialize(LeBytes.Header(0).ToArray()).IsEmpty);
        Assert.Equal(0, RoaringBitmapArray.Empty.Cardinality);
    }

    [Fact]
    public void NegativeValuesAreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RoaringBitmapArray.FromValues([1, -5]));

    [Fact]
    public void ChoosesTheSmallestContainer()
    {
        // 5 scattered values: array container, no-run cookie: 12 + 4 key + 8 cookie/count + 4 descriptive + 4 offset + 10.
        var array = RoaringBitmapArray.FromValues([1, 5, 9, 100, 4000]).Serialize();
        Assert.Equal(42, array.Length);
        Assert.Equal(NoRunCookie, BinaryPrimitives.ReadUInt32LittleEndian(array.AsSpan(16)));

        // 10000 consecutive values: one run (2 + 4 bytes) beats a bitmap; run cookie, 1 container so no offsets.
        var run = RoaringBitmapArray.FromValues(Enumerable.Range(100, 10000).Select(i => (long)i)).Serialize();
        Assert.Equal(RunCookie, BinaryPrimitives.ReadUInt32LittleEndian(run.AsSpan(16)) & 0xFFFF);
        Assert.Equal(12 + 4 + 4 + 1 + 4 + 6, run.Length);

        // Every even value of a block: 32768 values, bitmap container.
        var bitmap = RoaringBitmapArray.FromValues(Enumerable.Range(0, 32768).Select(i => 2L * i)).Serialize();
        Assert.Equal(12 + 4 + 8 + 8 + 8192, bitmap.Length);
    }

    [Fact]
    public void ReadsTheProtocolsInlineExample()
    {
        // PROTOCOL.md, "JSON Example 3 — Inline": sizeInBytes 40, cardinality 6, rows 3, 4, 7, 11, 18, 29.
        var bytes = Z85.DecodePadded("wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", 40);
        // The bytes are in Delta's older "native" layout: big-endian magic 1681511376, bitmap count 1, size 28, then
        // the 32-bit bitmap (no-run cookie, 1 array container of 6 values).
        Assert.Equal(new byte[] { 0x64, 0x39, 0xD3, 0xD0, 0, 0, 0, 1, 0, 0, 0, 28, 0x3A, 0x30, 0, 0 }, bytes[..16]);
        var set = RoaringBitmapArray.Deserialize(bytes);
        Assert.Equal(new long[] { 3, 4, 7, 11, 18, 29 }, set.ToArray());
        // We write the portable layout: magic, 1 bucket, key 0, then the same 28-byte 32-bit bitmap.
        var portable = set.Serialize();
        Assert.Equal(LeBytes.Header(1).U32(0).Raw(bytes[12..]).ToArray(), portable);
    }

    [Fact]
    public void ReadsTheNativeLayoutWithSeveralBitmaps()
    {
        // Bitmap 0 empty-but-present, bitmap 1 holds {5}, bitmap 2 holds {1, 2}: keys are positions.
        static byte[] Be(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
        var empty = new LeBytes().U32(NoRunCookie).U32(0).ToArray();
        var one = new LeBytes().U32(NoRunCookie).U32(1).U16(0).U16(0).U32(16).U16(5).ToArray();
        var two = new LeBytes().U32(NoRunCookie).U32(1).U16(0).U16(1).U32(16).U16(1).U16(2).ToArray();
        var bytes = new LeBytes().Raw(Be(1681511376)).Raw(Be(3))
            .Raw(Be(empty.Length)).Raw(empty).Raw(Be(one.Length)).Raw(one).Raw(Be(two.Length)).Raw(two).ToArray();
        var set = RoaringBitmapArray.Deserialize(bytes);
        Assert.Equal(new[] { (1L << 32) + 5, (2L << 32) + 1, (2L << 32) + 2 }, set.ToArray());
        for (int length = 0; length < bytes.Length; length++)
        {
            int n = length;
            Assert.Throws<InvalidDataException>(() => RoaringBitmapArray.Deserialize(bytes.AsSpan(0, n)));
        }
        // A size that disagrees with the bitmap's own length.
        var wrongSize = (byte[])bytes.Clone();
        wrongSize[8 + 3] = (byte)(empty.Length + 2);
        Assert.Throws<InvalidDataException>(() => RoaringBitmapArray.Deserialize(wrongSize));
    }

    [Fact]
    public void ReadsHandMadeRunContainersFromTheSpecExample()
    {
        // RoaringFormatSpec: runs (1,10), (20,0), (31,2) are 1..11, 20, 31..33. One container of key 3 in bucket 2,
        // run cookie with (count - 1) << 16 = 0, run flags 0b1, descriptive header, no offset header (< 4 containers).
        var bytes = LeBytes.Header(1).U32(2)
            .U32(RunCookie).Raw(0b1).U16(3).U16(15 - 1)
            .U16(3).U16(1).U16(10).U16(20).U16(0).U16(31).U16(2)
            .ToArray();
        var set = RoaringBitmapArray.Deserialize(bytes);
        long baseValue = (2L << 32) + 3 * 65536;
        var expected = Enumerable.Range(1, 11).Append(20).Concat(Enumerable.Range(31, 3)).Select(v => baseValue + v).ToArray();
        Assert.Equal(expected, set.ToArray());
        Assert.Equal(bytes, set.Serialize());
    }

    [Fact]
    public void ReadsHandMadeMixedContainersWithOffsetHeader()
    {
        // Run cookie with 4 containers (so the offset header is present): array, run, bitmap, array.
        var bitmapWords = new byte[8192];
        for (int v = 0; v < 65536; v += 3) bitmapWords[v / 8] |= (byte)(1 << (v % 8)); // 21846 values
        int header = 4 + 1 + 16 + 16;
        int o0 = header, o1 = o0 + 4, o2 = o1 + 6, o3 = o2 + 8192;
        var bytes = LeBytes.Header(1).U32(0)
            .U32(RunCookie | 3u << 16).Raw(0b0010)
            .U16(0).U16(1).U16(1).U16(65535).U16(2).U16(21846 - 1).U16(9).U16(0)
            .U32((uint)o0).U32((uint)o1).U32((uint)o2).U32((uint)o3)
            .U16(7).U16(65535)        // array: 7, 65535
            .U16(1).U16(0).U16(65535) // run: the whole container 1
            .Raw(bitmapWords)         // bitmap: multiples of 3 in container 2
            .U16(42)                  // array: 42 in container 9
            .ToArray();
        var set = RoaringBitmapArray.Deserialize(bytes);
        Assert.Equal(2 + 65536 + 21846 + 1, set.Cardinality);
        Assert.True(set.Contains(7) && set.Contains(65535) && !set.Contains(8));
        Assert.True(set.Contains(65536) && set.Contains(2 * 65536 - 1));
        Assert.True(set.Contains(2 * 65536 + 3) && !set.Contains(2 * 65536 + 4));
        Assert.True(set.Contains(9 * 65536 + 42) && !set.Contains(9 * 65536 + 43));
        Assert.Equal(9 * 65536 + 42, set.Max);
        Assert.Equal(bytes, set.Serialize());
    }

    [Fact]
    public void FillDeletedMarksExactlyTheRowsInRange()
    {
        var random = new Random(11);
        var values = Make("mixed", random).Concat(Make("buckets", random)).Concat(Make("runs", random)).ToArray();
        var set = RoaringBitmapArray.FromValues(values);
        var members = values.ToHashSet();
        long[] starts = [0, 1, 65530, 65536 + 17, 2 * 65536 - 100, (2L << 32) - 10, (5L << 32) + 3 * 65536 - 1, 1L << 32, 123456];
        foreach (long firstRow in starts.Concat(Enumerable.Range(0, 40).Select(_ => values[random.Next(values.Length)] - random.Next(0, 70000))))
        {
            if (firstRow < 0) continue;
            var deleted = new bool[random.Next(1, 200000)];
            set.FillDeleted(deleted, firstRow);
            for (int i = 0; i < deleted.Length; i++)
            {
                if (deleted[i] != members.Contains(firstRow + i))
                    Assert.Fail($"row {firstRow + i} (range starting at {firstRow}): marked {deleted[i]}, member {!deleted[i]}");
            }
        }
    }

    [Fact]
    public void FillDeletedLeavesOtherEntriesAlone()
    {
        var set = RoaringBitmapArray.FromValues([2, 5]);
        var deleted = new bool[] { true, false, false, false, false, false };
        set.FillDeleted(deleted, 0);
        Assert.Equal(new[] { true, false, true, false, false, true }, deleted);
        var beyond = new bool[4];
        set.FillDeleted(beyond, 6);
        Assert.All(beyond, Assert.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.FillDeleted(new bool[1], -1));
        // A range ending at the largest row index.
        var top = RoaringBitmapArray.FromValues([long.MaxValue - 1, long.MaxValue]);
        var last = new bool[3];
        top.FillDeleted(last, long.MaxValue - 2);
        Assert.Equal(new[] { false, true, true }, last);
    }

    // ------------------------------------------------------------------ corrupt input

    private static byte[] Sample() => RoaringBitmapArray.FromValues(
        new long[] { 1, 2, 3, 1000 }
            .Concat(Enumerable.Range(0, 300).Select(i => 65536L + i))          // run container
            .Concat(Enumerable.Range(0, 5000).Select(i => 3 * 65536L + 2 * i)) // bitmap container
            .Concat(new[] { 4 * 65536L, 5 * 65536L, (1L << 32) + 9, (9L << 32) + 65536 * 4 + 7 })).Serialize();

    [Fact]
    public void EveryTruncationFails()
    {
        var bytes = Sample();
        for (int length = 0; length < bytes.Length; length++)
        {
            int n = length;
            Assert.Throws<InvalidDataException>(() => RoaringBitmapArray.Deserialize(bytes.AsSpan(0, n)));
        }
    }

    [Fact]
    public void TrailingBytesFail()
    {
        var bytes = Sample().Append((byte)0).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => RoaringBitmapArray.Deserialize(bytes));
        Assert.Contains("follow the last bucket", e.Message);
    }

    [Fact]
    public void RandomCorruptionFailsCleanlyAndFast()
    {
        var original = Sample();
        var random = new Random(5);
        int failures = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                // Mostly the headers (where lengths and counts live), sometimes anywhere.
                int at = random.Next(3) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(bytes.Length, 80));
                bytes[at] = (byte)random.Next(256);
            }
            try
            {
                var set = RoaringBitmapArray.Deserialize(bytes);
                Assert.True(set.Cardinality >= 0);
            }
            catch (InvalidDataException)
            {
                failures++;
            }
        }
        Assert.True(failures > 1000, $"only {failures} of 3000 corruptions were detected");
        // No time assertion: a hang shows as the test never ending (the CI job's own limit), not as a slow run.
    }

    public static TheoryData<string, byte[], string> CorruptInputs() => new()
    {
        { "wrong magic", new LeBytes().U32(12345).U64(0).ToArray(), "magic number" },
        { "native magic in little-endian order", new LeBytes().U32(1681511376).U64(0).ToArray(), "magic number" },
        { "native count beyond the data", new LeBytes().Raw(0x64, 0x39, 0xD3, 0xD0).Raw(0x7F, 0xFF, 0xFF, 0xFF).U32(NoRunCookie).U32(0).ToArray(), "native layout" },
        { "short", new byte[] { 1, 2 }, "magic number" },
        { "huge bucket count", LeBytes.Header(ulong.MaxValue).U32(0).U32(NoRunCookie).U32(0).ToArray(), "bucket count" },
        { "bucket count beyond the data", LeBytes.Header(2).U32(0).U32(NoRunCookie).U32(0).ToArray(), "bucket count" },
        { "key with the sign bit", LeBytes.Header(1).U32(0x80000000).U32(NoRunCookie).U32(0).ToArray(), "most significant bit" },
        { "keys out of order", LeBytes.Header(2).U32(5).U32(NoRunCookie).U32(0).U32(5).U32(NoRunCookie).U32(0).ToArray(), "not above" },
        { "unknown cookie", LeBytes.Header(1).U32(0).U32(999).U32(0).ToArray(), "cookie" },
        { "too many containers", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(65537).ToArray(), "65536" },
        { "container count beyond the data", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1000).ToArray(), "header of 1000 containers" },
        { "run cookie count beyond the data", LeBytes.Header(1).U32(0).U32(RunCookie | 0xFFFFu << 16).U64(0).ToArray(), "run-container flags of 65536 containers" },
        { "array values not ascending", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(1).U32(16).U16(9).U16(9).ToArray(), "not above" },
        { "array shorter than its cardinality", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(4095).U32(16).U16(9).ToArray(), "4096 values" },
        { "container keys not ascending", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(2).U16(3).U16(0).U16(3).U16(0).U32(24).U32(26).U16(1).U16(2).ToArray(), "not above" },
        { "wrong offset header", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(0).U32(24).U16(9).ToArray(), "offset header" },
        { "bitmap cardinality mismatch", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(5000).U32(16).Raw(new byte[8192]).ToArray(), "bitmap holds 0" },
        { "bitmap truncated", LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(5000).U32(16).Raw(new byte[100]).ToArray(), "8192" },
        { "run past 65535", LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(10).U16(1).U16(65530).U16(10).ToArray(), "past 65535" },
        { "runs overlapping", LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(9).U16(2).U16(10).U16(4).U16(12).U16(4).ToArray(), "not after" },
        { "run cardinality mismatch", LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(9).U16(1).U16(10).U16(4).ToArray(), "runs hold 5" },
        { "zero runs", LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(0).U16(0).ToArray(), "runs hold 0" },
        { "run count beyond the data", LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(0).U16(60000).U16(1).U16(0).ToArray(), "60000 runs" },
    };

    [Theory]
    [MemberData(nameof(CorruptInputs))]
    public void CorruptInputIsNamed(string what, byte[] bytes, string expectedInMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => RoaringBitmapArray.Deserialize(bytes));
        Assert.True(e.Message.Contains(expectedInMessage, StringComparison.Ordinal), $"{what}: '{e.Message}' should mention '{expectedInMessage}'");
    }

    [Fact]
    public void HandMadeValidBaselinesOfTheCorruptCasesAreAccepted()
    {
        // The corrupt cases above differ from these valid inputs in one field, so each test fails for the reason it names.
        Assert.Equal(new long[] { 9 }, RoaringBitmapArray.Deserialize(LeBytes.Header(1).U32(0).U32(NoRunCookie).U32(1).U16(0).U16(0).U32(16).U16(9).ToArray()).ToArray());
        Assert.Equal(new long[] { 65530, 65531, 65532, 65533, 65534, 65535 },
            RoaringBitmapArray.Deserialize(LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(5).U16(1).U16(65530).U16(5).ToArray()).ToArray());
        Assert.Equal(10, RoaringBitmapArray.Deserialize(LeBytes.Header(1).U32(0).U32(RunCookie).Raw(1).U16(0).U16(9).U16(2).U16(10).U16(4).U16(15).U16(4).ToArray()).Cardinality);
    }
}
