using DeltaLite.DeletionVectors;

namespace DeltaLite.Tests.DeletionVectors;

public class Z85Tests
{
    // The test vector of ZeroMQ RFC 32 (Z85).
    private static readonly byte[] s_helloWorldBytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    [Fact]
    public void EncodesTheSpecTestVector() => Assert.Equal("HelloWorld", Z85.Encode(s_helloWorldBytes));

    [Fact]
    public void DecodesTheSpecTestVector() => Assert.Equal(s_helloWorldBytes, Z85.Decode("HelloWorld"));

    [Fact]
    public void ZeroAndMaximumGroups()
    {
        Assert.Equal("00000", Z85.Encode([0, 0, 0, 0]));
        Assert.Equal([0, 0, 0, 0], Z85.Decode("00000"));
        // 2^32 - 1 = 82 * 85^4 + 23 * 85^3 + 54 * 85^2 + 12 * 85 + 0: digits '%', 'n', 'S', 'c', '0'.
        var max = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF };
        Assert.Equal(max, Z85.Decode(Z85.Encode(max)));
        Assert.Equal("%nSc0", Z85.Encode(max));
    }

    [Fact]
    public void EmptyInputIsEmptyOutput()
    {
        Assert.Equal("", Z85.Encode([]));
        Assert.Empty(Z85.Decode(""));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomBytesRoundTrip(int seed)
    {
        var random = new Random(seed);
        for (int length = 0; length <= 400; length += 4)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var text = Z85.Encode(bytes);
            Assert.Equal(length / 4 * 5, text.Length);
            Assert.Equal(bytes, Z85.Decode(text));
        }
    }

    [Fact]
    public void EveryCharacterOfTheAlphabetDecodesAndRoundTrips()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
        Assert.Equal(85, alphabet.Distinct().Count());
        // Put each character in the last (least significant) position of a group: its value is its index.
        for (int i = 0; i < alphabet.Length; i++)
        {
            var bytes = Z85.Decode("0000" + alphabet[i]);
            Assert.Equal(new byte[] { 0, 0, 0, (byte)i }, bytes);
            Assert.Equal("0000" + alphabet[i], Z85.Encode(bytes));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(34)]
    [InlineData(35)]
    [InlineData(36)]
    public void PaddedEncodingKeepsTheRealLength(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var text = Z85.EncodePadded(bytes);
        Assert.Equal((length + 3) / 4 * 5, text.Length);
        Assert.Equal(bytes, Z85.DecodePadded(text, length));
    }

    [Theory]
    [InlineData("Hell")]          // not a multiple of 5
    [InlineData("HelloWorl")]
    [InlineData("Hello World")]   // space is not in the alphabet
    [InlineData("Hell\"")]        // nor the quote
    [InlineData("Hell,")]
    [InlineData("Hell;")]
    [InlineData("Hell\\")]
    [InlineData("Hell~")]
    [InlineData("Hell_")]
    [InlineData("Hell`")]
    [InlineData("Hell|")]
    [InlineData("Hellé")]         // nor anything outside ASCII
    [InlineData("#####")]         // 85^5 - 1 is above 2^32 - 1
    [InlineData("%nSc1")]         // 2^32, one above the largest group
    public void RejectsBadText(string text) => Assert.Throws<FormatException>(() => Z85.Decode(text));

    [Fact]
    public void RejectsLengthsThatAreNotMultiplesOfFour()
    {
        Assert.Throws<ArgumentException>(() => Z85.Encode(new byte[3]));
        Assert.Throws<ArgumentException>(() => Z85.Encode(new byte[5]));
    }

    [Fact]
    public void PaddedDecodingChecksTheLength()
    {
        var text = Z85.EncodePadded(new byte[6]); // 10 characters
        Assert.Throws<FormatException>(() => Z85.DecodePadded(text, 9));  // would need 15
        Assert.Throws<FormatException>(() => Z85.DecodePadded(text, 4));  // would need 5
        Assert.Equal(new byte[8], Z85.DecodePadded(text, 8));
    }
}
