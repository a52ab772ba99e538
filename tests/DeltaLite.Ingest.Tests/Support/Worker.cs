using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeltaLite.Ingest.Tests.Support;

/// <summary>The ingestion worker (tests/DeltaLite.Ingest.Worker) run as a separate process: one job from a JSON file.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions ResultOptions = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly Process _process;
    private readonly System.Text.StringBuilder _stdout = new(), _stderr = new();

    private WorkerProcess(Process process) => _process = process;

    public static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "DeltaLite.Ingest.Worker.dll");

    /// <summary>Writes the job file and starts the worker on it.</summary>
    public static WorkerProcess Start(IngestJob job, string jobFile)
    {
        File.WriteAllText(jobFile, JsonSerializer.Serialize(job, JsonOptions));
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WorkerDll);
        info.ArgumentList.Add(jobFile);
        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (worker._stdout) worker._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (worker._stderr) worker._stderr.AppendLine(e.Data); };
        if (!process.Start()) throw new InvalidOperationException("the worker did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public bool HasExited => _process.HasExited;

    public string StdErr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>SIGKILL (Process.Kill on Unix sends SIGKILL): no finally block, no flush, no cleanup runs.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        _process.WaitForExit();
    }

    /// <summary>Waits for the worker to finish and returns its result; fails with its stderr when it did not succeed.</summary>
    public async Task<IngestResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"the worker did not finish within {timeout}: {StdErr}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        string output;
        lock (_stdout) output = _stdout.ToString();
        if (_process.ExitCode != 0) throw new InvalidOperationException($"the worker failed (exit {_process.ExitCode}): {StdErr}");
        return JsonSerializer.Deserialize<IngestResult>(output.Trim(), ResultOptions)
            ?? throw new InvalidOperationException("the worker printed no result");
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
