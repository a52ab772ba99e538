namespace DeltaLite.DeletionVectors;

/// <summary>
/// CRC-32 as in IEEE 802.3, zlib and java.util.zip.CRC32 (reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF), table-driven with slicing by 4. Check value: "123456789" gives 0xCBF43926.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    /// <summary>Four 256-entry tables: table 0 is the classic byte table, table k advances k more zero bytes.</summary>
    private static readonly uint[] s_table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[4 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            table[i] = crc;
        }
        for (int i = 0; i < 256; i++)
        {
            for (int k = 1; k < 4; k++)
            {
                uint previous = table[(k - 1) * 256 + i];
                table[k * 256 + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return table;
    }

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC-32 (the value returned for the bytes before) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = s_table;
        crc = ~crc;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)data[i] | (uint)data[i + 1] << 8 | (uint)data[i + 2] << 16 | (uint)data[i + 3] << 24;
            crc = t[768 + (crc & 0xFF)] ^ t[512 + ((crc >> 8) & 0xFF)] ^ t[256 + ((crc >> 16) & 0xFF)] ^ t[crc >> 24];
        }
        for (; i < data.Length; i++) crc = (crc >> 8) ^ t[(crc ^ data[i]) & 0xFF];
        return ~crc;
    }
}
