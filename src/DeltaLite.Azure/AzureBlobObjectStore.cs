using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using DeltaLite.Azure.Pipeline;
using DeltaLite.Storage;

namespace DeltaLite.Azure;

/// <summary>
/// Objects in an Azure Blob Storage container (or ADLS Gen2 file system) under a folder, on the Blob REST API:
/// Get Blob with ranges, Put Blob for small objects and Put Block + Put Block List for large ones (streamed, a few
/// blocks in memory at a time), <c>If-None-Match: *</c> for write-if-absent, List Blobs with continuation markers,
/// Delete Blob and Get Blob Properties. Requests go through an Azure.Core pipeline that signs them (Shared Key, SAS
/// or Azure AD), retries transient failures with backoff honouring Retry-After, and logs without secrets.
/// A conditional write is never retried blindly: after an ambiguous failure the store checks whether its own write
/// landed (a per-write marker in the blob's metadata) before answering or trying again.
/// </summary>
public sealed class AzureBlobObjectStore : IObjectStore
{
    /// <summary>Metadata name of the per-write marker set by conditional writes.</summary>
    internal const string WriterMetadata = "deltalite_writer"; // metadata names must be C# identifiers

    private readonly HttpPipeline _pipeline;
    private readonly string _containerUrl;
    private readonly AuthKind _auth;
    private readonly DateTimeOffset? _sasExpiry;

    public AzureBlobObjectStore(AzureLocation location, AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        Location = location;
        Options = options;
        _containerUrl = location.BlobService.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(location.Container);

        var cs = options.ConnectionString is { } c ? StorageConnectionString.Parse(c) : null;
        bool csForAccount = cs is not null && (cs.AccountName is null || string.Equals(cs.AccountName, location.Account, StringComparison.Ordinal));
        string? key = options.AccountKey ?? (csForAccount ? cs!.AccountKey : null)
            ?? (options.UseEmulator && location.Account == StorageConnectionString.DevelopmentAccountName ? StorageConnectionString.DevelopmentAccountKey : null);
        string? sas = options.SasToken ?? (csForAccount ? cs!.SharedAccessSignature : null) ?? location.Sas;
        sas = sas?.Trim().TrimStart('?');

        var perCall = new List<HttpPipelinePolicy> { new StorageVersionPolicy() };
        var perRetry = new List<HttpPipelinePolicy>();
        var secrets = new List<string?> { key, sas, options.ClientSecret, options.ConnectionString };
        if (sas is not null) secrets.AddRange(SasSignatures(sas));

        if (options.Credential is not null)
        {
            _auth = AuthKind.Bearer;
            perRetry.Add(new BearerTokenPolicy(options.Credential));
        }
        else if (key is not null)
        {
            byte[] keyBytes;
            try
            {
                keyBytes = Convert.FromBase64String(key);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"The account key given for storage account '{location.Account}' is not valid base64 (check account_key / AZURE_STORAGE_ACCOUNT_KEY).");
            }
            _auth = AuthKind.SharedKey;
            perRetry.Add(new SharedKeyPolicy(location.Account, keyBytes));
        }
        else if (sas is not null)
        {
            _auth = AuthKind.Sas;
            _sasExpiry = SasExpiry(sas);
            perCall.Add(new SasPolicy(sas));
        }
        else if (TokenCredentialFromOptions(options) is { } credential)
        {
            _auth = AuthKind.Bearer;
            perRetry.Add(new BearerTokenPolicy(credential));
        }
        else if (options.SkipSignature)
        {
            _auth = AuthKind.Anonymous;
        }
        else
        {
            throw new ArgumentException(
                $"No credentials for storage account '{location.Account}' ({location.Display}): set account_key (AZURE_STORAGE_ACCOUNT_KEY), sas_token (AZURE_STORAGE_SAS_TOKEN), " +
                "connection_string (AZURE_STORAGE_CONNECTION_STRING), client_id + client_secret + tenant_id (AZURE_CLIENT_ID/SECRET/TENANT_ID), " +
                "or one of use_azure_cli, use_managed_identity, use_default_credential, skip_signature.");
        }
        Redactor = new SecretRedactor(secrets);

        var clientOptions = new StoreClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Diagnostics.ApplicationId = "DeltaLite";
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        foreach (var h in new[] { "x-ms-error-code", "x-ms-blob-type", "x-ms-range", "Content-Range", "x-ms-version", "If-None-Match", "If-Match", "Retry-After", "x-ms-meta-" + WriterMetadata })
            clientOptions.Diagnostics.LoggedHeaderNames.Add(h);
        foreach (var q in new[] { "restype", "comp", "prefix", "maxresults", "include", "mode" })
            clientOptions.Diagnostics.LoggedQueryParameters.Add(q);
        _pipeline = HttpPipelineBuilder.Build(clientOptions, perCall.ToArray(), perRetry.ToArray(), StorageResponseClassifier.Instance);
    }

    /// <summary>Opens the store at an Azure location (see <see cref="AzureLocation"/> for the forms).</summary>
    public static AzureBlobObjectStore Open(string location, AzureStorageOptions options) => new(AzureLocation.Parse(location, options), options);

    public AzureLocation Location { get; }

    public AzureStorageOptions Options { get; }

    public string DisplayRoot => Location.Display;

    internal SecretRedactor Redactor { get; }

    private enum AuthKind { SharedKey, Sas, Bearer, Anonymous }

    private sealed class StoreClientOptions : ClientOptions;

    // ------------------------------------------------------------------------------------------------------------
    // IObjectStore

    public async Task<ObjectInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var props = await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false);
        return props is null ? null : new ObjectInfo(path, props.Value.Size, props.Value.LastModified);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string root = Location.Prefix.Length == 0 ? "" : Location.Prefix + "/";
        string listPrefix = root + prefix;
        string? marker = null;
        do
        {
            var url = new StringBuilder(_containerUrl).Append("?restype=container&comp=list&include=metadata&maxresults=")
                .Append(Options.ListPageSize.ToString(CultureInfo.InvariantCulture));
            if (listPrefix.Length > 0) url.Append("&prefix=").Append(Uri.EscapeDataString(listPrefix));
            if (marker is not null) url.Append("&marker=").Append(Uri.EscapeDataString(marker));
            List<ObjectInfo> page;
            using (var message = NewMessage(RequestMethod.Get, url.ToString()))
            {
                var response = await SendAsync(message, "List Blobs", prefix, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200) throw Failure(response, "List Blobs", listPrefix);
                (page, marker) = ParseListing(response.Content.ToStream(), root);
            }
            page.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            foreach (var item in page)
            {
                if (startAfter is not null && string.CompareOrdinal(item.Path, startAfter) <= 0) continue;
                yield return item;
            }
        }
        while (!string.IsNullOrEmpty(marker));
    }

    public async Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken = default)
    {
        string url = BlobUrl(path);
        long length;
        string? etag;
        byte[] data;
        int got = 0;
        using (var message = NewMessage(RequestMethod.Get, url, buffer: false))
        {
            var response = await SendAsync(message, "Get Blob", path, cancellationToken).ConfigureAwait(false);
            if (response.Status == 404) throw NotFound(response, path);
            if (response.Status != 200) throw Failure(response, "Get Blob", BlobName(path));
            length = ContentLength(response) ?? throw Failure(response, "Get Blob (no Content-Length)", BlobName(path));
            if (length > Array.MaxLength) throw new IOException($"{Describe(path)} is {length} bytes, too large to read into memory; read it as a stream.");
            etag = response.Headers.ETag?.ToString();
            data = new byte[length];
            try
            {
                var stream = response.ContentStream ?? Stream.Null;
                while (got < length)
                {
                    int n = await stream.ReadAsync(data.AsMemory(got), cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    got += n;
                }
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                // The body broke off: the rest is fetched below with ranged reads of the same version.
            }
        }
        if (got < length)
        {
            int more = await FetchAsync(url, etag, got, data.AsMemory(got), path, cancellationToken).ConfigureAwait(false);
            if (got + more < length) throw new IOException($"{Describe(path)}: the object shrank while being read (expected {length} bytes).");
        }
        return data;
    }

    public async Task ReadRangeAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.Length == 0) return;
        int n = await FetchAsync(BlobUrl(path), null, offset, buffer, path, cancellationToken).ConfigureAwait(false);
        if (n < buffer.Length)
            throw new EndOfStreamException($"{Describe(path)}: wanted {buffer.Length} bytes at offset {offset}; the object is shorter.");
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var props = await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException(path, $"{Describe(path)}: no such object.");
        return new BlobReadStream(this, path, BlobUrl(path), props.Size, props.ETag, Options.ReadChunkSize);
    }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string url = BlobUrl(path);
        if (data.Length <= Options.SinglePutThreshold)
        {
            await PutBlobAsync(url, path, data, ifAbsent: false, writer: null, cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var stream = new BlockBlobWriteStream(this, path, url);
        await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string url = BlobUrl(path);
        string writer = Guid.NewGuid().ToString("N");
        if (data.Length <= Options.SinglePutThreshold)
        {
            try
            {
                await ConditionalAsync(path, writer, ct => PutBlobAsync(url, path, data, ifAbsent: true, writer, ct), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ObjectAlreadyExistsException)
            {
                // A writer killed between staging blocks and committing them leaves an uncommitted blob: no listing or
                // read sees it, but a conditional Put Blob is refused as if it existed, so that version could never be
                // committed again. Only a committed blob is a real conflict; otherwise commit in blocks (below), which
                // If-None-Match still guards and which replaces the uncommitted blocks.
                if (await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false) is not null) throw;
            }
        }
        // Large (or over an uncommitted blob): stage the blocks (idempotent, retried freely), then commit the list only if absent.
        var ids = new List<string>();
        string streamId = Guid.NewGuid().ToString("N");
        for (int i = 0, offset = 0; offset < data.Length; i++, offset += Options.BlockSize)
        {
            string id = BlockId(streamId, i);
            ids.Add(id);
            await PutBlockAsync(url, path, id, data.Slice(offset, Math.Min(Options.BlockSize, data.Length - offset)), cancellationToken).ConfigureAwait(false);
        }
        DeltaLite.Diagnostics.FaultPoints.BeforePublish(path);
        await ConditionalAsync(path, writer, ct => PutBlockListAsync(url, path, ids, ifAbsent: true, writer, ct), cancellationToken).ConfigureAwait(false);
    }

    public Task<ObjectWriteStream> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<ObjectWriteStream>(new BlockBlobWriteStream(this, path, BlobUrl(path)));
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        string url = BlobUrl(path);
        for (int pass = 0; pass < 2; pass++)
        {
            using var message = NewMessage(RequestMethod.Delete, url);
            if (pass == 1) message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
            var response = await SendAsync(message, "Delete Blob", path, cancellationToken).ConfigureAwait(false);
            if (response.Status is 200 or 202 or 404) return;
            if (response.Status == 409 && ErrorCode(response) == "SnapshotsPresent") continue;
            throw Failure(response, "Delete Blob", BlobName(path));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // ------------------------------------------------------------------------------------------------------------
    // Beyond the contract

    /// <summary>Creates the container when it does not exist (needs rights on the container).</summary>
    public async Task CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Put, _containerUrl + "?restype=container");
        var response = await SendAsync(message, "Create Container", null, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 || (response.Status == 409 && ErrorCode(response) == "ContainerAlreadyExists")) return;
        throw Failure(response, "Create Container", null);
    }

    /// <summary>Deletes the container and everything in it (all of it, not only this store's folder); succeeds when it does not exist.</summary>
    public async Task DeleteContainerAsync(CancellationToken cancellationToken = default)
    {
        using var message = NewMessage(RequestMethod.Delete, _containerUrl + "?restype=container");
        var response = await SendAsync(message, "Delete Container", null, cancellationToken).ConfigureAwait(false);
        if (response.Status is 200 or 202 or 404) return;
        throw Failure(response, "Delete Container", null);
    }

    /// <summary>
    /// Renames an object. With a hierarchical namespace and a DFS endpoint this is one atomic DFS rename (Path - Create
    /// with x-ms-rename-source); otherwise a copy then a delete (not atomic). Unless <paramref name="overwrite"/>, fails
    /// with <see cref="ObjectAlreadyExistsException"/> when the destination exists.
    /// </summary>
    public async Task RenameAsync(string source, string destination, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        if (Location.HierarchicalNamespace && Location.DfsService is { } dfs)
        {
            string url = dfs.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(Location.Container) + "/" + EscapePath(BlobName(destination)) + "?mode=legacy";
            using var message = NewMessage(RequestMethod.Put, url, NoRetryClassifier.Instance);
            message.Request.Headers.SetValue("x-ms-rename-source", "/" + Uri.EscapeDataString(Location.Container) + "/" + EscapePath(BlobName(source)));
            if (!overwrite) message.Request.Headers.SetValue("If-None-Match", "*");
            var response = await SendAsync(message, "Rename Path", destination, cancellationToken).ConfigureAwait(false);
            if (response.Status is 200 or 201) return;
            string? code = ErrorCode(response);
            if (response.Status is 409 or 412 && code is "PathAlreadyExists" or "ConditionNotMet" or null)
                throw new ObjectAlreadyExistsException(destination, $"{Describe(destination)} already exists.");
            if (response.Status == 404 && code is "SourcePathNotFound" or "PathNotFound")
                throw new ObjectNotFoundException(source, $"{Describe(source)}: no such object.");
            throw Failure(response, "Rename Path", BlobName(destination));
        }
        var data = await ReadAllAsync(source, cancellationToken).ConfigureAwait(false);
        if (overwrite) await WriteAsync(destination, data, cancellationToken).ConfigureAwait(false);
        else await WriteIfAbsentAsync(destination, data, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(source, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Requests

    internal readonly record struct BlobProperties(long Size, DateTimeOffset LastModified, string? ETag, string? Writer);

    internal async Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Head, BlobUrl(path));
        var response = await SendAsync(message, "Get Blob Properties", path, ct).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status != 200) throw Failure(response, "Get Blob Properties", BlobName(path));
        if (response.Headers.TryGetValue("x-ms-meta-hdi_isfolder", out var folder) && folder.Equals("true", StringComparison.OrdinalIgnoreCase)) return null;
        long size = ContentLength(response) ?? 0;
        response.Headers.TryGetValue("x-ms-meta-" + WriterMetadata, out var writer);
        return new BlobProperties(size, LastModified(response), response.Headers.ETag?.ToString(), writer);
    }

    private async Task PutBlobAsync(string url, string path, ReadOnlyMemory<byte> data, bool ifAbsent, string? writer, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Put, url, ifAbsent ? NoRetryClassifier.Instance : null);
        var request = message.Request;
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Headers.SetValue("Content-Type", "application/octet-stream");
        request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(data.Span)));
        if (ifAbsent) request.Headers.SetValue("If-None-Match", "*");
        if (writer is not null) request.Headers.SetValue("x-ms-meta-" + WriterMetadata, writer);
        request.Content = RequestContent.Create(data);
        var response = await SendRawAsync(message, "Put Blob", path, ct, ifAbsent).ConfigureAwait(false);
        CheckWrite(response, "Put Blob", path, ifAbsent);
    }

    internal async Task PutBlockAsync(string url, string path, string blockId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var message = NewMessage(RequestMethod.Put, url + "?comp=block&blockid=" + Uri.EscapeDataString(blockId));
        message.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(data.Span)));
        message.Request.Content = RequestContent.Create(data);
        var response = await SendAsync(message, "Put Block", path, ct).ConfigureAwait(false);
        if (response.Status != 201) throw Failure(response, "Put Block", BlobName(path));
    }

    internal async Task PutBlockListAsync(string url, string path, IReadOnlyList<string> blockIds, bool ifAbsent, string? writer, CancellationToken ct)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds) xml.Append("<Latest>").Append(id).Append("</Latest>");
        xml.Append("</BlockList>");
        byte[] body = Encoding.UTF8.GetBytes(xml.ToString());
        using var message = NewMessage(RequestMethod.Put, url + "?comp=blocklist", ifAbsent ? NoRetryClassifier.Instance : null);
        var request = message.Request;
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Headers.SetValue("x-ms-blob-content-type", "application/octet-stream");
        if (ifAbsent) request.Headers.SetValue("If-None-Match", "*");
        if (writer is not null) request.Headers.SetValue("x-ms-meta-" + WriterMetadata, writer);
        request.Content = RequestContent.Create(body);
        var response = await SendRawAsync(message, "Put Block List", path, ct, ifAbsent).ConfigureAwait(false);
        CheckWrite(response, "Put Block List", path, ifAbsent);
    }

    private void CheckWrite(Response response, string operation, string path, bool ifAbsent)
    {
        if (response.Status == 201) return;
        if (ifAbsent && response.Status is 409 or 412)
            throw new ObjectAlreadyExistsException(path, $"{Describe(path)} already exists ({response.Status} {ErrorCode(response) ?? "ConditionNotMet"}).");
        throw Failure(response, operation, BlobName(path));
    }

    /// <summary>
    /// Runs a conditional write (sent once per try, never retried by the pipeline). After an ambiguous failure — no
    /// response, or a transient status — it looks at the blob: our marker there means our write landed; another
    /// writer's means we lost; no blob means nothing landed, so trying again is safe (If-None-Match still guards it).
    /// A conflict on a later try is checked the same way, since an earlier try of ours may have landed meanwhile.
    /// </summary>
    private async Task ConditionalAsync(string path, string writer, Func<CancellationToken, Task> write, CancellationToken ct)
    {
        Exception? last = null;
        int tries = Options.MaxRetries + 1;
        for (int attempt = 0; attempt < tries; attempt++)
        {
            TimeSpan? serverDelay = null;
            try
            {
                await write(ct).ConfigureAwait(false);
                return;
            }
            catch (ObjectAlreadyExistsException) when (attempt == 0)
            {
                throw;
            }
            catch (ObjectAlreadyExistsException)
            {
                // Fall through to the check: it may be our own earlier try.
            }
            catch (AzureStorageException e) when (e.Status == 0 || StorageResponseClassifier.IsRetriableStatus(e.Status))
            {
                last = e;
                serverDelay = e.Data["RetryAfter"] as TimeSpan?;
            }
            BlobProperties? props;
            try
            {
                props = await GetPropertiesAsync(path, ct).ConfigureAwait(false);
            }
            catch (AzureStorageException e)
            {
                throw new AzureStorageException(
                    $"{Describe(path)}: the outcome of the conditional write is unknown: it got no clear answer ({Redactor.Redact(last?.Message ?? "a conflict on a later try")}), and checking the object failed: {e.Message}",
                    e.Status, e.ErrorCode, Location.Account, Location.Container, BlobName(path), e);
            }
            if (props is { } p)
            {
                if (p.Writer == writer) return;
                throw new ObjectAlreadyExistsException(path, $"{Describe(path)} already exists (written by another writer).");
            }
            if (attempt + 1 < tries) await Task.Delay(Backoff(attempt, serverDelay), ct).ConfigureAwait(false);
        }
        throw new AzureStorageException(
            $"{Describe(path)}: the conditional write did not go through after {tries} tries, and the object is not there; nothing was written. Last error: {Redactor.Redact(last?.Message)}",
            (last as AzureStorageException)?.Status ?? 0, (last as AzureStorageException)?.ErrorCode, Location.Account, Location.Container, BlobName(path), last);
    }

    internal TimeSpan Backoff(int attempt, TimeSpan? serverDelay)
    {
        double ms = Options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16));
        ms = Math.Min(ms, Options.MaxRetryDelay.TotalMilliseconds) * (0.8 + 0.4 * Random.Shared.NextDouble());
        var delay = TimeSpan.FromMilliseconds(ms);
        return serverDelay is { } s && s > delay ? s : delay;
    }

    /// <summary>
    /// Reads [offset, offset + dest.Length) into <paramref name="dest"/>, resuming after broken bodies; returns how
    /// many bytes there were (fewer only at the end of the object). With <paramref name="etag"/>, only that version is read.
    /// </summary>
    internal async Task<int> FetchAsync(string url, string? etag, long offset, Memory<byte> dest, string path, CancellationToken ct)
    {
        int done = 0;
        int failures = 0;
        Exception? last = null;
        while (done < dest.Length)
        {
            long from = offset + done;
            long to = offset + dest.Length - 1;
            using var message = NewMessage(RequestMethod.Get, url, buffer: false);
            message.Request.Headers.SetValue("x-ms-range", $"bytes={from.ToString(CultureInfo.InvariantCulture)}-{to.ToString(CultureInfo.InvariantCulture)}");
            if (etag is not null) message.Request.Headers.SetValue("If-Match", etag);
            var response = await SendAsync(message, "Get Blob", path, ct).ConfigureAwait(false);
            switch (response.Status)
            {
                case 200 or 206:
                    break;
                case 416:
                    return done;
                case 404:
                    throw NotFound(response, path);
                case 412:
                    throw new IOException($"{Describe(path)} changed while being read (its ETag is no longer {etag}).");
                default:
                    throw Failure(response, "Get Blob", BlobName(path));
            }
            long total = TotalLength(response) ?? long.MaxValue;
            if (response.Status == 200 && from > 0) throw new IOException($"{Describe(path)}: the service ignored the requested range.");
            int wanted = dest.Length - done;
            int expected = (int)Math.Min(wanted, Math.Max(0, total - from));
            int got = 0;
            try
            {
                var stream = response.ContentStream ?? Stream.Null;
                while (got < expected)
                {
                    int n = await stream.ReadAsync(dest.Slice(done + got, expected - got), ct).ConfigureAwait(false);
                    if (n == 0) break;
                    got += n;
                }
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                last = e;
            }
            done += got;
            if (got == expected)
            {
                if (expected < wanted) return done; // the object ends here
                continue;
            }
            if (++failures > Options.MaxRetries)
                throw new AzureStorageException($"{Describe(path)}: reading bytes from offset {from} kept breaking off ({failures} tries): {Redactor.Redact(last?.Message ?? "the body ended early")}.",
                    0, null, Location.Account, Location.Container, BlobName(path), last);
            await Task.Delay(Backoff(failures - 1, null), ct).ConfigureAwait(false);
        }
        return done;
    }

    private HttpMessage NewMessage(RequestMethod method, string url, ResponseClassifier? classifier = null, bool buffer = true)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(url));
        message.BufferResponse = buffer;
        if (classifier is not null) message.ResponseClassifier = classifier;
        return message;
    }

    private Task<Response> SendAsync(HttpMessage message, string operation, string? path, CancellationToken ct) =>
        SendRawAsync(message, operation, path, ct, conditional: false);

    /// <summary>Sends through the pipeline; failures without a response become <see cref="AzureStorageException"/> (status 0).</summary>
    private async Task<Response> SendRawAsync(HttpMessage message, string operation, string? path, CancellationToken ct, bool conditional)
    {
        try
        {
            await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or OperationCanceledException or HttpRequestException
                                   or AuthenticationFailedException or CredentialUnavailableException or InvalidOperationException)
        {
            string what = e switch
            {
                AuthenticationFailedException or CredentialUnavailableException =>
                    $"could not get an Azure AD token for storage account '{Location.Account}' ({Redactor.Redact(FirstLine(e.Message))}); check the credential settings (client_id/client_secret/tenant_id, use_azure_cli, use_managed_identity)",
                InvalidOperationException => Redactor.Redact(FirstLine(e.Message)),
                _ when conditional => $"no response ({Redactor.Redact(Summarize(e))})",
                _ => $"no usable response after {Options.MaxRetries + 1} tries ({Redactor.Redact(Summarize(e))}); check that {Location.BlobService.Host} is reachable",
            };
            throw new AzureStorageException($"{operation} on {Where(path is null ? null : BlobName(path))} failed: {what}.", 0, null, Location.Account, Location.Container,
                path is null ? null : BlobName(path), e);
        }
        var response = message.Response;
        if (conditional && StorageResponseClassifier.IsRetriableStatus(response.Status))
        {
            var failure = Failure(response, operation, path is null ? null : BlobName(path));
            if (RetryAfter(response) is { } delay) failure.Data["RetryAfter"] = delay;
            throw failure;
        }
        return response;
    }

    private static string Summarize(Exception e)
    {
        var messages = new List<string>();
        void Walk(Exception x, int depth)
        {
            if (depth > 4) return;
            if (x is AggregateException agg)
            {
                foreach (var i in agg.InnerExceptions.Take(3)) Walk(i, depth + 1);
                return;
            }
            string m = FirstLine(x.Message);
            if (!messages.Contains(m)) messages.Add(m);
            if (x.InnerException is { } inner) Walk(inner, depth + 1);
        }
        Walk(e, 0);
        return string.Join("; ", messages.Take(4));
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }

    internal static bool IsTransient(Exception e, CancellationToken ct) =>
        e is IOException or HttpRequestException or RequestFailedException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    // ------------------------------------------------------------------------------------------------------------
    // Names and errors

    /// <summary>The blob name of a store path (the folder prefix plus the path).</summary>
    internal string BlobName(string path)
    {
        ValidatePath(path);
        return Location.Prefix.Length == 0 ? path : Location.Prefix + "/" + path;
    }

    internal string BlobUrl(string path) => _containerUrl + "/" + EscapePath(BlobName(path));

    private static string EscapePath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    private static void ValidatePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new ArgumentException("An object path must not be empty.", nameof(path));
        if (path.StartsWith('/') || path.EndsWith('/')) throw new ArgumentException($"Object path '{path}' must not start or end with '/'.", nameof(path));
        if (path.Contains('\0')) throw new ArgumentException($"Object path '{path}' contains a NUL character.", nameof(path));
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0) throw new ArgumentException($"Object path '{path}' has an empty segment ('//').", nameof(path));
            if (segment is "." or "..") throw new ArgumentException($"Object path '{path}' must not contain '.' or '..' segments.", nameof(path));
        }
        if (Encoding.UTF8.GetByteCount(path) > 1024) throw new ArgumentException($"Object path '{path}' is longer than a blob name may be (1,024 bytes).", nameof(path));
    }

    private string Describe(string path) => $"{DisplayRoot}/{path}";

    /// <summary>The container or blob as a location the user can recognise (their own form of it), then its account and container.</summary>
    private string Where(string? blobName) =>
        $"'{Location.ContainerDisplay}{(blobName is null ? "" : "/" + blobName)}' (account '{Location.Account}', container '{Location.Container}')";

    private ObjectNotFoundException NotFound(Response response, string path)
    {
        if (ErrorCode(response) == "ContainerNotFound")
            return new ObjectNotFoundException(path, $"{Describe(path)}: no such object; the container '{Location.Container}' does not exist in account '{Location.Account}'.");
        return new ObjectNotFoundException(path, $"{Describe(path)}: no such object.");
    }

    private static string? ErrorCode(Response response)
    {
        if (response.Headers.TryGetValue("x-ms-error-code", out var code) && code.Length > 0) return code;
        return ParseError(response).Code;
    }

    private static (string? Code, string? Message) ParseError(Response response)
    {
        try
        {
            if (!response.Headers.ContentLength.HasValue || response.Headers.ContentLength == 0 || response.ContentStream is null) return (null, null);
            if (response.ContentStream.CanSeek) response.ContentStream.Position = 0;
            var doc = new XmlDocument { XmlResolver = null };
            using var reader = XmlReader.Create(response.ContentStream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc.Load(reader);
            var code = doc.SelectSingleNode("/Error/Code")?.InnerText;
            var message = doc.SelectSingleNode("/Error/Message")?.InnerText;
            return (code, message);
        }
        catch (Exception e) when (e is XmlException or IOException or NotSupportedException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>The error for a response: status, code, where, the likely cause and fix; never a secret.</summary>
    internal AzureStorageException Failure(Response response, string operation, string? blobName)
    {
        var (bodyCode, bodyMessage) = ParseError(response);
        string? code = response.Headers.TryGetValue("x-ms-error-code", out var h) && h.Length > 0 ? h : bodyCode;
        string hint = Hint(response.Status, code);
        string service = bodyMessage is null ? "" : $" (service said: {Redactor.Redact(FirstLine(bodyMessage))})";
        string message = $"{operation}: {response.Status} {code ?? response.ReasonPhrase} on {Where(blobName)}: {hint}{service}";
        var failure = new AzureStorageException(Redactor.Redact(message), response.Status, code, Location.Account, Location.Container, blobName);
        return failure;
    }

    private string Hint(int status, string? code)
    {
        string account = Location.Account;
        string container = Location.Container;
        string sasTimes = _sasExpiry is { } exp
            ? exp < DateTimeOffset.UtcNow ? $"; the SAS token expired at {exp:u}" : $"; the SAS token is valid until {exp:u}"
            : "";
        return (status, code) switch
        {
            (403 or 401, "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation") => _auth switch
            {
                AuthKind.SharedKey => $"the request signature was rejected: check that the account key (account_key, AZURE_STORAGE_ACCOUNT_KEY or the connection string's AccountKey) is a current key of account '{account}', and that this machine's clock is right",
                AuthKind.Sas => $"the SAS token was rejected: it may have expired or not be valid yet, or be signed for another account or with a rotated key; create a new SAS for account '{account}'{sasTimes}",
                AuthKind.Bearer => $"the Azure AD token was rejected: check the tenant (tenant_id) and that the identity belongs to the tenant of account '{account}'",
                _ => $"the request is not authorized: the container '{container}' does not allow anonymous access; give credentials (account_key, sas_token, connection_string or an Azure AD identity)",
            },
            (403, "AuthorizationPermissionMismatch") => _auth == AuthKind.Sas
                ? $"the SAS token lacks the permission for this operation (reads need r, writes w and c, listing l, deletes d){sasTimes}"
                : $"the identity lacks the 'Storage Blob Data Contributor' role (or 'Storage Blob Data Reader' for reads only) on account '{account}' or container '{container}'; assign it and wait a few minutes for it to apply",
            (403, "AuthorizationResourceTypeMismatch") => "the SAS token's resource types (srt) do not cover this request; an account SAS needs srt=sco (service, container, object)",
            (403, "AuthorizationServiceMismatch") => "the SAS token is not for the Blob service; it needs ss to include b",
            (403, "AuthorizationProtocolMismatch") => "the SAS token allows https only; use an https endpoint",
            (403, "AuthorizationSourceIPMismatch") => "the SAS token does not allow requests from this IP address (sip)",
            (403, "AuthorizationFailure") => _auth switch
            {
                AuthKind.SharedKey => $"the request was refused: the account key (account_key, AZURE_STORAGE_ACCOUNT_KEY or the connection string's AccountKey) may not be a current key of account '{account}', or the account's firewall may block this client",
                AuthKind.Sas => $"the request was refused: the SAS token may have expired, lack a permission, or be signed with another key, or the account's firewall may block this client{sasTimes}",
                AuthKind.Bearer => $"the request was refused: the identity may lack the 'Storage Blob Data Contributor' role on account '{account}', or the account's firewall may block this client",
                _ => $"the request was refused: container '{container}' does not allow anonymous access, or the account's firewall blocks this client",
            },
            (403, "KeyBasedAuthenticationNotPermitted") => $"account '{account}' does not allow Shared Key (account key or account SAS) access; use an Azure AD identity",
            (403, _) => $"access denied to account '{account}', container '{container}': check the credential's permissions (role 'Storage Blob Data Contributor', or the SAS permissions){sasTimes}",
            (404, "ContainerNotFound") => $"the container '{container}' does not exist in account '{account}': create it (e.g. az storage container create --name {container} --account-name {account}) or fix the location",
            (404, "ResourceNotFound") => $"account '{account}' has no such resource: check the account name and the endpoint {Location.BlobService}",
            (404, _) => "not found",
            (409, "ContainerBeingDeleted") => $"the container '{container}' is being deleted; wait and try again, or use another container",
            (409, "LeaseIdMissing" or "LeaseAlreadyPresent") => "the blob is leased by another client",
            (409, "OperationNotAllowedInCurrentState" or "BlobImmutableDueToPolicy") => "the blob cannot be changed now (immutability policy or legal hold?)",
            (400, "InvalidBlockList" or "InvalidBlockId") => "the block list did not match the staged blocks (a concurrent upload of the same object?)",
            (400, "Md5Mismatch" or "InvalidMd5") => "the data was corrupted in transit (MD5 mismatch)",
            (413, _) or (400, "RequestBodyTooLarge") => "the request body is too large",
            (416, _) => "the requested range is past the end of the object",
            (429, _) or (503, _) => $"the service is busy (throttling on account '{account}'); try again later or with fewer concurrent requests",
            (>= 500, _) => "the service failed; try again later",
            _ => "the request failed",
        };
    }

    private static long? ContentLength(Response response) => response.Headers.ContentLength;

    /// <summary>The object's total size from Content-Range ("bytes 0-9/1234"), or Content-Length for whole-object answers.</summary>
    private static long? TotalLength(Response response)
    {
        if (response.Headers.TryGetValue("Content-Range", out var range))
        {
            int slash = range.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(range[(slash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out long total)) return total;
        }
        return response.Status == 200 ? response.Headers.ContentLength : null;
    }

    private static DateTimeOffset LastModified(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var v) && DateTimeOffset.TryParseExact(v, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : DateTimeOffset.UnixEpoch;

    internal static TimeSpan? RetryAfter(Response response)
    {
        foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
            if (response.Headers.TryGetValue(name, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0)
                return TimeSpan.FromMilliseconds(m);
        if (response.Headers.TryGetValue("Retry-After", out var ra))
        {
            if (int.TryParse(ra, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0) return TimeSpan.FromSeconds(seconds);
            if (DateTimeOffset.TryParseExact(ra, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var d = at - DateTimeOffset.UtcNow;
                return d > TimeSpan.Zero ? d : TimeSpan.Zero;
            }
        }
        return null;
    }

    internal static string BlockId(string streamId, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(streamId + index.ToString("D8", CultureInfo.InvariantCulture)));

    private (List<ObjectInfo> Items, string? NextMarker) ParseListing(Stream xml, string root)
    {
        var items = new List<ObjectInfo>();
        string? next = null;
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true });
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element) continue;
            if (reader.Name == "NextMarker")
            {
                next = reader.ReadElementContentAsString();
                continue;
            }
            if (reader.Name != "Blob") continue;
            using var blob = reader.ReadSubtree();
            string? name = null;
            long size = 0;
            DateTimeOffset modified = DateTimeOffset.UnixEpoch;
            bool folder = false;
            while (blob.Read())
            {
                if (blob.NodeType != XmlNodeType.Element) continue;
                switch (blob.Name)
                {
                    case "Name":
                    {
                        bool encoded = blob.GetAttribute("Encoded") is { } enc && enc.Equals("true", StringComparison.OrdinalIgnoreCase);
                        string n = blob.ReadElementContentAsString();
                        name = encoded ? Uri.UnescapeDataString(n) : n;
                        break;
                    }
                    case "Content-Length":
                        size = long.Parse(blob.ReadElementContentAsString(), CultureInfo.InvariantCulture);
                        break;
                    case "Last-Modified":
                        DateTimeOffset.TryParseExact(blob.ReadElementContentAsString(), "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out modified);
                        break;
                    case "hdi_isfolder":
                        folder = blob.ReadElementContentAsString().Equals("true", StringComparison.OrdinalIgnoreCase);
                        break;
                    case "ResourceType":
                        folder |= blob.ReadElementContentAsString() == "directory";
                        break;
                }
            }
            if (name is null || folder || !name.StartsWith(root, StringComparison.Ordinal) || name.Length == root.Length) continue;
            items.Add(new ObjectInfo(name[root.Length..], size, modified));
        }
        return (items, next);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Credentials

    private static TokenCredential? TokenCredentialFromOptions(AzureStorageOptions o)
    {
        if (o.ClientSecret is not null)
        {
            if (o.ClientId is null || o.TenantId is null)
                throw new ArgumentException("A client secret needs client_id and tenant_id too (AZURE_CLIENT_ID, AZURE_TENANT_ID).");
            return new ClientSecretCredential(o.TenantId, o.ClientId, o.ClientSecret);
        }
        if (o.UseAzureCli) return new AzureCliCredential(new AzureCliCredentialOptions { TenantId = o.TenantId });
        if (o.UseManagedIdentity)
            return new ManagedIdentityCredential(o.ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(o.ClientId));
        if (o.UseDefaultCredential)
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = o.ClientId, TenantId = o.TenantId });
        return null;
    }

    private static IEnumerable<string> SasSignatures(string sas)
    {
        foreach (var part in sas.Split('&'))
        {
            if (!part.StartsWith("sig=", StringComparison.OrdinalIgnoreCase)) continue;
            string raw = part[4..];
            yield return raw;
            yield return Uri.UnescapeDataString(raw);
        }
    }

    private static DateTimeOffset? SasExpiry(string sas)
    {
        foreach (var part in sas.Split('&'))
        {
            if (!part.StartsWith("se=", StringComparison.OrdinalIgnoreCase)) continue;
            if (DateTimeOffset.TryParse(Uri.UnescapeDataString(part[3..]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                return t;
        }
        return null;
    }
}
