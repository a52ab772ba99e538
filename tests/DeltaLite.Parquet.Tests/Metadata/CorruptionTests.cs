using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>Damaged footers and page headers: a ParquetFormatException or a result, never anything else.</summary>
public class CorruptionTests
{
    /// <summary>A spread of real files: every 25th conformance file in sorted order.</summary>
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var (file, i) in TestData.ConformanceParquetFiles().Select((f, i) => (f, i)))
        {
            if (i % 25 == 0) data.Add(file);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_truncation_of_a_real_footer_is_a_format_error(string relativePath)
    {
        var footer = ParquetFileBytes.Load(relativePath).Footer.ToArray();
        int step = Math.Max(1, footer.Length / 3000);
        for (int length = 0; length < footer.Length; length += step)
        {
            var prefix = footer.AsSpan(0, length).ToArray();
            var error = Assert.Throws<ParquetFormatException>(() => FileMetaData.Parse(prefix));
            Assert.Contains("byte offset", error.Message);
        }
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(SampleFiles))]
    public async Task Random_damage_to_a_real_footer_parses_or_is_a_format_error(string relativePath)
    {
        var footer = ParquetFileBytes.Load(relativePath).Footer.ToArray();
        long cleanAllocation = MeasureAllocation(footer);
        // Lists are capped by the remaining bytes, so a damaged footer may cost a few times a clean one, never more.
        long allocationCap = 8 * cleanAllocation + 64 * footer.Length + (1 << 20);

        // Run on a worker thread so that the timeout can fail a hang.
        await Task.Run(() =>
        {
            var random = new Random(footer.Length);
            for (int round = 0; round < 1500; round++)
            {
                var damaged = (byte[])footer.Clone();
                Damage(damaged, random, round);
                long allocated = MeasureAllocation(damaged);
                Assert.True(allocated <= allocationCap,
                    $"round {round}: parsing allocated {allocated} bytes, cap {allocationCap}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Random_damage_to_a_real_page_header_parses_or_is_a_format_error(string relativePath)
    {
        var file = ParquetFileBytes.Load(relativePath);
        var column = FileMetaData.Parse(file.Footer).RowGroups[0].Columns[0].MetaData!;
        long start = column.DictionaryPageOffset is > 0 and var d ? d : column.DataPageOffset;
        PageHeader.Parse(file.Bytes.AsSpan((int)start), out int headerLength);
        var header = file.Bytes.AsSpan((int)start, headerLength).ToArray();

        for (int length = 0; length < header.Length; length++)
        {
            var prefix = header.AsSpan(0, length).ToArray();
            Assert.Throws<ParquetFormatException>(() => PageHeader.Parse(prefix, out _));
        }
        var random = new Random(headerLength);
        for (int round = 0; round < 2000; round++)
        {
            var damaged = (byte[])header.Clone();
            Damage(damaged, random, round);
            try
            {
                var parsed = PageHeader.Parse(damaged, out int length);
                Assert.InRange(length, 1, damaged.Length);
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    /// <summary>Parses and returns the bytes allocated; fails on any exception but ParquetFormatException.</summary>
    private static long MeasureAllocation(byte[] footer)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            FileMetaData.Parse(footer);
        }
        catch (ParquetFormatException)
        {
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Flips bits, overwrites bytes, or plants a huge varint (a list or string claiming ~2^31 items).</summary>
    private static void Damage(byte[] bytes, Random random, int round)
    {
        if (bytes.Length == 0) return;
        switch (round % 4)
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                for (int i = random.Next(1, 4); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                break;
            case 2:
            {
                byte[] huge = [0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];
                int at = random.Next(bytes.Length);
                for (int i = 0; i < huge.Length && at + i < bytes.Length; i++) bytes[at + i] = huge[i];
                break;
            }
            default:
            {
                int at = random.Next(bytes.Length);
                int length = random.Next(1, Math.Min(16, bytes.Length - at) + 1);
                random.NextBytes(bytes.AsSpan(at, length));
                break;
            }
        }
    }
}
