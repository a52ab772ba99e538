using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Reliability.Tests.Concurrency;

namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>
/// An Azurite blob service of a test's own (tests/peers/azurite, as scripts/test.sh starts it), on a free 127.0.0.1
/// port and a data folder of its own, so the test can stop it in the middle of a run and start it again on the same
/// port and data.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft for the emulator).</summary>
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _folder;
    private Process? _process;

    private AzuriteProcess(string folder, int port)
    {
        _folder = folder;
        Port = port;
        Endpoint = AzuriteEndpoint.OnPort(port, DevelopmentKey);
    }

    public int Port { get; }

    public AzuriteEndpoint Endpoint { get; }

    /// <summary>The folder Azurite keeps its blobs in (its extents grow as blocks are uploaded).</summary>
    public string DataFolder => _folder;

    public static async Task<AzuriteProcess> StartAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var azurite = new AzuriteProcess(folder, port);
        await azurite.StartAgainAsync();
        return azurite;
    }

    /// <summary>Starts Azurite (again) on the same port and data folder, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        string bin = Path.Combine(DuckDbPeer.RepositoryRoot(), "tests", "peers", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(bin))
            throw new FileNotFoundException($"{bin} is missing: run the tests through scripts/test.sh, which installs tests/peers/azurite.", bin);
        var psi = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _folder,
            "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start Azurite");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Azurite exited with {_process.ExitCode} on port {Port}");
            try
            {
                using var response = await http.GetAsync($"{Endpoint.Blob}?comp=list");
                if (response.Headers.Contains("x-ms-request-id")) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Azurite did not answer on port {Port} within 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops Azurite as a service manager does (SIGTERM, so it saves its state; SIGKILL after 15 s).</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Total bytes of Azurite's blob extents (where uploaded blocks land, as they arrive).</summary>
    public long ExtentBytes() =>
        !Directory.Exists(Path.Combine(_folder, "__blobstorage__")) ? 0 : Directory.EnumerateFiles(Path.Combine(_folder, "__blobstorage__"), "*", SearchOption.AllDirectories).Sum(f =>
        {
            try { return new FileInfo(f).Length; }
            catch (IOException) { return 0; }
        });

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
