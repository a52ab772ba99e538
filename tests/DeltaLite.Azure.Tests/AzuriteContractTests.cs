using DeltaLite.Storage;
using DeltaLite.Tests.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>The object-store contract on Azurite; the store's root is a folder inside a fresh container.</summary>
public abstract class AzuriteContractTests : ObjectStoreContractTests
{
    private TestContainer? _container;

    protected abstract IReadOnlyDictionary<string, string> Credentials();

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        _container = await Azurite.NewContainerAsync();
        // A sibling folder whose name extends the root's must never show up in the store.
        await using (var sibling = _container.OpenStore("tables/t1-sibling", Azurite.KeyOptions())) await sibling.WriteAsync("x", "sibling"u8.ToArray());
        return _container.OpenStore("tables/t1", Credentials());
    }

    protected override async Task DestroyStoreAsync(IObjectStore store)
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}

public sealed class AzuriteAccountKeyContractTests : AzuriteContractTests
{
    protected override IReadOnlyDictionary<string, string> Credentials() => Azurite.KeyOptions();
}

public sealed class AzuriteSasContractTests : AzuriteContractTests
{
    protected override IReadOnlyDictionary<string, string> Credentials() => Azurite.SasOptions();
}

public sealed class AzuriteConnectionStringContractTests : AzuriteContractTests
{
    protected override IReadOnlyDictionary<string, string> Credentials() => Azurite.ConnectionStringOptions();
}
