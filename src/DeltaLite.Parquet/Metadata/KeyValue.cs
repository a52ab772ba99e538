using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>A key/value pair of file or column chunk metadata (thrift <c>KeyValue</c>).</summary>
public sealed class KeyValue
{
    public KeyValue() { }

    public KeyValue(string key, string? value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key (required).</summary>
    public string Key { get; set; } = "";

    /// <summary>The value, when present.</summary>
    public string? Value { get; set; }

    internal static KeyValue Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new KeyValue();
        bool hasKey = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.Binary: result.Key = r.ReadString(); hasKey = true; break;
                case 2 when f.Type == ThriftType.Binary: result.Value = r.ReadString(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasKey) ThriftStructs.ThrowMissing(nameof(KeyValue), "key", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteStringField(1, ThriftStructs.NotNull(Key, "KeyValue.Key"));
        if (Value is not null) w.WriteStringField(2, Value);
        w.EndStruct();
    }
}
