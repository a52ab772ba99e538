using System.ComponentModel;
using System.Diagnostics;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>Runs a command-line compressor as a filter (stdin to stdout). A missing tool fails the test, never skips it.</summary>
internal static class CommandLineTool
{
    public static byte[] Filter(string tool, string arguments, byte[] input, string installHint)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"'{tool}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"This interop test needs the '{tool}' command-line tool on PATH ({installHint}); starting it failed: {e.Message}", e);
        }
        using (process)
        {
            var stdout = new MemoryStream();
            Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{tool} {arguments}' did not finish within a minute.");
            }
            copy.Wait();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{tool} {arguments}' exited with {process.ExitCode}: {stderr.Result}");
            }
            return stdout.ToArray();
        }
    }
}
