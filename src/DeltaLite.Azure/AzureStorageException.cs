namespace DeltaLite.Azure;

/// <summary>
/// A Storage request failed: the status and error code, and which account, container and path it was about. The
/// message says what is likely wrong and how to fix it; it never contains a key, signature or token.
/// </summary>
public sealed class AzureStorageException : IOException
{
    internal AzureStorageException(string message, int status, string? errorCode, string account, string container, string? path, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorCode = errorCode;
        Account = account;
        Container = container;
        ObjectPath = path;
    }

    /// <summary>HTTP status, or 0 when no response came (network faults, timeouts).</summary>
    public int Status { get; }

    /// <summary>The service's x-ms-error-code (AuthenticationFailed, ContainerNotFound, ...), when it sent one.</summary>
    public string? ErrorCode { get; }

    public string Account { get; }

    public string Container { get; }

    /// <summary>The blob name inside the container, when the request was about one.</summary>
    public string? ObjectPath { get; }
}
