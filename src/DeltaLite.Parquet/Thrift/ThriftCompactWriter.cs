using System.Buffers;
using System.Buffers.Binary;

namespace DeltaLite.Parquet.Thrift;

/// <summary>
/// Writes the Thrift compact protocol into an <see cref="IBufferWriter{T}"/>.
/// </summary>
/// <remarks>
/// Struct protocol: <see cref="BeginStruct"/> (or <see cref="BeginStructField"/>), field headers and values
/// in increasing id order, then <see cref="EndStruct"/>, which writes the stop field. Field headers use the
/// one-byte delta form when the id is 1 to 15 above the previous field's and the long form otherwise.
/// Boolean fields carry their value in the header: use <see cref="WriteBoolField"/>.
/// </remarks>
internal sealed class ThriftCompactWriter
{
    // Boolean list elements are tagged with code 1, as the reference implementations do; readers accept 1 and 2.
    private const byte BoolElementCode = 1;
    private const byte BoolTrueCode = 1;
    private const byte BoolFalseCode = 2;

    private readonly IBufferWriter<byte> _output;
    private short[] _savedFieldIds = new short[8];
    private int _depth;
    private short _lastFieldId;

    public ThriftCompactWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Number of structs begun and not yet ended.</summary>
    public int Depth => _depth;

    // ---------------------------------------------------------------- structs and fields

    /// <summary>Starts a struct: the following field ids are counted from zero.</summary>
    public void BeginStruct()
    {
        if (_depth == _savedFieldIds.Length) Array.Resize(ref _savedFieldIds, _depth * 2);
        _savedFieldIds[_depth++] = _lastFieldId;
        _lastFieldId = 0;
    }

    /// <summary>Writes the stop field and returns to the enclosing struct.</summary>
    public void EndStruct()
    {
        if (_depth == 0) throw new InvalidOperationException("EndStruct without a matching BeginStruct.");
        WriteByte(0);
        _lastFieldId = _savedFieldIds[--_depth];
    }

    /// <summary>Writes the header of a field of any type but <see cref="ThriftType.Bool"/>.</summary>
    public void WriteFieldHeader(short id, ThriftType type)
    {
        if (type is ThriftType.Bool or ThriftType.Stop || (byte)type > (byte)ThriftType.Uuid)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Use WriteBoolField for booleans; Stop is written by EndStruct.");
        }
        FieldHeader(id, (byte)type);
    }

    public void WriteBoolField(short id, bool value) => FieldHeader(id, value ? BoolTrueCode : BoolFalseCode);

    public void WriteI8Field(short id, sbyte value)
    {
        FieldHeader(id, (byte)ThriftType.I8);
        WriteI8(value);
    }

    public void WriteI16Field(short id, short value)
    {
        FieldHeader(id, (byte)ThriftType.I16);
        WriteI16(value);
    }

    public void WriteI32Field(short id, int value)
    {
        FieldHeader(id, (byte)ThriftType.I32);
        WriteI32(value);
    }

    public void WriteI64Field(short id, long value)
    {
        FieldHeader(id, (byte)ThriftType.I64);
        WriteI64(value);
    }

    public void WriteDoubleField(short id, double value)
    {
        FieldHeader(id, (byte)ThriftType.Double);
        WriteDouble(value);
    }

    public void WriteBinaryField(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, (byte)ThriftType.Binary);
        WriteBinary(value);
    }

    public void WriteStringField(short id, string value)
    {
        FieldHeader(id, (byte)ThriftType.Binary);
        WriteString(value);
    }

    /// <summary>Writes a struct field's header and begins the nested struct; close it with <see cref="EndStruct"/>.</summary>
    public void BeginStructField(short id)
    {
        FieldHeader(id, (byte)ThriftType.Struct);
        BeginStruct();
    }

    /// <summary>Writes a list field's header and the list header; the caller then writes <paramref name="count"/> elements.</summary>
    public void BeginListField(short id, ThriftType elementType, int count)
    {
        FieldHeader(id, (byte)ThriftType.List);
        WriteListHeader(elementType, count);
    }

    private void FieldHeader(short id, byte typeCode)
    {
        int delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteByte((byte)((delta << 4) | typeCode));
        }
        else
        {
            WriteByte(typeCode);
            WriteI16(id);
        }
        _lastFieldId = id;
    }

    // ---------------------------------------------------------------- containers

    /// <summary>Writes a list (or set) header: one byte up to 14 elements, else a marker byte and a varint size.</summary>
    public void WriteListHeader(ThriftType elementType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        byte code = ElementCode(elementType);
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | code));
        }
        else
        {
            WriteByte((byte)(0xF0 | code));
            WriteVarUInt32((uint)count);
        }
    }

    /// <summary>Writes a map header: a single zero byte when empty, else the varint size and the key/value type byte.</summary>
    public void WriteMapHeader(ThriftType keyType, ThriftType valueType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteVarUInt32((uint)count);
        if (count > 0) WriteByte((byte)((ElementCode(keyType) << 4) | ElementCode(valueType)));
    }

    private static byte ElementCode(ThriftType type)
    {
        if (type == ThriftType.Bool) return BoolElementCode;
        if (type is ThriftType.Stop || (byte)type > (byte)ThriftType.Uuid)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a container element type.");
        }
        return (byte)type;
    }

    // ---------------------------------------------------------------- values

    /// <summary>Writes a boolean list element: one byte, 1 or 0.</summary>
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteI8(sbyte value) => WriteByte((byte)value);

    public void WriteI16(short value) => WriteI32(value);

    /// <summary>Writes a zigzag varint.</summary>
    public void WriteI32(int value) => WriteVarUInt32((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes a zigzag varint.</summary>
    public void WriteI64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes 8 little-endian bytes.</summary>
    public void WriteDouble(double value)
    {
        var span = _output.GetSpan(8);
        BinaryPrimitives.WriteDoubleLittleEndian(span, value);
        _output.Advance(8);
    }

    /// <summary>Writes 16 bytes of a UUID value.</summary>
    public void WriteUuid(ReadOnlySpan<byte> value)
    {
        if (value.Length != 16) throw new ArgumentException("A UUID is 16 bytes.", nameof(value));
        WriteRaw(value);
    }

    /// <summary>Writes a varint length and the bytes.</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteVarUInt32((uint)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a string as length-prefixed UTF-8.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteVarUInt32((uint)length);
        if (length == 0) return;
        var span = _output.GetSpan(length);
        int written = System.Text.Encoding.UTF8.GetBytes(value, span);
        _output.Advance(written);
    }

    public void WriteVarUInt32(uint value) => WriteVarUInt64(value);

    public void WriteVarUInt64(ulong value)
    {
        var span = _output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _output.Advance(n);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }
}
