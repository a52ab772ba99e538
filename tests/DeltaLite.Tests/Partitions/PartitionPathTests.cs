using DeltaLite.Partitions;

namespace DeltaLite.Tests.Partitions;

public sealed class PartitionPathTests
{
    [Theory]
    [InlineData("x", "A/A", "x=A%2FA")]
    [InlineData("x", "B B", "x=B%20B")]
    [InlineData("x", null, "x=__HIVE_DEFAULT_PARTITION__")]
    [InlineData("x", "", "x=__HIVE_DEFAULT_PARTITION__")]
    [InlineData("a=b", "c:d", "a%3Db=c%3Ad")]
    [InlineData("d", "2024-01-01 10:00:00.5", "d=2024-01-01%2010%3A00%3A00.5")]
    [InlineData("p", "..", "p=..")]
    [InlineData("p", "100%", "p=100%25")]
    [InlineData("p", "日本 é", "p=日本%20é")]
    [InlineData("p", "-_.~!$&()+,;@`", "p=-_.~!$&()+,;@`")]
    [InlineData("p", "\"#'*?\\{[]^<>|\u007f\u0000\u0001\n\u001f", "p=%22%23%27%2A%3F%5C%7B%5B%5D%5E%3C%3E%7C%7F%00%01%0A%1F")]
    public void FolderName_EscapesLikeHive(string column, string? value, string expected)
    {
        Assert.Equal(expected, PartitionValues.FolderName(column, value));
        var (c, v) = PartitionValues.ParseFolderName(expected);
        Assert.Equal(column, c);
        Assert.Equal(string.IsNullOrEmpty(value) ? null : value, v);
    }

    [Fact]
    public void Escape_Unescape_RoundTripEveryAsciiCharacterAndUnicode()
    {
        var all = new string(Enumerable.Range(0, 128).Select(i => (char)i).ToArray()) + "é日本😀\u00a0";
        var escaped = PartitionValues.Escape(all);
        Assert.DoesNotContain('/', escaped);
        Assert.DoesNotContain('=', escaped);
        Assert.DoesNotContain(':', escaped);
        Assert.Equal(all, PartitionValues.Unescape(escaped));
    }

    [Theory]
    [InlineData("%41", "A")]
    [InlineData("%zz%4", "%zz%4")]
    [InlineData("50%", "50%")]
    [InlineData("%2f%2F", "//")]
    [InlineData("plain", "plain")]
    public void Unescape_DecodesOnlyValidEscapes(string text, string expected) => Assert.Equal(expected, PartitionValues.Unescape(text));

    [Fact]
    public void ParseFolderName_WithoutEquals_IsAnError() => Assert.Throws<FormatException>(() => PartitionValues.ParseFolderName("aL"));

    [Fact]
    public void RelativePath_JoinsFolders()
    {
        Assert.Equal("a=1/b=__HIVE_DEFAULT_PARTITION__/c=x%2Fy", PartitionValues.RelativePath([("a", "1"), ("b", null), ("c", "x/y")]));
        Assert.Equal("", PartitionValues.RelativePath([]));
    }

    [Theory]
    [InlineData("a=x%3Ay/part-0.parquet", "a=x%253Ay/part-0.parquet")]
    [InlineData("x=B%20B/part-00015.c000.snappy.parquet", "x=B%2520B/part-00015.c000.snappy.parquet")]
    [InlineData("a b/c", "a%20b/c")]
    [InlineData("k=v;w@x&y+z$,!~*'()_-./f", "k=v;w@x&y+z$,!~*'()_-./f")]
    [InlineData("é/日本/😀", "é/日本/😀")]
    [InlineData("nb\u00a0sp", "nb%C2%A0sp")]
    [InlineData("c\u0085tl", "c%C2%85tl")]
    [InlineData("q?h#\"<>[]\\^`{|}", "q%3Fh%23%22%3C%3E%5B%5D%5C%5E%60%7B%7C%7D")]
    public void UriPath_EncodesWhatAUriPathCannotHold(string relative, string uri)
    {
        Assert.Equal(uri, PartitionValues.ToUriPath(relative));
        Assert.Equal(relative, PartitionValues.FromUriPath(uri));
    }

    [Theory]
    [InlineData("%E6%97%A5%e6%9c%ac", "日本")]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("%25", "%")]
    public void FromUriPath_DecodesUtf8Escapes(string uri, string expected) => Assert.Equal(expected, PartitionValues.FromUriPath(uri));

    [Theory]
    [InlineData("a%G1")]
    [InlineData("a%4")]
    [InlineData("%")]
    [InlineData("%FF")]
    [InlineData("%C3")]
    public void FromUriPath_RefusesMalformedEscapes(string uri)
    {
        var e = Assert.Throws<FormatException>(() => PartitionValues.FromUriPath(uri));
        Assert.Contains(uri, e.Message);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("/")]
    [InlineData("/abs")]
    [InlineData("a/../../b")]
    [InlineData("..\\..\\win")]
    [InlineData("%2e%2e")]
    [InlineData("=")]
    [InlineData("x=y/z=w")]
    [InlineData("日本/../😀")]
    [InlineData("C:\\temp")]
    [InlineData("~")]
    public void HostileValues_StayOneFolderInsideTheTable_AndRoundTrip(string value)
    {
        var root = Path.Combine(Path.GetTempPath(), "deltalite-table");
        var relative = PartitionValues.RelativePath([("p", value), ("q", value)]) + "/part-0.parquet";
        var segments = relative.Split('/');
        Assert.Equal(3, segments.Length);
        Assert.All(segments, s => Assert.False(s is "." or ".." || s.Length == 0, $"segment '{s}' of {relative}"));
        Assert.DoesNotContain('\\', relative);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        Assert.StartsWith(root + Path.DirectorySeparatorChar, full);
        Assert.Equal(value, PartitionValues.ParseFolderName(segments[0]).Value);
        Assert.Equal(value, PartitionValues.ParseFolderName(segments[1]).Value);
        var uri = PartitionValues.ToUriPath(relative);
        Assert.Equal(relative, PartitionValues.FromUriPath(uri));
    }
}
