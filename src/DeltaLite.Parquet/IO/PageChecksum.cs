namespace DeltaLite.Parquet.IO;

/// <summary>
/// The page checksum of the Parquet format: CRC-32 as zlib and gzip compute it (polynomial 0x04C11DB7, reflected),
/// over the page's bytes as stored after its header (compressed, levels included for v2 pages), kept in the page
/// header's i32 <c>crc</c> field. Table-driven, eight bytes a step ("slicing by 8").
/// </summary>
internal static class PageChecksum
{
    private static readonly uint[] s_table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        for (int i = 0; i < 256; i++)
            for (int t = 1; t < 8; t++)
                table[t * 256 + i] = (table[(t - 1) * 256 + i] >> 8) ^ table[table[(t - 1) * 256 + i] & 0xFF];
        return table;
    }

    /// <summary>The CRC-32 of <paramref name="data"/>, as the header's signed field holds it.</summary>
    public static int Compute(ReadOnlySpan<byte> data)
    {
        var t = s_table;
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            uint a = crc ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data);
            uint b = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7 * 256 + (a & 0xFF)] ^ t[6 * 256 + ((a >> 8) & 0xFF)] ^ t[5 * 256 + ((a >> 16) & 0xFF)] ^ t[4 * 256 + (a >> 24)]
                ^ t[3 * 256 + (b & 0xFF)] ^ t[2 * 256 + ((b >> 8) & 0xFF)] ^ t[1 * 256 + ((b >> 16) & 0xFF)] ^ t[b >> 24];
            data = data[8..];
        }
        foreach (byte x in data) crc = t[(crc ^ x) & 0xFF] ^ (crc >> 8);
        return unchecked((int)~crc);
    }
}
