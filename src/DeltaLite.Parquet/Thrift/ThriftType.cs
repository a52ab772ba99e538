namespace DeltaLite.Parquet.Thrift;

/// <summary>
/// Value types of the Thrift compact protocol, numbered as on the wire. The two boolean wire codes of a
/// field header (1 = true, 2 = false) are folded into <see cref="Bool"/> by the reader; the value itself is
/// then returned by <see cref="ThriftCompactReader.ReadBool"/>.
/// </summary>
internal enum ThriftType : byte
{
    Stop = 0,
    Bool = 1,
    I8 = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
    Uuid = 13,
}

/// <summary>One field header of a struct: the field's id and the type of the value that follows.</summary>
internal readonly record struct ThriftField(short Id, ThriftType Type);
