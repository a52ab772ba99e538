using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>
/// The fuzzing loop over one table: damage a file, read every row (with a hang guard), check the outcome, restore.
/// An outcome is a clear error (a Delta, schema or Parquet error whose message names where) or a read the caller
/// checks; any other exception type, a hang, or an error that does not say where fails the round.
/// </summary>
internal static class TableFuzzer
{
    public sealed record Tally(int Runs, int Errors);

    /// <summary>
    /// Damages one log file per round (<paramref name="damage"/> picks it and says what it did and which names an
    /// error about it may give), reads the table, checks the outcome, restores the file. Fails with every round that
    /// went wrong, and when too few rounds were refused for the damage to be real.
    /// </summary>
    public static async Task<Tally> RunAsync(HostileTable t, int seedBase,
        Func<Random, (string File, byte[] Damaged, string What, string[] Names)> damage, Action<string, byte[], List<string>> checkRead)
    {
        int runs = Fuzz.Iterations(300), errors = 0;
        var failures = new List<string>();
        for (int i = 0; i < runs; i++)
        {
            var (file, damaged, what, names) = damage(new Random(seedBase + i));
            byte[] clean = File.ReadAllBytes(file);
            File.WriteAllBytes(file, damaged);
            string context = $"seed {seedBase + i}: {what}";
            try
            {
                var (rows, error) = await ReadAsync(t, context);
                if (error is not null)
                {
                    AssertNamesWhere(error, context, names);
                    errors++;
                }
                else
                {
                    checkRead(context, damaged, rows!);
                }
            }
            catch (Xunit.Sdk.XunitException e)
            {
                failures.Add(e.Message);
            }
            finally
            {
                File.WriteAllBytes(file, clean);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {runs} fuzzed inputs went wrong:\n" + string.Join("\n", failures.Take(15)));
        Assert.True(errors > runs / 4, $"only {errors} of {runs} damaged inputs were refused: the fuzzing damages too little");
        return new Tally(runs, errors);
    }

    /// <summary>Opens the table and reads every row, with a hang guard; returns the rows or the (expected kind of) error.</summary>
    private static async Task<(List<string>? Rows, Exception? Error)> ReadAsync(HostileTable t, string context)
    {
        var work = Task.Run(async () =>
        {
            try
            {
                return ((List<string>?)await t.ReadRowsAsync(), (Exception?)null);
            }
            catch (Exception e) when (e is DeltaLogException or DeltaSchemaException or ParquetFormatException)
            {
                return ((List<string>?)null, (Exception?)e);
            }
            catch (Exception e)
            {
                Assert.Fail($"{context}: {e.GetType().FullName} is not a clear error:\n{e}");
                throw;
            }
        });
        if (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMinutes(1))) != work) Assert.Fail($"{context}: reading did not end (hang guard: 1 minute)");
        return await work;
    }

    private static void AssertNamesWhere(Exception e, string context, params string[] anyOf) =>
        Assert.True(anyOf.Any(w => e.Message.Contains(w, StringComparison.Ordinal)),
            $"{context}: the error does not say where ({string.Join(" / ", anyOf)}): {e.GetType().Name}: {e.Message}");
}
