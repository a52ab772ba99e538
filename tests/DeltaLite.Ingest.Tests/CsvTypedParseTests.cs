using System.Globalization;
using System.Text;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.Csv;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// CSV values parsed from their UTF-8 bytes into typed columns: the fast path agrees with the text parser on every
/// value it takes, leaves the rest to it, and a bad row (refused or quarantined) leaves no value behind in any column.
/// </summary>
public sealed class CsvTypedParseTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> Values => new()
    {
        { "long", "42", "" }, { "long", "-9223372036854775808", "" }, { "long", "+7", "" }, { "long", " 12 ", "" }, { "long", "1,234", "" },
        { "long", "007", "" }, { "long", "-0", "" }, { "long", "123456789012345678", "" }, { "long", "-1234567890123456789", "" }, { "long", "-", "" },
        { "long", "+", "" }, { "long", "1-", "" }, { "long", "1.0", "" }, { "integer", "2147483647", "" }, { "integer", "-2147483649", "" }, { "integer", "+0012", "" },
        { "integer", "-2147483648", "" }, { "integer", "2147483648", "" }, { "short", "-32768", "" }, { "byte", "-128", "" }, { "byte", "128", "" },
        { "double", "1.5", "" }, { "double", "-2.5e-3", "" }, { "double", "1,234.5", "" }, { "double", "NaN", "" }, { "float", "3.25", "" },
        { "decimal(10,2)", "12.34", "" }, { "decimal(10,2)", "-0.5", "" }, { "decimal(10,2)", "12.345", "" }, { "decimal(10,2)", "12.340", "" },
        { "decimal(10,2)", "1,234.5", "" }, { "decimal(10,2)", "1e2", "" }, { "decimal(38,2)", "123456789012345678901234567.89", "" },
        { "decimal(10,2)", "+3.1", "" }, { "decimal(10,2)", ".5", "" }, { "decimal(10,2)", "5.", "" }, { "decimal(10,2)", "-", "" }, { "decimal(10,2)", ".", "" },
        { "decimal(10,2)", "1.2.3", "" }, { "decimal(10,2)", "00012.30", "" }, { "decimal(10,2)", "-99999999.99", "" }, { "decimal(10,0)", "7", "" },
        { "decimal(20,2)", "1234567890123456.78", "" }, { "decimal(21,2)", "12345678901234567.89", "" }, { "decimal(10,2)", "-0.00", "" },
        { "decimal(10,2)", "1-2", "" }, { "decimal(10,2)", "12,5", "de-DE" }, { "decimal(10,2)", "1.234,5", "de-DE" }, { "decimal(10,2)", "-0,5", "de-DE" }, { "double", "2,75", "de-DE" },
        { "boolean", "true", "" }, { "boolean", "FALSE", "" }, { "boolean", "Y", "" }, { "boolean", "no", "" }, { "boolean", "t", "" }, { "boolean", "0", "" }, { "boolean", "maybe", "" },
        { "date", "2024-02-29", "" }, { "date", "2023-02-29", "" }, { "date", " 2024-01-31", "" }, { "date", "31.01.2024", "de-DE" },
        { "timestamp", "2024-01-31 10:11:12", "" }, { "timestamp", "2024-01-31T10:11:12.1234567Z", "" }, { "timestamp", "2024-01-31T10:11:12+02:00", "" },
        { "timestamp", "2024-13-01 00:00:00", "" }, { "timestamp_ntz", "2024-01-31 10:11:12.5", "" },
        { "string", " spaced text ", "" }, { "string", "日本語", "" }, { "binary", "AQID", "" },
    };

    /// <summary>Whatever path a value takes, the column holds what the text parser gives, or the text parser's error.</summary>
    [Theory]
    [MemberData(nameof(Values))]
    public void FastPathAgreesWithTheTextParser(string typeName, string text, string cultureName)
    {
        var culture = cultureName.Length == 0 ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(cultureName);
        var type = CsvSchema.ParseType(typeName, "test");
        object? expected;
        string? error = null;
        try
        {
            expected = CsvSchema.Parse(text, type, culture);
        }
        catch (FormatException e)
        {
            expected = null;
            error = e.Message;
        }

        var column = TypedColumn.Create(type, 4);
        bool fast = new CsvValueParser(culture).TryAppend(column, Encoding.UTF8.GetBytes(text));
        if (error is not null)
        {
            Assert.False(fast, $"the fast path took '{text}', which the text parser refuses ({error})");
            return;
        }
        if (!fast) CsvValueParser.AppendParsed(column, expected!);
        var actual = column.Build().GetValue(0);
        var reference = ColumnBuilder.Create(type);
        reference.Append(expected);
        Assert.Equal(reference.Build().GetValue(0), actual);
    }

    /// <summary>Rows refused in the middle of a batch (at the first, a middle and the last column) leave every column aligned.</summary>
    [Fact]
    public async Task QuarantinedRowsLeaveNoValueBehindAcrossBatches()
    {
        string folder = Directory.CreateDirectory(_dir["in"]).FullName;
        var csv = new StringBuilder("id,name,amount,day,flag\n");
        var expected = new List<string>();
        for (int i = 1; i <= 40; i++)
        {
            string line = (i % 7) switch
            {
                1 => $"x{i},name {i},{i}.25,2024-01-{i % 28 + 1:00},true",        // bad first column
                3 => $"{i},name {i},{i}.255,2024-01-{i % 28 + 1:00},true",        // bad middle column (too many places)
                5 => $"{i},name {i},{i}.25,2024-01-{i % 28 + 1:00},perhaps",      // bad last column
                _ => $"{i},name {i},{i}.25,2024-01-{i % 28 + 1:00},{(i % 2 == 0 ? "false" : "true")}",
            };
            csv.Append(line).Append('\n');
            if (i % 7 is not (1 or 3 or 5)) expected.Add($"{i}|name {i}|{i}.25|2024-01-{i % 28 + 1:00}|{(i % 2 == 0 ? "false" : "true")}");
        }
        File.WriteAllText(Path.Combine(folder, "rows.csv"), csv.ToString());
        string schema = _dir["schema.txt"];
        File.WriteAllText(schema, "id long not null\nname string\namount decimal(10,2)\nday date\nflag boolean\n");
        var job = new IngestJob
        {
            Source = SourceKind.Csv, Path = folder, Target = _dir["table"], SourceId = "csv", SchemaFile = schema,
            BadRows = BadRowPolicy.Quarantine, RejectsPath = _dir["rejects.csv"], BatchSize = 4,
        };
        var result = await IngestRunner.RunAsync(job);
        Assert.Equal(expected.Count, result.RowsRead);
        Assert.Equal(40 - expected.Count, result.RejectedRows);
        var rows = (await Rows.ReadTableAsync(_dir["table"]))
            .OrderBy(r => long.Parse(r["id"]!, CultureInfo.InvariantCulture))
            .Select(r => $"{r["id"]}|{r["name"]}|{r["amount"]}|{r["day"]}|{r["flag"]}").ToList();
        Assert.Equal(expected, rows);
    }

    /// <summary>A decimal with more digits than its precision is a bad row naming file, line and column (not a crash).</summary>
    [Fact]
    public async Task DecimalBeyondItsPrecisionNamesFileLineAndColumn()
    {
        string folder = Directory.CreateDirectory(_dir["in"]).FullName;
        string file = Path.Combine(folder, "wide.csv");
        File.WriteAllText(file, "id,amount\n1,999.99\n2,1000.00\n");
        string schema = _dir["schema.txt"];
        File.WriteAllText(schema, "id long\namount decimal(5,2)\n");
        var e = await Assert.ThrowsAsync<BadRowException>(() => IngestRunner.RunAsync(new IngestJob
        {
            Source = SourceKind.Csv, Path = file, Target = _dir["table"], SourceId = "csv", SchemaFile = schema,
        }));
        Assert.Equal(file, e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal("amount", e.Column);
        Assert.Contains("decimal(5,2)", e.Message);
    }
}
