using System.Text.Json;
using DeltaLite.DeletionVectors;

namespace DeltaLite.Tests.DeletionVectors;

public class DeletionVectorDescriptorTests
{
    [Fact]
    public void UniqueIdAppendsTheOffsetWhenPresent()
    {
        Assert.Equal("uab^-aqEH.-t@S}K{vb[*k^@4", new DeletionVectorDescriptor("u", "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6).UniqueId);
        Assert.Equal("iwi5b=0000", new DeletionVectorDescriptor("i", "wi5b=0000", null, 4, 1).UniqueId);
        Assert.Equal("p/x/dv.bin@0", new DeletionVectorDescriptor("p", "/x/dv.bin", 0, 40, 6).UniqueId);
    }

    [Fact]
    public void RelativePathOfTheProtocolsExampleWithRandomPrefix()
    {
        // PROTOCOL.md, JSON Example 1: resolves to <table>/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin.
        var dv = new DeletionVectorDescriptor("u", "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6);
        Assert.Equal("ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", dv.RelativePath());
        Assert.False(dv.IsInline);
        Assert.False(dv.IsAbsolutePath);
    }

    [Fact]
    public void RelativePathWithoutPrefixNamesTheConformanceFile()
    {
        var dv = new DeletionVectorDescriptor("u", "vBn[lx{q8@P<9BNH/isA", 1, 36, 2);
        Assert.Equal("deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin", dv.RelativePath());
        Assert.True(File.Exists(Path.Combine(DeltaLite.Tests.TestData.DeltaRsTable("table-with-dv-small"), dv.RelativePath())));
    }

    [Fact]
    public void EncodeUuidPathIsTheInverse()
    {
        var random = new Random(9);
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var uuid = new Guid(bytes);
            string prefix = i % 2 == 0 ? "" : "x" + i;
            var dv = DeletionVectorDescriptor.OnDisk(uuid, prefix, 1, 34, 1);
            Assert.Equal(prefix.Length + 20, dv.PathOrInlineDv.Length);
            string expected = $"deletion_vector_{uuid:D}.bin";
            Assert.Equal(prefix.Length == 0 ? expected : $"{prefix}/{expected}", dv.RelativePath());
        }
        Assert.Equal("ab^-aqEH.-t@S}K{vb[*k^", DeletionVectorDescriptor.EncodeUuidPath(Guid.Parse("d2c639aa-8816-431a-aaf6-d3fe2512ff61"), "ab"));
    }

    [Fact]
    public void AbsolutePathIsReturnedAsIs()
    {
        var dv = new DeletionVectorDescriptor("p", "s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", 4, 40, 6);
        Assert.True(dv.IsAbsolutePath);
        Assert.Equal("s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", dv.RelativePath());
    }

    [Fact]
    public void InlineHasNoPath()
    {
        var dv = new DeletionVectorDescriptor("i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", null, 40, 6);
        Assert.True(dv.IsInline);
        Assert.Throws<InvalidOperationException>(() => dv.RelativePath());
    }

    [Theory]
    [InlineData("x", "vBn[lx{q8@P<9BNH/isA")]   // unknown storage type
    [InlineData("u", "vBn[lx{q8@P<9BNH/is")]    // shorter than an encoded UUID
    [InlineData("u", "vBn[lx{q8@P<9BNH/is ")]   // not Z85
    [InlineData("u", "#####x{q8@P<9BNH/isA")]   // a group above 2^32 - 1
    public void BadDescriptorsHaveNoPath(string storageType, string path) =>
        Assert.Throws<FormatException>(() => new DeletionVectorDescriptor(storageType, path, 1, 36, 2).RelativePath());

    [Fact]
    public void JsonUsesTheProtocolsFieldNames()
    {
        const string json = """{"storageType":"u","pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","offset":4,"sizeInBytes":40,"cardinality":6}""";
        var dv = JsonSerializer.Deserialize<DeletionVectorDescriptor>(json)!;
        Assert.Equal(new DeletionVectorDescriptor("u", "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6), dv);
        var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Assert.Equal(json, JsonSerializer.Serialize(dv, options));

        var inline = DeletionVectorDescriptor.Inline(RoaringBitmapArray.FromValues([3, 4, 7, 11, 18, 29]));
        string inlineJson = JsonSerializer.Serialize(inline);
        Assert.DoesNotContain("offset", inlineJson);
        Assert.DoesNotContain("uniqueId", inlineJson, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IsInline", inlineJson, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(inline, JsonSerializer.Deserialize<DeletionVectorDescriptor>(inlineJson));
    }
}
