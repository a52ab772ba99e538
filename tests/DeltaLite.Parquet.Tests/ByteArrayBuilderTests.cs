namespace DeltaLite.Parquet.Tests;

public class ByteArrayBuilderTests
{
    [Fact]
    public void Append_grows_and_keeps_every_value()
    {
        var b = new ByteArrayBuilder(1, 1);
        for (int i = 0; i < 1000; i++) b.Append(System.Text.Encoding.UTF8.GetBytes("v" + i));
        b.AppendEmpty();
        Assert.Equal(1001, b.Count);
        Assert.Equal("v999", System.Text.Encoding.UTF8.GetString(b[999]));
        Assert.Equal(0, b[1000].Length);
    }
}
