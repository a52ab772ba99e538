using DeltaLite.Cli.Tests;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// A Delta table whose add action points at a hostile Parquet file: huge length fields, deep nesting, dictionary
/// indexes out of range, truncation. Read through the CLI as a user would (export, and the file alone through
/// <c>parquet cat</c>): exit code 1 (a user error, never 3 "unexpected"), one error line naming the data file, no
/// stack trace, and nothing in the table folder changed by the read. Seeded bit flips and other damage are read
/// in-process, many more of them.
/// </summary>
public sealed class HostileParquetTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>The ways one data file is made hostile; each keeps the rest of the file as written.</summary>
    public static TheoryData<string> Damages() =>
    [
        "truncated to half",
        "footer length field huge",
        "footer length field negative",
        "page compressed size huge",
        "page uncompressed size huge",
        "dictionary string length huge",
        "row group claims 2^62 rows",
        "column chunk size huge",
        "schema nested 100000 deep",
        "schema root claims 2^31 children",
        "dictionary index out of range",
    ];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_hostile_data_file_is_a_clear_error_naming_it_and_the_table_is_untouched(string damage)
    {
        using var t = HostileTable.Create("parquet");
        await t.BuildAsync(commits: 1, rowsPerCommit: 64);
        string file = (await t.DataFilesAsync()).Single();
        byte[] hostile = Damage(File.ReadAllBytes(file), damage);
        t.ReplaceDataFile(file, hostile, version: 1);
        var before = t.State();

        string name = Path.GetFileName(file);
        var export = Cli.Run("export", t.Path, "--format", "jsonl");
        if (damage == "column chunk size huge" && export.ExitCode == 0)
        {
            // Pages delimit themselves, so a chunk size that claims too much can be read past: then the rows must be right.
            Assert.Equal(Enumerable.Range(0, 64).Select(i => $"{{\"id\":{i},"), export.JsonLines().Select(r => r.GetRawText()[..(r.GetRawText().IndexOf(',') + 1)]));
        }
        else
        {
            export.UserError(name);
            // The file on its own, through the Parquet inspection verb.
            Cli.Run("parquet", "cat", file).UserError(name);
        }
        HostileTable.AssertSameState(before, t.State(), damage);
        // Version 0 (before the file was added) still reads.
        Assert.Empty(await t.ReadRowsAsync(0));
    }

    /// <summary>
    /// Seeded damage to the data file (bit flips, truncation, junk, huge varints), read in-process through the table:
    /// a Parquet or Delta error naming the file, or a read of the very same rows: page bodies carry a CRC-32 that the
    /// reader checks, so damage inside a value is an error, not another value.
    /// </summary>
    [Fact]
    public async Task Fuzzed_data_files_are_a_clear_error_naming_the_file_or_a_read()
    {
        using var t = HostileTable.Create("datafuzz");
        await t.BuildAsync(commits: 1, rowsPerCommit: 64);
        string file = (await t.DataFilesAsync()).Single();
        byte[] clean = File.ReadAllBytes(file);
        var original = await t.ReadRowsAsync();
        var tally = await TableFuzzer.RunAsync(t, seedBase: 9000, rng =>
        {
            // Same-size damage only: the add action's size stays right, so the reader meets the damage itself.
            byte[] damaged;
            string what;
            do damaged = Fuzz.MutateBytes(clean, rng, out what); while (damaged.Length != clean.Length);
            return (file, damaged, $"data file with {what}", [Path.GetFileName(file)]);
        }, (context, _, rows) => Assert.True(rows.SequenceEqual(original), $"{context}: the damaged data file was read without an error but gave other rows"));
        output.WriteLine($"data files: {tally.Runs} fuzzed files, {tally.Errors} clear errors, {tally.Runs - tally.Errors} correct reads");
    }

    /// <summary>
    /// Every page of a written data file carries the Parquet page checksum, and it is the CRC-32 that gzip computes
    /// over the same bytes (read back from a gzip trailer, an implementation independent of ours).
    /// </summary>
    [Fact]
    public async Task Written_pages_carry_the_crc32_gzip_computes()
    {
        using var t = HostileTable.Create("crc");
        await t.BuildAsync(commits: 1, rowsPerCommit: 64);
        byte[] bytes = File.ReadAllBytes((await t.DataFilesAsync()).Single());
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var meta = FileMetaData.Parse(bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength));
        int pages = 0;
        foreach (var column in meta.RowGroups.SelectMany(g => g.Columns))
        {
            var m = column.MetaData!;
            long at = m.DictionaryPageOffset ?? m.DataPageOffset, end = at + m.TotalCompressedSize;
            while (at < end)
            {
                var header = PageHeader.Parse(bytes.AsSpan((int)at), out int headerLength);
                var body = bytes.AsSpan((int)at + headerLength, header.CompressedPageSize);
                Assert.NotNull(header.Crc);
                Assert.Equal(GzipCrc32(body.ToArray()), unchecked((uint)header.Crc!.Value));
                at += headerLength + header.CompressedPageSize;
                pages++;
            }
        }
        Assert.True(pages >= 4, $"only {pages} pages");
    }

    /// <summary>The CRC-32 field of a gzip member's trailer (the 8 last bytes: CRC-32, then the size).</summary>
    private static uint GzipCrc32(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        var gz = buffer.ToArray();
        return BitConverter.ToUInt32(gz, gz.Length - 8);
    }

    private static byte[] Damage(byte[] bytes, string damage)
    {
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        int footerStart = bytes.Length - 8 - footerLength;
        var meta = FileMetaData.Parse(bytes.AsSpan(footerStart, footerLength));
        // Column 1 ("region") is dictionary-encoded: three distinct values.
        var region = meta.RowGroups[0].Columns[1].MetaData!;
        Assert.Contains(Encoding.RleDictionary, region.Encodings);
        long dictionaryOffset = region.DictionaryPageOffset ?? throw new InvalidOperationException("no dictionary page");
        switch (damage)
        {
            case "truncated to half":
                return bytes[..(bytes.Length / 2)];
            case "footer length field huge":
                return WithInt32(bytes, bytes.Length - 8, int.MaxValue - 7);
            case "footer length field negative":
                return WithInt32(bytes, bytes.Length - 8, -100);
            case "page compressed size huge":
                return WithPageHeader(bytes, meta, dictionaryOffset, h => h.CompressedPageSize = int.MaxValue - 1);
            case "page uncompressed size huge":
                return WithPageHeader(bytes, meta, dictionaryOffset, h => h.UncompressedPageSize = int.MaxValue - 1);
            case "dictionary string length huge":
            {
                // PLAIN byte arrays: a 4-byte length before each value; the first one now claims 2 GiB.
                // The page checksum is dropped, so that the reader meets the length itself.
                var header = PageHeader.Parse(bytes.AsSpan((int)dictionaryOffset), out int headerLength);
                Assert.Equal(PageType.DictionaryPage, header.Type);
                return WithPageHeader(WithInt32(bytes, (int)dictionaryOffset + headerLength, int.MaxValue), meta, dictionaryOffset, h => h.Crc = null);
            }
            case "row group claims 2^62 rows":
                meta.RowGroups[0].NumRows = 1L << 62;
                meta.NumRows = 1L << 62;
                foreach (var c in meta.RowGroups[0].Columns) c.MetaData!.NumValues = 1L << 62;
                return WithFooter(bytes, footerStart, meta);
            case "column chunk size huge":
                foreach (var c in meta.RowGroups[0].Columns)
                {
                    c.MetaData!.TotalCompressedSize = long.MaxValue / 2;
                    c.MetaData.TotalUncompressedSize = long.MaxValue / 2;
                }
                return WithFooter(bytes, footerStart, meta);
            case "schema nested 100000 deep":
            {
                // The root's last child becomes a chain of 100,000 single-child groups ending in the leaf.
                var leaf = meta.Schema[^1];
                meta.Schema.RemoveAt(meta.Schema.Count - 1);
                for (int i = 0; i < 100_000; i++)
                    meta.Schema.Add(new SchemaElement { Name = "g" + i, NumChildren = 1, RepetitionType = FieldRepetitionType.Optional });
                meta.Schema.Add(leaf);
                return WithFooter(bytes, footerStart, meta);
            }
            case "schema root claims 2^31 children":
                meta.Schema[0].NumChildren = int.MaxValue;
                return WithFooter(bytes, footerStart, meta);
            case "dictionary index out of range":
            {
                // The data page after the dictionary: [bit width][RLE/bit-packed runs]. One bit-packed run of all-ones
                // indexes, the largest the width allows, past the end of a three-entry dictionary.
                var dictHeader = PageHeader.Parse(bytes.AsSpan((int)dictionaryOffset), out int dictHeaderLength);
                int dataPage = (int)dictionaryOffset + dictHeaderLength + dictHeader.CompressedPageSize;
                var dataHeader = PageHeader.Parse(bytes.AsSpan(dataPage), out int dataHeaderLength);
                Assert.Equal(PageType.DataPage, dataHeader.Type);
                int body = dataPage + dataHeaderLength;
                var copy = (byte[])bytes.Clone();
                int width = copy[body];
                Assert.InRange(width, 2, 8);
                int groups = (dataHeader.DataPageHeader!.NumValues + 7) / 8;
                copy[body + 1] = (byte)((groups << 1) | 1);
                Array.Fill(copy, (byte)0xFF, body + 2, Math.Min(groups * width, dataHeader.CompressedPageSize - 2));
                return WithPageHeader(copy, meta, dataPage, h => h.Crc = null);
            }
            default:
                throw new ArgumentException(damage);
        }
    }

    private static byte[] WithInt32(byte[] bytes, int at, int value)
    {
        var copy = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(at, 4), value);
        return copy;
    }

    /// <summary>Re-serializes one page header in place; the bytes after it shift, and the footer offsets follow.</summary>
    private static byte[] WithPageHeader(byte[] bytes, FileMetaData meta, long offset, Action<PageHeader> change)
    {
        var header = PageHeader.Parse(bytes.AsSpan((int)offset), out int oldLength);
        change(header);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        header.WriteTo(writer);
        int shift = writer.WrittenCount - oldLength;
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        int footerStart = bytes.Length - 8 - footerLength;
        foreach (var c in meta.RowGroups.SelectMany(g => g.Columns))
        {
            var m = c.MetaData!;
            if (m.DataPageOffset > offset) m.DataPageOffset += shift;
            if (m.DictionaryPageOffset > offset) m.DictionaryPageOffset += shift;
            if (c.FileOffset > offset) c.FileOffset += shift;
        }
        var body = bytes.AsSpan((int)offset + oldLength, footerStart - (int)offset - oldLength);
        byte[] prefix = [.. bytes.AsSpan(0, (int)offset), .. writer.WrittenSpan, .. body];
        return WithFooter([.. prefix, .. new byte[8]], prefix.Length, meta);
    }

    /// <summary>The data pages of <paramref name="bytes"/> up to <paramref name="footerStart"/>, then <paramref name="meta"/> as the footer.</summary>
    private static byte[] WithFooter(byte[] bytes, int footerStart, FileMetaData meta)
    {
        byte[] footer = meta.Serialize();
        byte[] length = BitConverter.GetBytes(footer.Length);
        return [.. bytes.AsSpan(0, footerStart), .. footer, .. length, .. "PAR1"u8];
    }
}
