using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using DeltaLite.Parquet.Tests.Peers;

namespace DeltaLite.Cli.Tests;

/// <summary>What one run of the CLI did.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    /// <summary>Fails with the whole run described unless the exit code is <paramref name="expected"/>.</summary>
    public CliResult Expect(int expected)
    {
        if (ExitCode != expected)
            Assert.Fail($"`{CommandLine}` exited with {ExitCode}, expected {expected}.\nstdout:\n{Head(Stdout)}\nstderr:\n{Head(Stderr)}");
        return this;
    }

    /// <summary>Exit code 0.</summary>
    public CliResult Ok() => Expect(0);

    /// <summary>Stdout parsed as one JSON document.</summary>
    public JsonElement Json()
    {
        try
        {
            using var doc = JsonDocument.Parse(Stdout);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Assert.Fail($"`{CommandLine}` printed invalid JSON: {e.Message}\nstdout:\n{Head(Stdout)}");
            throw;
        }
    }

    /// <summary>Stdout parsed as JSON lines.</summary>
    public List<JsonElement> JsonLines()
    {
        var rows = new List<JsonElement>();
        foreach (var line in Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            rows.Add(doc.RootElement.Clone());
        }
        return rows;
    }

    /// <summary>Asserts a user error: exit code 1, one "error: ..." line on stderr containing <paramref name="fragment"/>, no stack trace.</summary>
    public CliResult UserError(string fragment)
    {
        Expect(1);
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"`{CommandLine}`: expected one error line, got:\n{Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(fragment, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", Stderr);
        return this;
    }

    private static string Head(string s) => s.Length <= 4000 ? s : s[..4000] + "...";
}

/// <summary>
/// Runs the built CLI (<c>src/DeltaLite.Cli/bin/&lt;configuration&gt;/net10.0/DeltaLite.Cli.dll</c>, the configuration of
/// this test assembly) as <c>dotnet DeltaLite.Cli.dll ...</c> with redirected streams, as a script would.
/// </summary>
internal static class Cli
{
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> s_dll = new(Locate);

    public static string DllPath => s_dll.Value;

    public static CliResult Run(params string[] args) => Run(args, null, null);

    /// <summary>How to start <c>dotnet DeltaLite.Cli.dll args</c>: redirected UTF-8 streams, no telemetry, no progress interval.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("DELTALITE_PROGRESS_INTERVAL");
        if (environment is not null)
            foreach (var kv in environment) psi.Environment[kv.Key] = kv.Value;
        return psi;
    }

    public static CliResult Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var psi = StartInfo(args, environment, workingDirectory);
        string commandLine = "deltalite " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            // What it printed so far (progress lines name the phase it was in) says where it hung.
            string printed = stderr.GetAwaiter().GetResult();
            Assert.Fail($"`{commandLine}` did not finish within {Timeout.TotalSeconds:0} s; its stderr so far ends with:\n{(printed.Length <= 3000 ? printed : "..." + printed[^3000..])}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), commandLine);
    }

    private static string Locate()
    {
        string configuration = typeof(Cli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string root = DuckDbPeer.RepositoryRoot();
        string dll = Path.Combine(root, "src", "DeltaLite.Cli", "bin", configuration, "net10.0", "DeltaLite.Cli.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"The CLI is not built: {dll} is missing (run `dotnet build DeltaLite.sln -c {configuration}`).", dll);
        return dll;
    }
}
