using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using DeltaLite.Catalog;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Reports;
using DeltaLite.Tags;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Tags;

public sealed class TagAndReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("deltalite-tags-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Parquet.Schema Schema = new(new Field("id", DataType.Int64, false), new Field("year", DataType.Int32), new Field("name", DataType.String));

    private static RecordBatch Rows(int from, int count, int year)
    {
        var b = Schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        for (int i = from; i < from + count; i++) { b[0].Append((long)i); b[1].Append(year); b[2].Append("row " + i); }
        return new RecordBatch(Schema, b.Select(x => x.Build()).ToArray(), count);
    }

    /// <summary>v0 create, v1 +100 (2020), v2 +50 (2021), v3 delete 10 rows of 2020.</summary>
    private async Task<DeltaTable> BuildAsync(string name)
    {
        var table = await DeltaTable.OpenAsync(Path.Combine(_dir, name));
        await table.CreateAsync(Schema, new CreateTableOptions { PartitionColumns = ["year"] });
        await table.AppendAsync([Rows(0, 100, 2020)]);
        await table.AppendAsync([Rows(100, 50, 2021)]);
        await table.DeleteAsync(PredicateParser.Parse("id < 10"));
        return table;
    }

    [Fact]
    public async Task Tags_are_created_moved_listed_resolved_and_deleted()
    {
        await using var table = await BuildAsync("t1");
        await table.SetTagAsync("training-2020", 1, "first load");
        await table.SetTagAsync("latest-good", 2);
        var tags = await table.GetTagsAsync();
        Assert.Equal([("latest-good", 2L), ("training-2020", 1L)], tags.Values.Select(t => (t.Name, t.Version)).OrderBy(x => x.Name).ToList());
        Assert.Equal("first load", tags["training-2020"].Description);
        Assert.Equal(1, await table.ResolveVersionAsync("training-2020"));
        Assert.Equal(3, await table.ResolveVersionAsync("3"));
        Assert.Equal(100, await (await table.GetSnapshotAtAsync("training-2020")).CountRowsAsync());

        await table.SetTagAsync("training-2020", 3);
        Assert.Equal(3, await table.ResolveVersionAsync("training-2020"));
        await table.DeleteTagAsync("latest-good");
        Assert.False((await table.GetTagsAsync()).ContainsKey("latest-good"));
        await Assert.ThrowsAsync<VersionNotFoundException>(() => table.ResolveVersionAsync("latest-good"));
        await Assert.ThrowsAsync<ArgumentException>(() => table.DeleteTagAsync("never-was"));
        await Assert.ThrowsAsync<VersionNotFoundException>(() => table.SetTagAsync("future", 99));
    }

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ünïcode")]
    public void Bad_tag_names_are_refused(string name) => Assert.Throws<ArgumentException>(() => TableTags.Validate(name));

    [Fact]
    public async Task Two_writers_tagging_at_once_both_land()
    {
        await using var table = await BuildAsync("t2");
        var tasks = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            await using var t = await DeltaTable.OpenAsync(Path.Combine(_dir, "t2"));
            await t.SetTagAsync("tag-" + i, i % 4);
        })).ToArray();
        await Task.WhenAll(tasks);
        var tags = await table.GetTagsAsync();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => "tag-" + i), tags.Keys.Order());
        foreach (var i in Enumerable.Range(0, 6)) Assert.Equal(i % 4, tags["tag-" + i].Version);
    }

    [Fact]
    public async Task A_tag_keeps_its_version_readable_through_vacuum_until_it_is_removed()
    {
        await using var table = await BuildAsync("t3");
        await table.SetTagAsync("before-delete", 2);
        // The delete (v3) removed the 2020 file; a zero-retention vacuum would delete it but for the tag.
        var dry = await table.VacuumAsync(TimeSpan.Zero, dryRun: true, force: true);
        Assert.True(dry.KeptForTags["before-delete"] >= 1);
        await table.VacuumAsync(TimeSpan.Zero, force: true);
        Assert.Equal(150, await (await table.GetSnapshotAtAsync("before-delete")).CountRowsAsync());
        var rows = await (await table.GetSnapshotAtAsync("before-delete")).ReadAllAsync(["id"]);
        Assert.Equal(150, rows.Sum(b => b.RowCount));

        await table.DeleteTagAsync("before-delete");
        var after = await table.VacuumAsync(TimeSpan.Zero, force: true);
        Assert.NotEmpty(after.Files);
        var old = await table.GetSnapshotAsync(2);
        await Assert.ThrowsAsync<DeltaLogException>(async () => await old.ReadAllAsync(["id"]));
    }

    [Fact]
    public async Task A_tag_holds_back_log_cleanup_until_it_is_removed()
    {
        await using var table = await BuildAsync("t5");
        for (int i = 0; i < 8; i++) await table.AppendAsync([Rows(1000 + i, 1, 2022)]);   // versions 4..11, checkpoint at 10
        await table.SetTagAsync("keep-me", 2);                                            // version 12
        // Every log file is 60 days old: past the 30-day log retention.
        var log = Path.Combine(_dir, "t5", "_delta_log");
        foreach (var f in Directory.GetFiles(log)) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-60));

        var held = await table.CleanupLogAsync(DateTimeOffset.UtcNow, dryRun: false);
        Assert.Equal("keep-me", held.HeldByTag);
        Assert.Equal(150, await (await table.GetSnapshotAtAsync("keep-me")).CountRowsAsync());

        await table.DeleteTagAsync("keep-me");                                            // version 13
        foreach (var f in Directory.GetFiles(log)) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-60));
        var freed = await table.CleanupLogAsync(DateTimeOffset.UtcNow, dryRun: false);
        Assert.Null(freed.HeldByTag);
        Assert.NotEmpty(freed.Deleted);
        await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsync(2));
        Assert.Equal(148, await (await table.GetSnapshotAsync()).CountRowsAsync());
    }

    [Fact]
    public async Task The_catalog_has_each_versions_numbers()
    {
        await using var table = await BuildAsync("t4");
        await table.SetTagAsync("v1", 1);
        var catalog = await VersionCatalog.BuildAsync(table);
        Assert.Equal([0L, 1, 2, 3, 4], catalog.Select(v => v.Version));
        Assert.Equal([0L, 100, 150, 140, 140], catalog.Select(v => v.TotalRows ?? -1));
        Assert.Equal(100, catalog[1].RowsAdded);
        Assert.Equal(10, catalog[3].RowsRemoved);
        Assert.Equal("DELETE", catalog[3].Operation);
        Assert.Equal(["v1"], catalog[1].Tags);
        Assert.NotNull(catalog[0].SchemaChange);
        Assert.True(catalog[2].TotalBytes > catalog[1].TotalBytes);
    }

    private async Task<string> ReportAsync()
    {
        await using var table = await BuildAsync("report");
        await table.SetTagAsync("training-2020", 1, "model v1");
        return await HtmlReport.RenderAsync(table);
    }

    [Fact]
    public async Task The_report_is_well_formed_self_contained_and_holds_the_numbers()
    {
        string html = await ReportAsync();
        var doc = XDocument.Parse(html);
        XNamespace x = "http://www.w3.org/1999/xhtml";
        Assert.Equal(8, doc.Descendants(x + "section").Count());
        Assert.True(doc.Descendants(XName.Get("svg", "http://www.w3.org/2000/svg")).Count() + doc.Descendants(x + "svg").Count() >= 3);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("training-2020", html);
        Assert.Contains("model v1", html);
        Assert.Contains("140 rows", html);       // the header: rows of the latest version
        Assert.Contains(">150<", html);          // the versions table: rows at version 2
        Assert.Contains("DELETE", html);
        Assert.Contains("@media print", html);
    }

    [Fact]
    public async Task A_headless_Chromium_screenshot_of_the_report_is_not_blank()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: run scripts/test.sh, which installs Debian's chromium package.");
        string html = Path.Combine(_dir, "report.html");
        await File.WriteAllTextAsync(html, await ReportAsync());
        string results = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(results);
        string png = Path.Combine(results, "report-screenshot.png");
        File.Delete(png);
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(_dir, "profile")}", "--window-size=1280,1600",
                     $"--screenshot={png}", "file://" + html })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(true); Assert.Fail("Chromium did not finish the screenshot in 90 s."); }
            Assert.True(File.Exists(png), $"no screenshot; Chromium said: {await stderr}");
        }
        var pixels = PngPixels(await File.ReadAllBytesAsync(png));
        // A blank page inflates to a few repeated byte values; a page with text, tables and charts to very many.
        Assert.True(pixels.Distinct().Count() > 32, $"the screenshot ({png}) looks blank");
    }

    /// <summary>The inflated image data of a PNG (filter bytes included): enough to tell a blank page from a drawn one.</summary>
    private static byte[] PngPixels(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), "not a PNG");
        var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= png.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            if (type == "IDAT") idat.Write(png, pos + 8, length);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }
}
