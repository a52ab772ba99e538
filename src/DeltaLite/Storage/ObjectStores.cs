using System.Collections.Concurrent;

namespace DeltaLite.Storage;

/// <summary>
/// Opens the store of a table location. Local paths and <c>file://</c> URIs open a <see cref="LocalObjectStore"/>;
/// other schemes are registered by the packages that implement them (the Azure store registers az, abfs, abfss,
/// and https/http for Blob endpoints), so nothing above the storage layer needs a special case.
/// </summary>
public static class ObjectStores
{
    private static readonly ConcurrentDictionary<string, Func<Uri, IReadOnlyDictionary<string, string>, IObjectStore>> Factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers the store for a URI scheme (replacing any earlier registration).</summary>
    public static void Register(string scheme, Func<Uri, IReadOnlyDictionary<string, string>, IObjectStore> factory) => Factories[scheme] = factory;

    /// <summary>Opens the store rooted at <paramref name="location"/>; <paramref name="options"/> carry credentials and settings.</summary>
    public static IObjectStore Open(string location, IReadOnlyDictionary<string, string>? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        options ??= new Dictionary<string, string>();
        if (IsLocal(location, out var localPath)) return new LocalObjectStore(localPath);
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            throw new ArgumentException($"'{location}' is neither a local path nor a URI.", nameof(location));
        if (Factories.TryGetValue(uri.Scheme, out var factory)) return factory(uri, options);
        throw new ArgumentException($"No storage is registered for '{uri.Scheme}://' locations (known: file{string.Concat(Factories.Keys.Order().Select(k => ", " + k))}).", nameof(location));
    }

    private static bool IsLocal(string location, out string path)
    {
        if (location.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(location).LocalPath;
            return true;
        }
        bool hasScheme = location.Length > 2 && location.IndexOf("://", StringComparison.Ordinal) is > 1 and var i && location[..i].All(char.IsAsciiLetterOrDigit);
        path = location;
        return !hasScheme;
    }
}
