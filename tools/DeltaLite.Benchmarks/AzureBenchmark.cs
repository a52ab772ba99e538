using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DeltaLite.Azure;
using DeltaLite.Parquet;
using DeltaLite.Storage;
using DeltaTable = DeltaLite.DeltaTable;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Azure store on Azurite beside plain file copies of the same bytes on this machine:
///   deltalite-bench azure [--endpoint http://127.0.0.1:PORT/devstoreaccount1] [--size-mib 256] [--small 1000]
///                         [--small-kib 16] [--commits 100] [--dir DIR]
/// Without --endpoint (or DELTALITE_TEST_AZURITE_BLOB) it starts Azurite from tests/peers/azurite on a free
/// 127.0.0.1 port with a temporary data folder, and stops it at the end. Only loopback endpoints are accepted.
/// </summary>
internal static class AzureBenchmark
{
    private const string Key = StorageConnectionString.DevelopmentAccountKey;

    public static int Run(string[] args)
    {
        string? endpoint = Arg(args, "--endpoint") ?? Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_BLOB");
        int sizeMiB = int.Parse(Arg(args, "--size-mib") ?? "256", CultureInfo.InvariantCulture);
        int small = int.Parse(Arg(args, "--small") ?? "1000", CultureInfo.InvariantCulture);
        int smallKiB = int.Parse(Arg(args, "--small-kib") ?? "16", CultureInfo.InvariantCulture);
        int commits = int.Parse(Arg(args, "--commits") ?? "100", CultureInfo.InvariantCulture);
        string dir = Arg(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "deltalite-bench-azure-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        Process? azurite = null;
        try
        {
            if (endpoint is null) (azurite, endpoint) = StartAzurite(Path.Combine(dir, "azurite"));
            var uri = new Uri(endpoint.TrimEnd('/'));
            if (!IPAddress.TryParse(uri.Host, out var ip) || !IPAddress.IsLoopback(ip))
                throw new ArgumentException($"The benchmark only talks to loopback endpoints, not {uri.Host}.");
            RunAsync(endpoint.TrimEnd('/'), dir, sizeMiB, small, smallKiB, commits).GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            if (azurite is not null && !azurite.HasExited)
            {
                azurite.Kill(entireProcessTree: true);
                azurite.WaitForExit(5000);
            }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task RunAsync(string endpoint, string dir, int sizeMiB, int small, int smallKiB, int commitCount)
    {
        string container = "bench" + Guid.NewGuid().ToString("N")[..12];
        var options = new AzureStorageOptions { AccountKey = Key };
        await using var store = AzureStorage.Open($"{endpoint}/{container}/data", options);
        await store.CreateContainerIfNotExistsAsync();
        try
        {
            Console.WriteLine($"Azure store on Azurite ({endpoint}) beside local file copies; {Environment.ProcessorCount} cores.");
            Console.WriteLine();

            // --- One large file.
            string big = Path.Combine(dir, "big.bin");
            WriteRandomFile(big, (long)sizeMiB << 20);
            long bigBytes = new FileInfo(big).Length;
            DropCaches(big);
            double localCopy = Time(() => File.Copy(big, Path.Combine(dir, "big-copy.bin"), overwrite: true));
            File.Delete(Path.Combine(dir, "big-copy.bin"));

            GC.Collect();
            double baseline = ProcessMemory.CurrentMiB();
            ProcessMemory.ResetPeak();
            double upload = await TimeAsync(async () =>
            {
                await using var source = new FileStream(big, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                await using var target = await store.CreateAsync("big.bin");
                await source.CopyToAsync(target, 1 << 20);
                await target.CompleteAsync();
            });
            double uploadPeak = ProcessMemory.PeakMiB() - baseline;
            ProcessMemory.ResetPeak();
            double download = await TimeAsync(async () =>
            {
                await using var source = await store.OpenReadAsync("big.bin");
                await using var target = new FileStream(Path.Combine(dir, "big-down.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                await source.CopyToAsync(target, 1 << 20);
            });
            double downloadPeak = ProcessMemory.PeakMiB() - baseline;
            if (new FileInfo(Path.Combine(dir, "big-down.bin")).Length != bigBytes) throw new InvalidOperationException("The download has the wrong size.");
            File.Delete(Path.Combine(dir, "big-down.bin"));
            double rangedRead = await TimeAsync(async () =>
            {
                var buffer = new byte[1 << 20];
                var rng = new Random(1);
                for (int i = 0; i < 64; i++) await store.ReadRangeAsync("big.bin", rng.NextInt64(bigBytes - buffer.Length), buffer);
            });

            Console.WriteLine($"{sizeMiB} MiB file                      seconds     MiB/s   peak MiB over baseline");
            Console.WriteLine(Line("  local file copy", localCopy, bigBytes, null));
            Console.WriteLine(Line("  upload (CreateAsync, 8 MiB blocks)", upload, bigBytes, uploadPeak));
            Console.WriteLine(Line("  download (OpenReadAsync, 4 MiB chunks)", download, bigBytes, downloadPeak));
            Console.WriteLine(Line("  64 random 1 MiB ranged reads", rangedRead, 64L << 20, null));
            Console.WriteLine();
            Summary.Add(new("Azure upload of one file (Azurite)", sizeMiB, "MiB", new(upload, uploadPeak), "local file copy", new(localCopy, null)));
            Summary.Add(new("Azure download of one file (Azurite)", sizeMiB, "MiB", new(download, downloadPeak), "local file copy", new(localCopy, null)));

            // --- Many small files.
            string smallDir = Path.Combine(dir, "small");
            Directory.CreateDirectory(smallDir);
            var rnd = new Random(2);
            var names = Enumerable.Range(0, small).Select(i => $"part-{i:D5}.bin").ToArray();
            foreach (var n in names)
            {
                var data = new byte[smallKiB << 10];
                rnd.NextBytes(data);
                File.WriteAllBytes(Path.Combine(smallDir, n), data);
            }
            long smallBytes = (long)small * (smallKiB << 10);
            string smallCopy = Path.Combine(dir, "small-copy");
            Directory.CreateDirectory(smallCopy);
            double localSmall = Time(() => { foreach (var n in names) File.Copy(Path.Combine(smallDir, n), Path.Combine(smallCopy, n), true); });
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
            double smallUpSeq = await TimeAsync(async () => { foreach (var n in names.Take(200)) await store.WriteAsync("seq/" + n, await File.ReadAllBytesAsync(Path.Combine(smallDir, n))); });
            double smallUp = await TimeAsync(() => Parallel.ForEachAsync(names, parallel, async (n, ct) =>
                await store.WriteAsync("small/" + n, await File.ReadAllBytesAsync(Path.Combine(smallDir, n), ct), ct)));
            double smallDown = await TimeAsync(() => Parallel.ForEachAsync(names, parallel, async (n, ct) =>
                await File.WriteAllBytesAsync(Path.Combine(smallCopy, n), await store.ReadAllAsync("small/" + n, ct), ct)));
            double list = await TimeAsync(async () => { int c = 0; await foreach (var _ in store.ListAsync("small/")) c++; if (c != small) throw new InvalidOperationException($"listed {c}"); });

            Console.WriteLine($"{small} files of {smallKiB} KiB                  seconds     MiB/s   files/s");
            Console.WriteLine(Line("  local file copy", localSmall, smallBytes, null, small));
            Console.WriteLine(Line("  upload, one at a time (first 200)", smallUpSeq, 200L * (smallKiB << 10), null, 200));
            Console.WriteLine(Line("  upload, 16 at a time", smallUp, smallBytes, null, small));
            Console.WriteLine(Line("  download, 16 at a time", smallDown, smallBytes, null, small));
            Console.WriteLine(Line("  list them (one List Blobs page)", list, 0, null, small));
            Console.WriteLine();
            Summary.Add(new($"Azure upload of {smallKiB} KiB files, 16 at a time (Azurite)", small, "files", new(smallUp, null), "local file copy", new(localSmall, null)));
            Summary.Add(new($"Azure download of {smallKiB} KiB files, 16 at a time (Azurite)", small, "files", new(smallDown, null), "local file copy", new(localSmall, null)));

            // --- Commit latency.
            var azureCommit = await CommitLatenciesAsync($"{endpoint}/{container}/table", new Dictionary<string, string> { ["account_key"] = Key }, commitCount);
            var localCommit = await CommitLatenciesAsync(Path.Combine(dir, "table"), null, commitCount);
            var azureRaw = await RawCommitLatenciesAsync(store, commitCount);
            await using var localStore = new LocalObjectStore(Path.Combine(dir, "raw"));
            var localRaw = await RawCommitLatenciesAsync(localStore, commitCount);
            Console.WriteLine($"{commitCount} sequential commits                  p50 ms    p99 ms    mean ms");
            Console.WriteLine(Percentiles("  append (data file + commit), Azurite", azureCommit));
            Console.WriteLine(Percentiles("  append (data file + commit), local", localCommit));
            Console.WriteLine(Percentiles("  commit file write-if-absent, Azurite", azureRaw));
            Console.WriteLine(Percentiles("  commit file write-if-absent, local", localRaw));
            Summary.Add(new("Azure append (data file + commit), median", 1, "commits", new(Medians.Of(azureCommit) / 1000, null), "the same on local disk", new(Medians.Of(localCommit) / 1000, null)));
        }
        finally
        {
            await store.DeleteContainerAsync();
        }
    }

    private static async Task<List<double>> CommitLatenciesAsync(string location, Dictionary<string, string>? options, int count)
    {
        AzureStorage.Register();
        await using var table = await DeltaTable.OpenAsync(location, options);
        var schema = new DeltaLite.Parquet.Schema(new Field("id", DataType.Int64, false), new Field("v", DataType.String));
        await table.CreateAsync(schema);
        var latencies = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var id = ColumnBuilder.Create(DataType.Int64);
            var v = ColumnBuilder.Create(DataType.String);
            for (int r = 0; r < 10; r++)
            {
                id.Append((long)i * 10 + r);
                v.Append("value " + r);
            }
            var batch = new RecordBatch(schema, [id.Build(), v.Build()], 10);
            var clock = Stopwatch.StartNew();
            await table.AppendAsync([batch]);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static async Task<List<double>> RawCommitLatenciesAsync(IObjectStore store, int count)
    {
        var payload = new byte[1500];
        new Random(3).NextBytes(payload);
        var latencies = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await store.WriteIfAbsentAsync($"_delta_log/{i:D20}.json", payload);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }


    private static string Percentiles(string name, List<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{name,-42} {P(0.50),8:F1}  {P(0.99),8:F1}  {sorted.Average(),8:F1}");
    }

    private static string Line(string name, double seconds, long bytes, double? peakMiB, int? files = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{name,-42} {seconds,7:F2}  {(bytes == 0 ? "" : (bytes / 1048576.0 / seconds).ToString("F1", CultureInfo.InvariantCulture)),8}  {(files is int f ? (f / seconds).ToString("F0", CultureInfo.InvariantCulture) : peakMiB is double p ? p.ToString("F0", CultureInfo.InvariantCulture) : ""),8}");

    private static void WriteRandomFile(string path, long size)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        var rng = new Random(7);
        for (long done = 0; done < size; done += buffer.Length)
        {
            rng.NextBytes(buffer);
            fs.Write(buffer, 0, (int)Math.Min(buffer.Length, size - done));
        }
    }

    private static void DropCaches(string path)
    {
        // Best effort: nothing to do without privileges; the copy then reads from the page cache like the upload does.
        _ = path;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static (Process, string) StartAzurite(string dataDir)
    {
        string root = AppContext.BaseDirectory;
        while (root.Length > 1 && !File.Exists(Path.Combine(root, "DeltaLite.sln"))) root = Path.GetDirectoryName(root)!;
        string exe = Path.Combine(root, "tests", "peers", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(exe)) throw new InvalidOperationException($"Azurite is not installed ({exe}); run `npm ci` in tests/peers/azurite, or pass --endpoint.");
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        Directory.CreateDirectory(dataDir);
        var psi = new ProcessStartInfo(exe)
        {
            ArgumentList = { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", dataDir, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start Azurite.");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return (process, $"http://127.0.0.1:{port}/devstoreaccount1");
            }
            catch (SocketException)
            {
                if (process.HasExited) throw new InvalidOperationException("Azurite exited at start.");
                Thread.Sleep(250);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("Azurite did not start within 60 s.");
    }
}
