using System.Buffers;
using System.Text;

namespace DeltaLite.Parquet.Tests.Encodings;

/// <summary>Seeded data generators and corruption drivers shared by the encoding tests.</summary>
internal static class EncodingTestSupport
{
    public static readonly int[] Lengths = [0, 1, 7, 8, 9, 1000, 100_003];

    public enum Pattern { Random, Runs, Mixed }

    /// <summary>Values that fit in <paramref name="bitWidth"/> bits (any int for 32), shaped by <paramref name="pattern"/>.</summary>
    public static int[] Ints(int count, int bitWidth, Pattern pattern, int seed)
    {
        var rng = new Random(seed);
        var values = new int[count];
        int i = 0;
        bool literal = true;
        while (i < count)
        {
            int segment = pattern switch
            {
                Pattern.Random => count,
                Pattern.Runs => rng.Next(1, 60),
                _ => rng.Next(1, 25),
            };
            segment = Math.Min(segment, count - i);
            bool repeat = pattern == Pattern.Runs || (pattern == Pattern.Mixed && !literal);
            int v = Next(rng, bitWidth);
            for (int k = 0; k < segment; k++) values[i + k] = repeat ? v : Next(rng, bitWidth);
            i += segment;
            literal = !literal;
        }
        return values;
    }

    private static int Next(Random rng, int bitWidth) => bitWidth switch
    {
        0 => 0,
        32 => unchecked((int)(uint)rng.NextInt64(0, 1L << 32)),
        _ => (int)rng.NextInt64(0, 1L << bitWidth),
    };

    public static (int[] Offsets, byte[] Data) Strings(IReadOnlyList<byte[]> values)
    {
        var offsets = new int[values.Count + 1];
        for (int i = 0; i < values.Count; i++) offsets[i + 1] = offsets[i] + values[i].Length;
        var data = new byte[offsets[values.Count]];
        for (int i = 0; i < values.Count; i++) values[i].CopyTo(data, offsets[i]);
        return (offsets, data);
    }

    public static byte[][] Utf8(params string[] values) => values.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>Random byte strings; kinds: 0 random lengths, 1 many empty, 2 some long (up to 20 KB), 3 shared prefixes (sorted keys).</summary>
    public static byte[][] ByteStrings(int count, int kind, int seed)
    {
        var rng = new Random(seed);
        var result = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            byte[] value = kind switch
            {
                0 => RandomBytes(rng, rng.Next(0, 40)),
                1 => rng.Next(3) == 0 ? RandomBytes(rng, rng.Next(1, 5)) : [],
                2 => RandomBytes(rng, rng.Next(20) == 0 ? rng.Next(1000, 20_000) : rng.Next(0, 100)),
                _ => Encoding.UTF8.GetBytes($"customer/{i / 100:D5}/order-{i % 100:D3}/{(i % 7 == 0 ? "" : "line" + (i % 13))}"),
            };
            result[i] = value;
        }
        if (kind == 3) Array.Sort(result, (a, b) => a.AsSpan().SequenceCompareTo(b));
        return result;
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var b = new byte[length];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/>, naming the first difference.</summary>
    public static void AssertValues(byte[][] expected, ByteArrayBuilder actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!actual[i].SequenceEqual(expected[i]))
                Assert.Fail($"value {i} differs: expected {expected[i].Length} bytes, got {actual[i].Length}");
        }
    }

    public static byte[][] Contents(ByteArrayBuilder builder)
    {
        var result = new byte[builder.Count][];
        for (int i = 0; i < builder.Count; i++) result[i] = builder[i].ToArray();
        return result;
    }

    public static byte[] Written(Action<ArrayBufferWriter<byte>> encode)
    {
        var writer = new ArrayBufferWriter<byte>();
        encode(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Runs <paramref name="decode"/> on every proper prefix of <paramref name="encoded"/>. The decoder either succeeds
    /// (and then asserts whatever it wants) or throws <see cref="ParquetFormatException"/>; anything else fails.
    /// Returns how many prefixes threw.
    /// </summary>
    public static int EveryTruncation(byte[] encoded, Action<byte[]> decode)
    {
        int failures = 0;
        WithinTimeLimit(() =>
        {
            for (int length = 0; length < encoded.Length; length++)
            {
                try
                {
                    decode(encoded[..length]);
                }
                catch (ParquetFormatException)
                {
                    failures++;
                }
            }
        });
        return failures;
    }

    /// <summary>Flips 1..3 random bytes <paramref name="rounds"/> times; decoding must succeed or throw ParquetFormatException.</summary>
    public static int RandomFlips(byte[] encoded, int seed, int rounds, Action<byte[]> decode)
    {
        int failures = 0;
        WithinTimeLimit(() =>
        {
            var rng = new Random(seed);
            for (int r = 0; r < rounds; r++)
            {
                byte[] copy = (byte[])encoded.Clone();
                int flips = rng.Next(1, 4);
                for (int f = 0; f < flips && copy.Length > 0; f++) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
                try
                {
                    decode(copy);
                }
                catch (ParquetFormatException)
                {
                    failures++;
                }
            }
        });
        return failures;
    }

    /// <summary>Fails the test instead of hanging when <paramref name="action"/> takes longer than 60 seconds.</summary>
    public static void WithinTimeLimit(Action action, int seconds = 60)
    {
        var task = Task.Run(action);
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(seconds)))
            Assert.Fail($"Decoding did not finish within {seconds} seconds.");
        task.GetAwaiter().GetResult();
    }
}
