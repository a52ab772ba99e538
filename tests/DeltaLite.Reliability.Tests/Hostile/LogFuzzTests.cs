using DeltaLite.Parquet;
using DeltaLite.Schema;
using Xunit.Abstractions;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>
/// Seeded fuzzing of commit JSON and of checkpoint Parquet files of a real table. Each damaged log is opened and every
/// row read: the outcome must be a clear error (a Delta, schema or Parquet error whose message names the damaged
/// version or file, or the data file it misleads the reader to) or a read that is right. Never another exception
/// type, never a hang, never a corrupt line accepted silently, never different rows from a checkpoint that replays
/// to the same state.
/// </summary>
public sealed class LogFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fuzzed_commit_json_is_a_clear_error_or_a_correct_read()
    {
        using var t = HostileTable.Create("commitfuzz");
        await t.BuildAsync(commits: 4, rowsPerCommit: 5, partitioned: true);
        var original = await t.ReadRowsAsync();
        int different = 0;
        var tally = await TableFuzzer.RunAsync(t, seedBase: 1000, rng =>
        {
            long version = rng.Next(5);
            byte[] clean = File.ReadAllBytes(t.CommitFile(version));
            string what;
            byte[] damaged = rng.Next(2) == 0 ? Fuzz.MutateBytes(clean, rng, out what) : Fuzz.MutateJsonLines(clean, rng, out what);
            return (t.CommitFile(version), damaged, $"commit {version} with {what}",
                [Path.GetFileName(t.CommitFile(version)), $"version {version}", $"commit {version}", "data file"]);
        }, (context, damaged, rows) =>
        {
            // A read that succeeds must not have skipped over a line that is not JSON; a valid log may say other things.
            Assert.True(Fuzz.AllLinesAreJson(damaged), $"{context}: a line that is not JSON was accepted silently");
            if (!rows.SequenceEqual(original)) different++;
        });
        output.WriteLine($"commit JSON: {tally.Runs} fuzzed commits, {tally.Errors} clear errors, {tally.Runs - tally.Errors} reads ({different} of them read other rows from a still-valid log)");
    }

    [Fact]
    public async Task Fuzzed_checkpoints_are_a_clear_error_or_read_the_same_rows()
    {
        using var t = HostileTable.Create("checkpointfuzz");
        await t.BuildAsync(commits: 7, rowsPerCommit: 4, partitioned: true, checkpointInterval: 5);
        string checkpoint = t.CheckpointFile(5);
        Assert.True(File.Exists(checkpoint), "the table has no checkpoint at version 5");
        var original = await t.ReadRowsAsync();
        byte[] clean = File.ReadAllBytes(checkpoint);
        var tally = await TableFuzzer.RunAsync(t, seedBase: 5000, rng =>
        {
            byte[] damaged = Fuzz.MutateBytes(clean, rng, out string what);
            return (checkpoint, damaged, $"checkpoint with {what}", [Path.GetFileName(checkpoint), "data file"]);
        }, (context, _, rows) => Assert.True(rows.SequenceEqual(original), $"{context}: the damaged checkpoint was read without an error but gave other rows"));
        output.WriteLine($"checkpoints: {tally.Runs} fuzzed checkpoints, {tally.Errors} clear errors, {tally.Runs - tally.Errors} correct reads");
    }

    /// <summary>
    /// Every single-bit flip of a checkpoint's footer (in long runs: of every byte of the file, every bit) is a clear
    /// error or reads the very same rows. The footer has no checksum, so what protects it is the reader checking the
    /// actions' columns and types: a flip once renamed the add column (every file of the checkpoint dropped) and once
    /// removed partitionValues' MAP annotation (every partition value read as null), both silently.
    /// </summary>
    [Fact]
    public async Task Every_single_bit_flip_of_a_checkpoint_footer_is_a_clear_error_or_the_same_rows()
    {
        using var t = HostileTable.Create("checkpointflips");
        await t.BuildAsync(commits: 7, rowsPerCommit: 4, partitioned: true, checkpointInterval: 5);
        string checkpoint = t.CheckpointFile(5);
        var original = await t.ReadRowsAsync();
        byte[] clean = File.ReadAllBytes(checkpoint);
        int footer = BitConverter.ToInt32(clean, clean.Length - 8);
        int from = Fuzz.Long ? 0 : clean.Length - 8 - footer;
        int flips = 0, errors = 0;
        var silent = new List<string>();
        try
        {
            for (int pos = from; pos < clean.Length; pos++)
            {
                // CI: two bits of each byte, rotating so that every bit position is flipped somewhere; long runs: all eight.
                int[] bits = Fuzz.Long ? [0, 1, 2, 3, 4, 5, 6, 7] : [pos % 4, pos % 4 + 4];
                foreach (int bit in bits)
                {
                    var damaged = (byte[])clean.Clone();
                    damaged[pos] ^= (byte)(1 << bit);
                    File.WriteAllBytes(checkpoint, damaged);
                    flips++;
                    try
                    {
                        var rows = await t.ReadRowsAsync();
                        if (!rows.SequenceEqual(original)) silent.Add($"byte {pos} bit {bit} ({rows.Count} rows instead of {original.Count})");
                    }
                    catch (Exception e) when (e is DeltaLogException or DeltaSchemaException or ParquetFormatException)
                    {
                        errors++;
                        Assert.True(e.Message.Contains(Path.GetFileName(checkpoint), StringComparison.Ordinal) || e.Message.Contains("data file", StringComparison.Ordinal),
                            $"byte {pos} bit {bit}: the error names neither the checkpoint nor the data file it misled the reader to: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }
        finally
        {
            File.WriteAllBytes(checkpoint, clean);
        }
        Assert.True(silent.Count == 0, $"{silent.Count} of {flips} flips read other rows without an error: {string.Join("; ", silent.Take(10))}");
        output.WriteLine($"checkpoint bit flips: {flips} (bytes {from}..{clean.Length - 1} of {clean.Length}, footer {footer} bytes), {errors} clear errors, {flips - errors} reads of the same rows");
    }
}
