using Azure.Core;

namespace DeltaLite.Azure.Pipeline;

/// <summary>Retries 408, 429, 500, 502, 503 and 504, and network faults (the base class's exception rules).</summary>
internal sealed class StorageResponseClassifier : ResponseClassifier
{
    public static readonly StorageResponseClassifier Instance = new();

    public override bool IsRetriableResponse(HttpMessage message) => IsRetriableStatus(message.Response.Status);

    public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;

    public static bool IsRetriableStatus(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;
}

/// <summary>Never retries: for conditional writes, whose outcome must be checked before trying again.</summary>
internal sealed class NoRetryClassifier : ResponseClassifier
{
    public static readonly NoRetryClassifier Instance = new();

    public override bool IsRetriableResponse(HttpMessage message) => false;

    public override bool IsRetriableException(Exception exception) => false;

    public override bool IsRetriable(HttpMessage message, Exception exception) => false;

    public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;
}
