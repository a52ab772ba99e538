using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DeltaLite.Azure.Tests;

/// <summary>What the proxy does with one request.</summary>
public abstract record Fault
{
    /// <summary>Forward and relay the answer unchanged.</summary>
    public static readonly Fault None = new Pass();

    public sealed record Pass : Fault;

    /// <summary>Answer 503 ServerBusy without forwarding (optionally with Retry-After seconds).</summary>
    public sealed record Busy(int? RetryAfterSeconds = null) : Fault;

    /// <summary>Answer with the given status and error code, without forwarding.</summary>
    public sealed record Status(int Code, string ErrorCode) : Fault;

    /// <summary>Forward, then wait before relaying the answer.</summary>
    public sealed record Slow(TimeSpan Delay) : Fault;

    /// <summary>Reset the connection without forwarding.</summary>
    public sealed record Reset : Fault;

    /// <summary>Forward (so the request takes effect), then reset instead of answering: a lost response.</summary>
    public sealed record ForwardThenReset : Fault;

    /// <summary>Forward, then relay the head and only part of the body before closing.</summary>
    public sealed record Truncate : Fault;
}

/// <summary>One request seen by the proxy.</summary>
public sealed record ProxiedRequest(int Number, string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    public bool IsConditionalPut => Method == "PUT" && Headers.TryGetValue("if-none-match", out var v) && v == "*";
}

/// <summary>
/// A loopback HTTP/1.1 proxy in front of Azurite that injects faults chosen per request by <see cref="Plan"/>:
/// 503s (with Retry-After), slow answers, connection resets before or after forwarding, truncated bodies. It listens
/// on 127.0.0.1 and forwards to 127.0.0.1 only. Every request is recorded in <see cref="Requests"/>.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _count;

    public FaultProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>http://127.0.0.1:proxyport/devstoreaccount1</summary>
    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{Azurite.Account}";

    /// <summary>Chooses the fault for each request (default: none).</summary>
    public Func<ProxiedRequest, Fault> Plan { get; set; } = _ => Fault.None;

    public ConcurrentQueue<(ProxiedRequest Request, Fault Fault)> Requests { get; } = new();

    public IReadOnlyList<ProxiedRequest> Seen(Func<ProxiedRequest, bool>? filter = null) =>
        Requests.Select(r => r.Request).Where(filter ?? (_ => true)).ToList();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var head = await ReadHeadAsync(stream);
                    if (head is null) return;
                    var (requestLine, headers, rawHead) = head.Value;
                    var body = await ReadBodyAsync(stream, headers);
                    var parts = requestLine.Split(' ');
                    var request = new ProxiedRequest(Interlocked.Increment(ref _count), parts[0], parts[1], headers);
                    var fault = Plan(request);
                    Requests.Enqueue((request, fault));
                    switch (fault)
                    {
                        case Fault.Busy busy:
                        {
                            string extra = busy.RetryAfterSeconds is { } s ? $"Retry-After: {s}\r\n" : "";
                            await WriteSimpleAsync(stream, 503, "Service Unavailable", "ServerBusy", extra);
                            continue;
                        }
                        case Fault.Status st:
                            await WriteSimpleAsync(stream, st.Code, "Injected", st.ErrorCode, "");
                            continue;
                        case Fault.Reset:
                            ResetConnection(client);
                            return;
                    }
                    var (responseHead, responseBody) = await ForwardAsync(rawHead, body);
                    switch (fault)
                    {
                        case Fault.ForwardThenReset:
                            ResetConnection(client);
                            return;
                        case Fault.Slow slow:
                            await Task.Delay(slow.Delay, _stop.Token);
                            break;
                        case Fault.Truncate when responseBody.Length > 1:
                            await stream.WriteAsync(responseHead);
                            await stream.WriteAsync(responseBody.AsMemory(0, responseBody.Length / 2));
                            await stream.FlushAsync();
                            ResetConnection(client);
                            return;
                    }
                    await stream.WriteAsync(responseHead);
                    await stream.WriteAsync(responseBody);
                    await stream.FlushAsync();
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (or we were stopped).
            }
        }
    }

    private static void ResetConnection(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }
        catch (SocketException)
        {
        }
    }

    private static async Task WriteSimpleAsync(NetworkStream stream, int status, string reason, string code, string extraHeaders)
    {
        string xml = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>Injected by the test proxy.</Message></Error>";
        byte[] body = Encoding.UTF8.GetBytes(xml);
        string head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nx-ms-error-code: {code}\r\n{extraHeaders}Content-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    /// <summary>Sends the request to Azurite on a fresh connection and reads the whole answer.</summary>
    private async Task<(byte[] Head, byte[] Body)> ForwardAsync(string rawHead, byte[] body)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
        var us = upstream.GetStream();
        // One request per upstream connection.
        var lines = rawHead.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)).ToList();
        lines.Add("Connection: close");
        await us.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"));
        await us.WriteAsync(body);
        await us.FlushAsync();
        var head = await ReadHeadAsync(us) ?? throw new IOException("Azurite closed the connection without answering.");
        var (statusLine, headers, _) = head;
        byte[] responseBody;
        bool noBody = rawHead.StartsWith("HEAD ", StringComparison.Ordinal) || statusLine.Contains(" 204 ") || statusLine.Contains(" 304 ");
        if (noBody) responseBody = [];
        else if (headers.TryGetValue("content-length", out var cl)) responseBody = await ReadExactlyAsync(us, int.Parse(cl, CultureInfo.InvariantCulture));
        else if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)) responseBody = await ReadChunkedAsync(us);
        else
        {
            using var ms = new MemoryStream();
            await us.CopyToAsync(ms);
            responseBody = ms.ToArray();
        }
        // Relay with a Content-Length (bodies were de-chunked) and keep-alive to the client.
        var sb = new StringBuilder(statusLine).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            if (name is "transfer-encoding" or "connection" or "content-length" or "keep-alive") continue;
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (!noBody || headers.ContainsKey("content-length"))
            sb.Append("Content-Length: ").Append(noBody ? headers["content-length"] : responseBody.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("\r\n");
        return (Encoding.UTF8.GetBytes(sb.ToString()), responseBody);
    }

    private static async Task<(string FirstLine, Dictionary<string, string> Headers, string Raw)?> ReadHeadAsync(Stream stream)
    {
        var bytes = new List<byte>(1024);
        var one = new byte[1];
        while (true)
        {
            int n = await stream.ReadAsync(one);
            if (n == 0) return null;
            bytes.Add(one[0]);
            int c = bytes.Count;
            if (c >= 4 && bytes[c - 4] == '\r' && bytes[c - 3] == '\n' && bytes[c - 2] == '\r' && bytes[c - 1] == '\n') break;
            if (c > 1 << 20) throw new IOException("Header too large.");
        }
        string raw = Encoding.UTF8.GetString(bytes.ToArray());
        var lines = raw.Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            string name = line[..colon].Trim().ToLowerInvariant();
            string value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var prev) ? prev + "," + value : value;
        }
        return (lines[0], headers, raw);
    }

    private static async Task<byte[]> ReadBodyAsync(Stream stream, Dictionary<string, string> headers)
    {
        if (headers.TryGetValue("content-length", out var cl)) return await ReadExactlyAsync(stream, int.Parse(cl, CultureInfo.InvariantCulture));
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var data = await ReadChunkedAsync(stream);
            headers.Remove("transfer-encoding");
            return data;
        }
        return [];
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length)
    {
        var data = new byte[length];
        await stream.ReadExactlyAsync(data);
        return data;
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream)
    {
        using var ms = new MemoryStream();
        while (true)
        {
            string sizeLine = await ReadLineAsync(stream);
            int size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(stream)).Length > 0)
                {
                }
                return ms.ToArray();
            }
            ms.Write(await ReadExactlyAsync(stream, size));
            await ReadLineAsync(stream);
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) throw new EndOfStreamException();
            if (one[0] == '\n') return sb.ToString().TrimEnd('\r');
            sb.Append((char)one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
