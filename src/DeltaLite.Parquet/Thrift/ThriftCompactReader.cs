using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace DeltaLite.Parquet.Thrift;

/// <summary>
/// Forward-only reader of the Thrift compact protocol over a span of bytes.
/// </summary>
/// <remarks>
/// Every read is checked against the end of the span; malformed input throws
/// <see cref="ParquetFormatException"/> naming the problem and its byte offset (relative to the start of the
/// span). Struct and container nesting is capped at <see cref="MaxDepth"/>, and no list, map or binary length
/// is believed before it has been checked against the bytes that remain, so a hostile length can neither
/// exhaust memory nor make the reader spin.
/// <para>Struct protocol: call <see cref="BeginStruct"/>, loop on <see cref="ReadFieldHeader"/> until it
/// returns false (the stop field), read or <see cref="Skip"/> each value, then call <see cref="EndStruct"/>
/// with the value <see cref="BeginStruct"/> returned.</para>
/// </remarks>
internal ref struct ThriftCompactReader
{
    /// <summary>Deepest nesting of structs, lists, sets and maps the reader accepts.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;
    private short _lastFieldId;
    private int _depth;
    // Value of a boolean field whose header was just read: 0 none, 1 true, 2 false.
    private byte _pendingBool;

    public ThriftCompactReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        _lastFieldId = 0;
        _depth = 0;
        _pendingBool = 0;
    }

    /// <summary>Offset of the next byte to read, from the start of the span.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>Current nesting depth of structs and containers.</summary>
    public readonly int Depth => _depth;

    // ---------------------------------------------------------------- structs

    /// <summary>Enters a struct: field ids restart from zero. Returns the state to hand to <see cref="EndStruct"/>.</summary>
    public short BeginStruct()
    {
        Enter();
        short saved = _lastFieldId;
        _lastFieldId = 0;
        return saved;
    }

    /// <summary>Leaves a struct whose stop field has been read, restoring the enclosing struct's field ids.</summary>
    public void EndStruct(short saved)
    {
        _depth--;
        _lastFieldId = saved;
    }

    /// <summary>
    /// Reads a field header. Returns false on the stop field. Boolean fields report <see cref="ThriftType.Bool"/>;
    /// their value, carried in the header, is then returned by <see cref="ReadBool"/>.
    /// </summary>
    public bool ReadFieldHeader(out ThriftField field)
    {
        _pendingBool = 0;
        int start = _position;
        byte header = ReadByte();
        if (header == 0)
        {
            field = default;
            return false;
        }
        int code = header & 0x0F;
        int delta = header >> 4;
        short id;
        if (delta != 0)
        {
            int next = _lastFieldId + delta;
            if (next > short.MaxValue) ThrowFormat($"field id {next} out of the int16 range", start);
            id = (short)next;
        }
        else
        {
            id = ReadI16();
        }
        ThriftType type;
        switch (code)
        {
            case 1:
            case 2:
                _pendingBool = (byte)code;
                type = ThriftType.Bool;
                break;
            case >= 3 and <= 13:
                type = (ThriftType)code;
                break;
            default:
                ThrowFormat($"invalid field type id {code} (field {id})", start);
                type = default;
                break;
        }
        _lastFieldId = id;
        field = new ThriftField(id, type);
        return true;
    }

    // ---------------------------------------------------------------- containers

    /// <summary>Reads a list header and returns the element count, which is at most the bytes remaining.</summary>
    /// <remarks>The caller must call <see cref="EndContainer"/> after the elements when it used
    /// <see cref="BeginList"/>; this raw form does not track depth.</remarks>
    public int ReadListHeader(out ThriftType elementType)
    {
        int start = _position;
        byte header = ReadByte();
        int size = header >> 4;
        if (size == 15)
        {
            uint longSize = ReadVarUInt32();
            if (longSize > int.MaxValue) ThrowFormat($"list size {longSize} out of range", start);
            size = (int)longSize;
        }
        elementType = ElementType(header & 0x0F, start);
        if (size > Remaining)
        {
            ThrowFormat($"list claims {size} elements but only {Remaining} bytes remain", start);
        }
        return size;
    }

    /// <summary>Reads a set header (encoded exactly like a list).</summary>
    public int ReadSetHeader(out ThriftType elementType) => ReadListHeader(out elementType);

    /// <summary>
    /// Reads a list header and checks that its elements have the expected type (any type is accepted for an
    /// empty list). Enters one level of nesting: call <see cref="EndContainer"/> after the elements.
    /// </summary>
    public int BeginList(ThriftType expected, string what)
    {
        int start = _position;
        int count = ReadListHeader(out var elementType);
        if (count > 0 && elementType != expected)
        {
            ThrowFormat($"{what} should be a list of {expected} but holds {elementType}", start);
        }
        Enter();
        return count;
    }

    /// <summary>Leaves a list, set or map entered by <see cref="BeginList"/>.</summary>
    public void EndContainer() => _depth--;

    /// <summary>Reads a map header and returns the entry count; key and value types are <see cref="ThriftType.Stop"/> for an empty map.</summary>
    public int ReadMapHeader(out ThriftType keyType, out ThriftType valueType)
    {
        int start = _position;
        uint size = ReadVarUInt32();
        if (size == 0)
        {
            keyType = ThriftType.Stop;
            valueType = ThriftType.Stop;
            return 0;
        }
        if (size > int.MaxValue) ThrowFormat($"map size {size} out of range", start);
        int typesAt = _position;
        byte types = ReadByte();
        keyType = ElementType(types >> 4, typesAt);
        valueType = ElementType(types & 0x0F, typesAt);
        if ((long)size * 2 > Remaining)
        {
            ThrowFormat($"map claims {size} entries but only {Remaining} bytes remain", start);
        }
        return (int)size;
    }

    // ---------------------------------------------------------------- scalars

    /// <summary>
    /// Reads a boolean: the value carried by the field header just read, or else a list element
    /// (one byte: 1 is true; 0, and 2 as some writers emit, are false).
    /// </summary>
    public bool ReadBool()
    {
        if (_pendingBool != 0)
        {
            bool value = _pendingBool == 1;
            _pendingBool = 0;
            return value;
        }
        int start = _position;
        byte b = ReadByte();
        return b switch
        {
            1 => true,
            0 or 2 => false,
            _ => ThrowFormat<bool>($"invalid boolean byte 0x{b:X2}", start),
        };
    }

    /// <summary>Reads a signed byte (not a varint).</summary>
    public sbyte ReadI8() => (sbyte)ReadByte();

    /// <summary>Reads a zigzag varint that must fit in 16 bits.</summary>
    public short ReadI16()
    {
        int start = _position;
        int value = ReadI32();
        if (value is < short.MinValue or > short.MaxValue) ThrowFormat($"i16 value {value} out of range", start);
        return (short)value;
    }

    /// <summary>Reads a zigzag varint of at most 5 bytes.</summary>
    public int ReadI32()
    {
        uint raw = ReadVarUInt32();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Reads a zigzag varint of at most 10 bytes.</summary>
    public long ReadI64()
    {
        ulong raw = ReadVarUInt64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads an IEEE 754 double stored as 8 little-endian bytes.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));

    /// <summary>Reads a 16-byte UUID value.</summary>
    public ReadOnlySpan<byte> ReadUuid() => ReadBytes(16);

    /// <summary>Reads a length-prefixed binary value as a slice of the input (no copy).</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        int start = _position;
        uint length = ReadVarUInt32();
        if (length > (uint)Remaining)
        {
            ThrowFormat($"binary of {length} bytes but only {Remaining} bytes remain", start);
        }
        return ReadBytes((int)length);
    }

    /// <summary>Reads a length-prefixed binary value into a new array.</summary>
    public byte[] ReadBinaryArray() => ReadBinary().ToArray();

    /// <summary>Reads a length-prefixed UTF-8 string (invalid sequences become U+FFFD).</summary>
    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBinary());

    /// <summary>Reads an unsigned LEB128 varint of at most 5 bytes that fits in 32 bits.</summary>
    public uint ReadVarUInt32()
    {
        int start = _position;
        uint result = 0;
        for (int shift = 0; shift <= 28; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28 && b > 0x0F) ThrowFormat("varint does not fit in 32 bits", start);
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        return ThrowFormat<uint>("varint does not fit in 32 bits", start);
    }

    /// <summary>Reads an unsigned LEB128 varint of at most 10 bytes that fits in 64 bits.</summary>
    public ulong ReadVarUInt64()
    {
        int start = _position;
        ulong result = 0;
        for (int shift = 0; shift <= 63; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63 && b > 0x01) ThrowFormat("varint does not fit in 64 bits", start);
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        return ThrowFormat<ulong>("varint does not fit in 64 bits", start);
    }

    // ---------------------------------------------------------------- skipping

    /// <summary>Skips one value of the given type, including whole nested structs and containers.</summary>
    public void Skip(ThriftType type)
    {
        switch (type)
        {
            case ThriftType.Bool:
                ReadBool();
                break;
            case ThriftType.I8:
                ReadBytes(1);
                break;
            case ThriftType.I16:
                ReadI16();
                break;
            case ThriftType.I32:
                ReadVarUInt32();
                break;
            case ThriftType.I64:
                ReadVarUInt64();
                break;
            case ThriftType.Double:
                ReadBytes(8);
                break;
            case ThriftType.Uuid:
                ReadBytes(16);
                break;
            case ThriftType.Binary:
                ReadBinary();
                break;
            case ThriftType.List:
            case ThriftType.Set:
            {
                int count = ReadListHeader(out var elementType);
                Enter();
                for (int i = 0; i < count; i++) Skip(elementType);
                _depth--;
                break;
            }
            case ThriftType.Map:
            {
                int count = ReadMapHeader(out var keyType, out var valueType);
                Enter();
                for (int i = 0; i < count; i++)
                {
                    Skip(keyType);
                    Skip(valueType);
                }
                _depth--;
                break;
            }
            case ThriftType.Struct:
            {
                short saved = BeginStruct();
                while (ReadFieldHeader(out var field)) Skip(field.Type);
                EndStruct(saved);
                break;
            }
            default:
                ThrowFormat($"cannot skip a value of type id {(int)type}", _position);
                break;
        }
    }

    // ---------------------------------------------------------------- helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ReadByte()
    {
        if ((uint)_position >= (uint)_buffer.Length) ThrowEnd(1);
        return _buffer[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining) ThrowEnd(count);
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    private void Enter()
    {
        if (_depth >= MaxDepth) ThrowFormat($"nesting deeper than {MaxDepth} levels", _position);
        _depth++;
    }

    private static ThriftType ElementType(int code, int offset) => code switch
    {
        1 or 2 => ThriftType.Bool,
        >= 3 and <= 13 => (ThriftType)code,
        _ => ThrowFormat<ThriftType>($"invalid element type id {code}", offset),
    };

    [DoesNotReturn]
    private readonly void ThrowEnd(int needed) =>
        ThrowFormat($"unexpected end of data: {needed} byte(s) needed, {Remaining} left", _position);

    [DoesNotReturn]
    public static void ThrowFormat(string what, int offset) =>
        throw new ParquetFormatException($"Thrift compact protocol: {what} at byte offset {offset}.");

    [DoesNotReturn]
    private static T ThrowFormat<T>(string what, int offset) =>
        throw new ParquetFormatException($"Thrift compact protocol: {what} at byte offset {offset}.");
}
