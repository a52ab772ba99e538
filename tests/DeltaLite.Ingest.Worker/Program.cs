using System.Text.Json;
using System.Text.Json.Serialization;
using DeltaLite.Ingest;

// Runs one ingestion job from a JSON job file in its own process, so that tests can SIGKILL it mid-run:
//   DeltaLite.Ingest.Worker <job.json>
// Prints "started" on stderr once the job is loaded, progress lines ("progress <phase> <rows> <elapsed>ms") on stderr, and the
// IngestResult as one JSON line on stdout. Exit codes: 0 done, 1 ingestion error (message on stderr), 2 usage.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: DeltaLite.Ingest.Worker <job.json>");
    return 2;
}
try
{
    var job = IngestJob.Load(args[0]);
    Console.Error.WriteLine("started");
    var progress = new StderrProgress(Console.Error);
    var result = await IngestRunner.RunAsync(job, progress);
    var options = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() } };
    Console.Out.WriteLine(JsonSerializer.Serialize(result, options));
    return 0;
}
catch (IngestException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

internal sealed class StderrProgress(TextWriter output) : IProgress<IngestProgress>
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public void Report(IngestProgress value)
    {
        lock (output) output.WriteLine($"progress {value.Phase.Replace(' ', '-')} {value.RowsRead} {_clock.ElapsedMilliseconds}ms");
    }
}
