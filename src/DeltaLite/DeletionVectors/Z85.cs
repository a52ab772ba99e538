namespace DeltaLite.DeletionVectors;

/// <summary>
/// Z85, the Base85 variant of ZeroMQ RFC 32 that Delta uses for inline deletion vectors and for the UUIDs of
/// deletion vector files. Every 4 bytes (a big-endian 32-bit value) become 5 characters, the most significant
/// base-85 digit first. Z85 itself takes only multiples of 4 bytes; Delta encodes other lengths by padding with
/// zero bytes to the next multiple of 4 and cuts the padding off after decoding, knowing the real length.
/// </summary>
internal static class Z85
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    /// <summary>Character code to digit value, or -1 for a character outside the alphabet (ASCII only).</summary>
    private static readonly sbyte[] s_digits = BuildDigits();

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[128];
        Array.Fill(digits, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++) digits[Alphabet[i]] = (sbyte)i;
        return digits;
    }

    /// <summary>Encodes bytes whose length is a multiple of 4.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
            throw new ArgumentException($"Z85 encodes multiples of 4 bytes; got {data.Length} bytes.", nameof(data));
        return string.Create(data.Length / 4 * 5, data.ToArray(), static (chars, bytes) => EncodeInto(bytes, chars));
    }

    /// <summary>Encodes any number of bytes, padding with zero bytes to a multiple of 4 (Delta's convention).</summary>
    public static string EncodePadded(ReadOnlySpan<byte> data)
    {
        int padded = checked((data.Length + 3) / 4 * 4);
        var buffer = new byte[padded];
        data.CopyTo(buffer);
        return Encode(buffer);
    }

    private static void EncodeInto(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        for (int i = 0, o = 0; i < bytes.Length; i += 4, o += 5)
        {
            uint value = (uint)bytes[i] << 24 | (uint)bytes[i + 1] << 16 | (uint)bytes[i + 2] << 8 | bytes[i + 3];
            for (int k = 4; k >= 0; k--)
            {
                chars[o + k] = Alphabet[(int)(value % 85)];
                value /= 85;
            }
        }
    }

    /// <summary>Decodes a Z85 string whose length is a multiple of 5 into 4 bytes per 5 characters.</summary>
    /// <exception cref="FormatException">The length is not a multiple of 5, a character is not in the alphabet,
    /// or a group of 5 characters encodes a value above 2^32 - 1.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        if (text.Length % 5 != 0)
            throw new FormatException($"Z85 text must have a multiple of 5 characters; got {text.Length}.");
        var bytes = new byte[text.Length / 5 * 4];
        for (int i = 0, o = 0; i < text.Length; i += 5, o += 4)
        {
            ulong value = 0;
            for (int k = 0; k < 5; k++)
            {
                char c = text[i + k];
                int digit = c < 128 ? s_digits[c] : -1;
                if (digit < 0)
                    throw new FormatException($"Z85 text has a character outside the alphabet at position {i + k} (U+{(int)c:X4}).");
                value = value * 85 + (uint)digit;
            }
            if (value > uint.MaxValue)
                throw new FormatException($"Z85 group at position {i} encodes {value}, above 2^32 - 1.");
            bytes[o] = (byte)(value >> 24);
            bytes[o + 1] = (byte)(value >> 16);
            bytes[o + 2] = (byte)(value >> 8);
            bytes[o + 3] = (byte)value;
        }
        return bytes;
    }

    /// <summary>
    /// Decodes text that encodes <paramref name="length"/> bytes padded to a multiple of 4 (Delta's convention):
    /// the text must have exactly ceil(length / 4) * 5 characters; the padding bytes are dropped.
    /// </summary>
    public static byte[] DecodePadded(ReadOnlySpan<char> text, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long expectedChars = ((long)length + 3) / 4 * 5;
        if (text.Length != expectedChars)
            throw new FormatException($"Z85 text for {length} bytes must have {expectedChars} characters; got {text.Length}.");
        var bytes = Decode(text);
        return bytes.Length == length ? bytes : bytes.AsSpan(0, length).ToArray();
    }
}
