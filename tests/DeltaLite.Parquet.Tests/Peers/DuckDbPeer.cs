using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>
/// Runs the DuckDB peer (<c>tests/peers/duckdb/duckdb-peer.mjs</c> under node) to read Parquet files with an
/// independent implementation. Rows come back in the project's canonical row rendering (see the script's header),
/// which our own reader prints too, so tests compare the two with <see cref="JsonRowComparer"/>.
/// </summary>
/// <remarks>
/// The peer is located through <c>$DELTALITE_DUCKDB_PEER</c> (set by <c>scripts/test.sh</c>) or, failing that,
/// beside the repository root (the folder that holds DeltaLite.sln). When node or the peer's installed
/// node_modules are missing, every call throws: the tests fail, they are never skipped.
/// </remarks>
internal static class DuckDbPeer
{
    /// <summary>How long one peer run may take before it is killed and the test fails.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    private const string SetupHint = "Run scripts/test.sh (it installs node and runs `npm ci` in tests/peers/duckdb).";

    private static readonly Lazy<string> s_script = new(LocateScript);

    /// <summary>The peer script's full path.</summary>
    public static string ScriptPath => s_script.Value;

    /// <summary>The rows of a Parquet file (optionally only the given top-level columns, in that order).</summary>
    public static IReadOnlyList<JsonElement> Rows(string parquetPath, IEnumerable<string>? columns = null)
    {
        var args = new List<string> { "rows", Path.GetFullPath(parquetPath) };
        if (columns is not null)
        {
            var list = columns.ToList();
            if (list.Count == 0) throw new ArgumentException("At least one column is needed.", nameof(columns));
            if (list.Any(c => c.Contains(',')))
                throw new ArgumentException("The peer's --columns list cannot hold a name with a comma.", nameof(columns));
            args.Add("--columns");
            args.Add(string.Join(',', list));
        }
        return ParseJsonLines(Run(args), args);
    }

    /// <summary>A JSON array of {"name","type"}: DuckDB's type string for each top-level column.</summary>
    public static JsonElement Types(string parquetPath) => RunJson("types", parquetPath);

    /// <summary>The rows of DuckDB's <c>parquet_schema(file)</c> as a JSON array of objects.</summary>
    public static JsonElement Schema(string parquetPath) => RunJson("schema", parquetPath);

    /// <summary>The rows of DuckDB's <c>parquet_metadata(file)</c> as a JSON array of objects.</summary>
    public static JsonElement Metadata(string parquetPath) => RunJson("metadata", parquetPath);

    /// <summary>Runs any SQL in a fresh in-memory DuckDB and returns its rows in the canonical rendering.</summary>
    public static IReadOnlyList<JsonElement> Sql(string query)
    {
        var args = new List<string> { "sql", query };
        return ParseJsonLines(Run(args), args);
    }

    /// <summary>One peer run over many files: per file, DuckDB's column types and rows, or the error DuckDB gave.</summary>
    public static Dictionary<string, DumpedFile> Dump(IReadOnlyList<string> parquetPaths)
    {
        var result = new Dictionary<string, DumpedFile>(StringComparer.Ordinal);
        for (int start = 0; start < parquetPaths.Count; start += 100)
        {
            var args = new List<string> { "dump" };
            args.AddRange(parquetPaths.Skip(start).Take(100).Select(Path.GetFullPath));
            DumpedFile? current = null;
            foreach (var line in ParseJsonLines(Run(args), args))
            {
                if (line.ValueKind == JsonValueKind.Object && line.TryGetProperty("$file", out var file))
                {
                    string name = file.GetString()!;
                    current = line.TryGetProperty("$error", out var error)
                        ? new DumpedFile(default, [], error.GetString())
                        : new DumpedFile(line.GetProperty("$types").Clone(), [], null);
                    result[name] = current;
                    continue;
                }
                if (current is null) throw new InvalidOperationException("The peer printed a row before any file header.");
                current.Rows.Add(line);
            }
        }
        return result;
    }

    /// <summary>What the peer read from one file.</summary>
    public sealed record DumpedFile(JsonElement Types, List<JsonElement> Rows, string? Error);

    private static JsonElement RunJson(string command, string parquetPath)
    {
        var args = new List<string> { command, Path.GetFullPath(parquetPath) };
        var stdout = Run(args);
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DuckDbPeerException(
                $"The DuckDB peer printed invalid JSON for `{Describe(args)}`: {e.Message}\nOutput starts: {Head(stdout)}", e);
        }
    }

    private static List<JsonElement> ParseJsonLines(string stdout, IReadOnlyList<string> args)
    {
        var rows = new List<JsonElement>();
        int lineNumber = 0;
        foreach (var line in stdout.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                rows.Add(doc.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new DuckDbPeerException(
                    $"The DuckDB peer printed invalid JSON on line {lineNumber} for `{Describe(args)}`: {e.Message}\nLine: {Head(line)}", e);
            }
        }
        return rows;
    }

    /// <summary>Runs node with the peer script and returns its standard output; throws on any failure.</summary>
    private static string Run(IReadOnlyList<string> args)
    {
        var script = ScriptPath;
        var node = NodeExecutable();
        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new DuckDbPeerException($"Could not start `{node}`. {SetupHint}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DuckDbPeerException(
                $"Could not start node (`{node}`) for the DuckDB peer: {e.Message}. {SetupHint}", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new DuckDbPeerException(
                    $"The DuckDB peer did not finish within {Timeout.TotalSeconds:0} s: `{Describe(args)}`\nstderr: {Head(SafeResult(stderr))}");
            }
            process.WaitForExit(); // lets the redirected streams reach their end
            var output = stdout.GetAwaiter().GetResult();
            var errors = stderr.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                throw new DuckDbPeerException(
                    $"The DuckDB peer failed (exit code {process.ExitCode}): `{Describe(args)}`\nstderr: {errors.Trim()}");
            }
            return output;
        }
    }

    private static string SafeResult(Task<string> task)
    {
        try { return task.Wait(TimeSpan.FromSeconds(5)) ? task.Result : ""; }
        catch (AggregateException) { return ""; }
    }

    private static string NodeExecutable()
    {
        var env = Environment.GetEnvironmentVariable("DELTALITE_NODE");
        return string.IsNullOrEmpty(env) ? "node" : env;
    }

    private static string LocateScript()
    {
        string script;
        var env = Environment.GetEnvironmentVariable("DELTALITE_DUCKDB_PEER");
        if (!string.IsNullOrEmpty(env))
        {
            if (!File.Exists(env))
                throw new DuckDbPeerException($"DELTALITE_DUCKDB_PEER points to '{env}', which does not exist. {SetupHint}");
            script = Path.GetFullPath(env);
        }
        else
        {
            script = Path.Combine(RepositoryRoot(), "tests", "peers", "duckdb", "duckdb-peer.mjs");
            if (!File.Exists(script))
                throw new DuckDbPeerException($"The DuckDB peer script is missing: {script}");
        }

        var package = Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "@duckdb", "node-api", "package.json");
        if (!File.Exists(package))
            throw new DuckDbPeerException($"The DuckDB peer's packages are not installed ({package} is missing). {SetupHint}");
        return script;
    }

    /// <summary>The folder holding DeltaLite.sln, found by walking up from the test assembly's folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeltaLite.sln"))) return dir.FullName;
        }
        throw new DuckDbPeerException(
            $"No folder holding DeltaLite.sln was found above {AppContext.BaseDirectory}; set DELTALITE_DUCKDB_PEER. {SetupHint}");
    }

    private static string Describe(IReadOnlyList<string> args) =>
        $"{NodeExecutable()} {Quote(ScriptPath)} {string.Join(' ', args.Select(Quote))}";

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=,:+".Contains(c))
            ? s
            : "'" + s.Replace("'", "'\\''") + "'";

    private static string Head(string s) => s.Length <= 500 ? s : s[..500] + "...";
}

/// <summary>The DuckDB peer could not be run or reported an error.</summary>
internal sealed class DuckDbPeerException : Exception
{
    public DuckDbPeerException(string message) : base(message) { }

    public DuckDbPeerException(string message, Exception inner) : base(message, inner) { }
}
