using System.Diagnostics.CodeAnalysis;
using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>Reads one thrift struct (or other element) of a list.</summary>
internal delegate T ThriftElementReader<T>(ref ThriftCompactReader reader);

/// <summary>Shared pieces of the metadata model's thrift reading and writing.</summary>
internal static class ThriftStructs
{
    /// <summary>Reads a list of structs. The list header was checked against the remaining bytes.</summary>
    public static List<T> ReadStructList<T>(ref ThriftCompactReader r, string what, ThriftElementReader<T> read)
    {
        int count = r.BeginList(ThriftType.Struct, what);
        var list = new List<T>(count);
        for (int i = 0; i < count; i++) list.Add(read(ref r));
        r.EndContainer();
        return list;
    }

    public static List<string> ReadStringList(ref ThriftCompactReader r, string what)
    {
        int count = r.BeginList(ThriftType.Binary, what);
        var list = new List<string>(count);
        for (int i = 0; i < count; i++) list.Add(r.ReadString());
        r.EndContainer();
        return list;
    }

    public static List<Encoding> ReadEncodingList(ref ThriftCompactReader r, string what)
    {
        int count = r.BeginList(ThriftType.I32, what);
        var list = new List<Encoding>(count);
        for (int i = 0; i < count; i++) list.Add((Encoding)r.ReadI32());
        r.EndContainer();
        return list;
    }

    public static void WriteKeyValueList(ThriftCompactWriter w, short id, List<KeyValue> items)
    {
        w.BeginListField(id, ThriftType.Struct, items.Count);
        foreach (var item in items) NotNull(item, "KeyValue").Write(w);
    }

    /// <summary>Throws for a required field absent from the struct that started at <paramref name="structOffset"/>.</summary>
    [DoesNotReturn]
    public static void ThrowMissing(string structName, string fieldName, int structOffset) =>
        throw new ParquetFormatException(
            $"Parquet metadata: required field {structName}.{fieldName} is missing from the struct at byte offset {structOffset}.");

    /// <summary>Guards a required reference-typed property before it is written.</summary>
    public static T NotNull<T>(T? value, string what) where T : class =>
        value ?? throw new InvalidOperationException($"Cannot write Parquet metadata: {what} is null but required.");
}
