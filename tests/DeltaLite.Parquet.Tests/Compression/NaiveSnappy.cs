namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>
/// A deliberately plain, byte-at-a-time Snappy decoder written straight from format_description.txt,
/// used as an independent reference for the optimised decoder. Returns null on any inconsistency.
/// </summary>
internal static class NaiveSnappy
{
    public static byte[]? Decode(byte[] block)
    {
        int pos = 0;
        long declared = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (pos >= block.Length || shift > 28) return null;
            byte b = block[pos++];
            declared |= (long)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        var output = new List<byte>();
        while (pos < block.Length)
        {
            byte tag = block[pos++];
            int kind = tag & 3;
            if (kind == 0)
            {
                long length = (tag >> 2) + 1;
                if (length > 60)
                {
                    int bytes = (int)length - 60;
                    length = 0;
                    for (int i = 0; i < bytes; i++)
                    {
                        if (pos >= block.Length) return null;
                        length |= (long)block[pos++] << (8 * i);
                    }
                    length++;
                }
                for (long i = 0; i < length; i++)
                {
                    if (pos >= block.Length) return null;
                    output.Add(block[pos++]);
                }
                continue;
            }
            int copyLength, offset = 0;
            int offsetBytes = kind == 1 ? 1 : kind == 2 ? 2 : 4;
            copyLength = kind == 1 ? ((tag >> 2) & 7) + 4 : (tag >> 2) + 1;
            if (kind == 1) offset = (tag >> 5) << 8;
            for (int i = 0; i < offsetBytes; i++)
            {
                if (pos >= block.Length) return null;
                offset |= block[pos++] << (8 * i);
            }
            if (offset <= 0 || offset > output.Count) return null;
            for (int i = 0; i < copyLength; i++) output.Add(output[^offset]);
        }
        return output.Count == declared ? output.ToArray() : null;
    }
}
