using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

public class JsonRowComparerTests
{
    private static List<JsonElement> Rows(params string[] lines) =>
        lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Equal_rows_give_no_message_whatever_the_member_order()
    {
        var a = Rows("""{"a":1,"b":"x","c":{"d":[1,2,null]}}""", """{"a":2,"b":null,"c":null}""");
        var b = Rows("""{"b":"x","c":{"d":[1,2,null]},"a":1}""", """{"a":2,"b":null,"c":null}""");

        Assert.Null(JsonRowComparer.Compare(a, b));
    }

    [Theory]
    [InlineData("9223372036854775807", "9223372036854775807", true)]
    [InlineData("9223372036854775807", "9223372036854775806", false)] // equal as doubles, not as integers
    [InlineData("170141183460469231731687303715884105727", "170141183460469231731687303715884105726", false)]
    [InlineData("1", "1.0", true)]
    [InlineData("0", "-0", true)]
    [InlineData("0.1", "0.10000000149011612", true)] // a FLOAT printed at double precision
    [InlineData("0.1", "0.2", false)]
    [InlineData("1e300", "1e301", false)] // both overflow float32: not equal by that rule
    [InlineData("1e-7", "0.0000001", true)]
    public void Numbers_compare_by_value(string expected, string actual, bool equal)
    {
        Assert.Equal(equal, JsonRowComparer.NumbersEqual(expected, actual));
    }

    [Fact]
    public void A_string_never_equals_a_number()
    {
        Assert.NotNull(JsonRowComparer.Compare(Rows("""{"a":"1"}"""), Rows("""{"a":1}""")));
    }

    [Fact]
    public void The_message_names_the_row_the_path_and_both_values()
    {
        var expected = Rows("""{"a":1}""", """{"a":2,"s":{"l":[{"key":"k","value":"v1"}]}}""");
        var actual = Rows("""{"a":1}""", """{"a":2,"s":{"l":[{"key":"k","value":"v2"}]}}""");

        var message = JsonRowComparer.Compare(expected, actual, "duckdb", "deltalite");

        Assert.NotNull(message);
        Assert.StartsWith("Row 1 differs at $.s.l[0].value", message);
        Assert.Contains("duckdb: \"v1\"", message);
        Assert.Contains("deltalite: \"v2\"", message);
    }

    [Fact]
    public void Missing_and_extra_members_and_rows_are_reported()
    {
        Assert.Contains("$.b", JsonRowComparer.Compare(Rows("""{"a":1,"b":2}"""), Rows("""{"a":1}"""))!);
        Assert.Contains("$.c", JsonRowComparer.Compare(Rows("""{"a":1}"""), Rows("""{"a":1,"c":2}"""))!);
        Assert.Contains("$[\"odd name\"]", JsonRowComparer.Compare(Rows("""{"odd name":1}"""), Rows("""{"odd name":2}"""))!);

        var counts = JsonRowComparer.Compare(Rows("""{"a":1}""", """{"a":2}"""), Rows("""{"a":1}"""));
        Assert.NotNull(counts);
        Assert.StartsWith("Row counts differ: expected has 2, actual has 1", counts);

        var lengths = JsonRowComparer.Compare(Rows("""{"a":[1,2]}"""), Rows("""{"a":[1]}"""));
        Assert.Contains("$.a (array length)", lengths!);
    }

    [Fact]
    public void AssertEqual_fails_the_test_with_the_message()
    {
        var e = Assert.ThrowsAny<Exception>(() => JsonRowComparer.AssertEqual(Rows("""{"a":true}"""), Rows("""{"a":false}""")));

        Assert.Contains("Row 0 differs at $.a", e.Message);
    }
}
