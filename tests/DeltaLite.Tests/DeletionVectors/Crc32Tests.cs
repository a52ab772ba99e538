using System.Text;
using DeltaLite.DeletionVectors;

namespace DeltaLite.Tests.DeletionVectors;

public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]   // the standard check value of CRC-32/ISO-HDLC
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void KnownValues(string text, uint expected) => Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    /// <summary>The definition, one bit at a time, to check the table-driven version against.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void MatchesTheBitwiseDefinitionForEveryLengthAndSplit()
    {
        var random = new Random(7);
        for (int length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            uint expected = BitwiseCrc(data);
            Assert.Equal(expected, Crc32.Compute(data));
            int split = length == 0 ? 0 : random.Next(length);
            Assert.Equal(expected, Crc32.Append(Crc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Fact]
    public void DetectsASingleBitFlip()
    {
        var data = new byte[64];
        new Random(3).NextBytes(data);
        uint crc = Crc32.Compute(data);
        data[17] ^= 0x10;
        Assert.NotEqual(crc, Crc32.Compute(data));
    }
}
