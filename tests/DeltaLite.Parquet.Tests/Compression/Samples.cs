using System.Buffers.Binary;
using Encoding = System.Text.Encoding;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>Inputs for the codec tests: every generator is deterministic.</summary>
internal static class Samples
{
    public const int FiveMiB = 5 << 20;

    /// <summary>Codecs whose compressor exists, with the libzstd on this machine.</summary>
    public static readonly CompressionCodec[] Compressible =
    [
        CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Gzip,
        CompressionCodec.Brotli, CompressionCodec.Zstd, CompressionCodec.Lz4Raw,
    ];

    public static byte[] Create(string kind) => kind switch
    {
        "empty" => [],
        "one-byte" => [0x5A],
        "random-64K" => Random(64 << 10, seed: 1),
        "repetitive-64K" => Repetitive(64 << 10),
        "mixed-300K" => Mixed(300 << 10, seed: 2),
        "zeros-1M" => new byte[1 << 20],
        "random-5MiB" => Random(FiveMiB, seed: 3),
        "repetitive-5MiB" => Repetitive(FiveMiB),
        "mixed-5MiB" => Mixed(FiveMiB, seed: 4),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static readonly string[] Kinds =
        ["empty", "one-byte", "random-64K", "repetitive-64K", "mixed-300K", "zeros-1M", "random-5MiB", "repetitive-5MiB", "mixed-5MiB"];

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A short record repeated with a slowly changing counter: runs, near-repeats and long matches.</summary>
    public static byte[] Repetitive(int length)
    {
        var bytes = new byte[length];
        int pos = 0;
        for (int i = 0; pos < length; i++)
        {
            string record = $"id={i / 50:D6};status=ACTIVE;region=eu-west-1;";
            int n = Math.Min(record.Length, length - pos);
            Encoding.ASCII.GetBytes(record.AsSpan(0, n), bytes.AsSpan(pos));
            pos += n;
        }
        return bytes;
    }

    /// <summary>Column-like data: ascending ints, skewed strings with length prefixes, small ints, random doubles.</summary>
    public static byte[] Mixed(int length, int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[length];
        string[] vocabulary = Enumerable.Range(0, 300).Select(i => $"{(char)('a' + i % 26)}name{i * 37 % 1000}").ToArray();
        int pos = 0;
        while (pos < length)
        {
            int section = Math.Min(length - pos, 4096 + rng.Next(8192));
            Span<byte> target = bytes.AsSpan(pos, section);
            switch (rng.Next(4))
            {
                case 0:
                    int v = rng.Next();
                    for (int i = 0; i + 4 <= target.Length; i += 4) BinaryPrimitives.WriteInt32LittleEndian(target[i..], v += rng.Next(16));
                    break;
                case 1:
                    for (int i = 0; i + 4 < target.Length;)
                    {
                        string word = vocabulary[(int)(Math.Pow(rng.NextDouble(), 3) * vocabulary.Length)];
                        int n = Math.Min(word.Length, target.Length - i - 4);
                        BinaryPrimitives.WriteInt32LittleEndian(target[i..], n);
                        Encoding.ASCII.GetBytes(word.AsSpan(0, n), target[(i + 4)..]);
                        i += 4 + n;
                    }
                    break;
                case 2:
                    for (int i = 0; i < target.Length; i++) target[i] = (byte)(rng.Next(10) < 7 ? 0 : rng.Next(8));
                    break;
                default:
                    for (int i = 0; i + 8 <= target.Length; i += 8) BinaryPrimitives.WriteDoubleLittleEndian(target[i..], Math.Round(rng.NextDouble() * 500, 2));
                    break;
            }
            pos += section;
        }
        return bytes;
    }

    public static string NameOf(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Lz4Raw => "LZ4_RAW",
        _ => codec.ToString().ToUpperInvariant(),
    };
}
