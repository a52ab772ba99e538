using System.Text;
using DeltaLite.Log;

namespace DeltaLite.Tests.Log;

/// <summary>Damaged or odd logs: each gives a clear error naming the file or version, or is tolerated as the spec says.</summary>
public class BadLogTests
{
    /// <summary>A table with versions 0..12 and checkpoints at 5 and 10 (interval 5), one row per commit.</summary>
    private static async Task<TempTable> BuildAsync(int commits = 12, bool checkpoints = true)
    {
        var temp = TempTable.Create("bad");
        await using var table = await temp.CreateTableAsync(new Dictionary<string, string>
        {
            ["delta.checkpointInterval"] = checkpoints ? "5" : "1000",
            ["delta.enableExpiredLogCleanup"] = "false",
        });
        for (int i = 0; i < commits; i++) await table.AppendAsync([TempTable.Rows(i, 1, i % 2 == 0 ? "north" : "south")]);
        return temp;
    }

    [Fact]
    public async Task AMissingCommitInTheMiddleNamesTheCommit()
    {
        await using var temp = await BuildAsync(checkpoints: false);
        File.Delete(temp.CommitFile(3));
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => table.GetSnapshotAsync());
        Assert.Contains("missing commit 3", e.Message);
        Assert.Contains("00000000000000000003.json", e.Message);
        e = await Assert.ThrowsAsync<DeltaLogException>(() => table.GetSnapshotAsync(5));
        Assert.Contains("commit 3", e.Message);
        Assert.Equal(2, (await table.GetSnapshotAsync(2)).Version); // versions before the gap still read
    }

    [Fact]
    public async Task ACorruptCommitLineNamesTheFileAndLine()
    {
        await using var temp = await BuildAsync(commits: 3, checkpoints: false);
        var lines = File.ReadAllLines(temp.CommitFile(2));
        Assert.True(lines.Length >= 2);
        lines[1] = lines[1][..(lines[1].Length / 2)]; // a torn line
        File.WriteAllText(temp.CommitFile(2), string.Join('\n', lines) + "\n");
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var e = await Assert.ThrowsAnyAsync<DeltaLogException>(() => table.GetSnapshotAsync());
        Assert.Contains("00000000000000000002.json", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Equal(1, (await table.GetSnapshotAsync(1)).Version);
    }

    [Fact]
    public async Task ATruncatedCheckpointNamesTheCheckpoint()
    {
        await using var temp = await BuildAsync();
        var bytes = File.ReadAllBytes(temp.CheckpointFile(10));
        File.WriteAllBytes(temp.CheckpointFile(10), bytes[..(bytes.Length / 2)]);
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var e = await Assert.ThrowsAnyAsync<DeltaLogException>(() => table.GetSnapshotAsync());
        Assert.Contains("00000000000000000010.checkpoint.parquet", e.Message);
        // Versions that do not need that checkpoint still read.
        Assert.Equal(9, (await table.GetSnapshotAsync(9)).Version);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"version\":\"ten\"}")]
    [InlineData("{\"size\":3}")]
    [InlineData("{\"version\":-4}")]
    [InlineData("{\"version\":999}")]
    [InlineData("{\"version\":7,\"size\":3}")]
    [InlineData("")]
    public async Task ABadLastCheckpointIsIgnored(string content)
    {
        await using var temp = await BuildAsync();
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var before = await table.GetSnapshotAsync();
        File.WriteAllText(Path.Combine(temp.LogFolder, "_last_checkpoint"), content);
        var after = await table.GetSnapshotAsync();
        Assert.Equal(12, after.Version);
        Assert.Equal(10, after.Segment.CheckpointVersion);
        TempTable.AssertSameState(before, after);
        Assert.Equal(12, await table.GetLatestVersionAsync());
        Assert.Equal(12, await after.CountRowsAsync());
        Assert.Equal(7, (await table.GetSnapshotAsync(7)).Version);
    }

    [Fact]
    public async Task AStaleLastCheckpointStillGivesTheLatestVersion()
    {
        await using var temp = await BuildAsync();
        File.WriteAllText(Path.Combine(temp.LogFolder, "_last_checkpoint"), "{\"version\":5,\"size\":8}");
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal(12, snapshot.Version);
        Assert.Equal(10, snapshot.Segment.CheckpointVersion);
        Assert.Equal(12, await table.GetLatestVersionAsync());
        // A hint to a checkpoint that no longer exists, too.
        File.Delete(temp.CheckpointFile(5));
        File.Delete(temp.CheckpointFile(10));
        var noCheckpoints = await table.GetSnapshotAsync();
        Assert.Equal(12, noCheckpoints.Version);
        Assert.Null(noCheckpoints.Segment.CheckpointVersion);
        TempTable.AssertSameState(snapshot, noCheckpoints);
    }

    [Fact]
    public async Task VersionsThatDoNotExistAreNamed()
    {
        await using var temp = await BuildAsync(commits: 3, checkpoints: false);
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var before = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsync(-1));
        Assert.Contains("version -1", before.Message);
        var after = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsync(4));
        Assert.Contains("version 4", after.Message);
        Assert.Contains("latest version is 3", after.Message);
        var missing = await Assert.ThrowsAsync<TableNotFoundException>(async () =>
        {
            await using var nothing = await DeltaTable.OpenAsync(Path.Combine(temp.Path, "no-such-table"));
            await nothing.GetSnapshotAsync();
        });
        Assert.Contains("no-such-table", missing.Message);
    }

    [Theory]
    [InlineData("{\"protocol\":{\"minReaderVersion\":4,\"minWriterVersion\":7}}", "readerVersion4")]
    [InlineData("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"fooBar\"],\"writerFeatures\":[\"fooBar\"]}}", "fooBar")]
    public async Task AnUnknownProtocolIsRefusedNamingTheFeature(string protocol, string feature)
    {
        await using var temp = await BuildAsync(commits: 2, checkpoints: false);
        File.WriteAllText(temp.CommitFile(3), "{\"commitInfo\":{\"timestamp\":1}}\n" + protocol + "\n");
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        var e = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => table.GetSnapshotAsync());
        Assert.Contains(feature, e.Features);
        Assert.Contains(feature == "fooBar" ? "'fooBar'" : "reader version 4", e.Message);
        Assert.Contains(temp.Path, e.Message);
        Assert.Equal(2, (await table.GetSnapshotAsync(2)).Version); // older versions stay readable
        await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => table.AppendAsync([TempTable.Rows(0, 1, "north")]));
    }

    [Fact]
    public async Task UnknownActionsAndFieldsAreSkipped()
    {
        await using var temp = await BuildAsync(commits: 2, checkpoints: false);
        File.AppendAllText(temp.CommitFile(2), "{\"someFutureAction\":{\"x\":1}}\n\n");
        var text = File.ReadAllText(temp.CommitFile(1)).Replace("\"add\":{", "\"add\":{\"futureField\":[1,{\"a\":2}],", StringComparison.Ordinal);
        File.WriteAllText(temp.CommitFile(1), text, new UTF8Encoding(false));
        await using var table = await DeltaTable.OpenAsync(temp.Path);
        Assert.Equal(2, await (await table.GetSnapshotAsync()).CountRowsAsync());
    }

    [Fact]
    public void LogFileNamesAreParsedStrictly()
    {
        static LogFile? Parse(string name) => LogFile.TryParse(new global::DeltaLite.Storage.ObjectInfo("_delta_log/" + name, 1, DateTimeOffset.UnixEpoch));
        Assert.Equal(LogFileKind.Commit, Parse("00000000000000000007.json")!.Kind);
        Assert.Equal(7, Parse("00000000000000000007.checkpoint.parquet")!.Version);
        Assert.Equal((2, 3), (Parse("00000000000000000007.checkpoint.0000000002.0000000003.parquet")!.Part, Parse("00000000000000000007.checkpoint.0000000002.0000000003.parquet")!.Parts));
        Assert.Equal(LogFileKind.CheckpointV2, Parse("00000000000000000007.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json")!.Kind);
        Assert.Equal(LogFileKind.Checksum, Parse("00000000000000000007.crc")!.Kind);
        Assert.Null(Parse("7.json"));
        Assert.Null(Parse("00000000000000000007.json.tmp"));
        Assert.Null(Parse(".00000000000000000007.json.crc"));
        Assert.Null(Parse("00000000000000000007.checkpoint.0000000004.0000000003.parquet"));
        Assert.Null(Parse("_last_checkpoint"));
    }
}
