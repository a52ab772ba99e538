using DeltaLite.Storage;

namespace DeltaLite.Tests.Storage;

/// <summary>The contract on <see cref="LocalObjectStore"/>.</summary>
public sealed class LocalObjectStoreContractTests : ObjectStoreContractTests
{
    private string? _root;

    protected override Task<IObjectStore> CreateStoreAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "deltalite-contract-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        return Task.FromResult<IObjectStore>(new LocalObjectStore(_root));
    }

    protected override Task DestroyStoreAsync(IObjectStore store)
    {
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}
