using System.Diagnostics;
using System.Text.Json;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Runs a measured step in a process of its own (so that its peak memory is its own) and reads the figures it prints
/// as its last line of JSON: this program in a child mode, or the DuckDB side of a benchmark.
/// </summary>
internal static class ChildProcess
{
    /// <summary>This benchmark program with <paramref name="args"/> (a child-* mode).</summary>
    public static JsonElement Self(params string[] args)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path.");
        var psi = new ProcessStartInfo(exe);
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Run(psi);
    }

    /// <summary>tests/peers/duckdb/duckdb-bench.mjs under node with <paramref name="args"/>.</summary>
    public static JsonElement DuckDb(params string[] args)
    {
        var psi = new ProcessStartInfo("node");
        psi.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "peers", "duckdb", "duckdb-bench.mjs"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Run(psi);
    }

    private static JsonElement Run(ProcessStartInfo psi)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}): {stderr.Result.Trim()}");
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    /// <summary>The folder holding DeltaLite.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "DeltaLite.sln"))) return d.FullName;
        throw new InvalidOperationException("Cannot find the repository root (the folder with DeltaLite.sln).");
    }
}
