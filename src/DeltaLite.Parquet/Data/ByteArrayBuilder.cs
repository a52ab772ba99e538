using System.Runtime.CompilerServices;

namespace DeltaLite.Parquet;

/// <summary>
/// Growable storage for a sequence of byte strings: one contiguous data buffer plus Count+1 offsets.
/// Decoders of BYTE_ARRAY values append into it; it becomes the storage of a BinaryVector.
/// </summary>
public sealed class ByteArrayBuilder
{
    private int[] _offsets;
    private byte[] _data;
    private int _count;
    private int _length;

    public ByteArrayBuilder(int capacity = 16, int dataCapacity = 256)
    {
        _offsets = new int[Math.Max(capacity, 1) + 1];
        _data = new byte[Math.Max(dataCapacity, 16)];
    }

    /// <summary>Number of values appended.</summary>
    public int Count => _count;

    /// <summary>Total bytes of all values.</summary>
    public int DataLength => _length;

    /// <summary>Offsets: value i spans [Offsets[i], Offsets[i+1]) of <see cref="Data"/>. Length is at least Count+1.</summary>
    public int[] Offsets => _offsets;

    /// <summary>The data buffer (may be longer than <see cref="DataLength"/>).</summary>
    public byte[] Data => _data;

    public ReadOnlySpan<byte> this[int index] => _data.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<byte> value)
    {
        if (_count + 1 >= _offsets.Length) GrowOffsets(_count + 2);
        if (_length + value.Length > _data.Length) GrowData(_length + value.Length);
        value.CopyTo(_data.AsSpan(_length));
        _length += value.Length;
        _count++;
        _offsets[_count] = _length;
    }

    /// <summary>
    /// Appends values [start, start+count) of another (offsets, data) store in two block copies: the bytes, then the
    /// offsets shifted to this builder's data.
    /// </summary>
    internal void AppendRange(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int start, int count)
    {
        if (count == 0) return;
        int from = offsets[start], to = offsets[start + count];
        Reserve(count, to - from);
        data[from..to].CopyTo(_data.AsSpan(_length));
        int shift = _length - from;
        var src = offsets.Slice(start + 1, count);
        var dst = _offsets.AsSpan(_count + 1, count);
        for (int i = 0; i < src.Length; i++) dst[i] = src[i] + shift;
        _length += to - from;
        _count += count;
    }

    /// <summary>
    /// Appends values <paramref name="indices"/> of <paramref name="source"/> (all valid indices, <paramref name="totalBytes"/>
    /// bytes in all): room is reserved once, then each value is copied without further checks.
    /// </summary>
    internal void AppendGather(ByteArrayBuilder source, ReadOnlySpan<int> indices, int totalBytes)
    {
        Reserve(indices.Length, totalBytes);
        var srcOffsets = source._offsets;
        var srcData = source._data;
        var data = _data;
        var offsets = _offsets;
        int length = _length, count = _count;
        foreach (int i in indices)
        {
            int from = srcOffsets[i], len = srcOffsets[i + 1] - from;
            if (len <= 8 && from + 8 <= srcData.Length && length + 8 <= data.Length)
            {
                // Short values (codes, flags, grades): one unaligned 8-byte move beats a memmove call.
                Unsafe.WriteUnaligned(ref data[length], Unsafe.ReadUnaligned<ulong>(ref srcData[from]));
            }
            else
            {
                srcData.AsSpan(from, len).CopyTo(data.AsSpan(length));
            }
            length += len;
            offsets[++count] = length;
        }
        _length = length;
        _count = count;
    }

    /// <summary>Removes the first <paramref name="count"/> values, moving the rest (bytes and offsets) to the front.</summary>
    internal void RemoveFront(int count)
    {
        if (count == 0) return;
        int shift = _offsets[count];
        _data.AsSpan(shift, _length - shift).CopyTo(_data);
        int rest = _count - count;
        for (int i = 0; i <= rest; i++) _offsets[i] = _offsets[i + count] - shift;
        _count = rest;
        _length -= shift;
    }

    /// <summary>Appends an empty value (used for null slots, which carry no bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendEmpty()
    {
        if (_count + 1 >= _offsets.Length) GrowOffsets(_count + 2);
        _count++;
        _offsets[_count] = _length;
    }

    /// <summary>Reserves room for <paramref name="values"/> more values and <paramref name="bytes"/> more data bytes.</summary>
    public void Reserve(int values, int bytes)
    {
        if (_count + values + 1 > _offsets.Length) GrowOffsets(_count + values + 1);
        if (_length + bytes > _data.Length) GrowData(_length + bytes);
    }

    public void Clear()
    {
        _count = 0;
        _length = 0;
    }

    private void GrowOffsets(int min)
    {
        long size = Math.Max((long)_offsets.Length * 2, min);
        if (size > Array.MaxLength) size = Math.Max(min, Array.MaxLength);
        Array.Resize(ref _offsets, (int)size);
    }

    private void GrowData(int min)
    {
        if (min < 0) throw new ParquetFormatException("Byte array data exceeds 2 GiB in one column chunk.");
        long size = Math.Max((long)_data.Length * 2, min);
        if (size > Array.MaxLength) size = Math.Max(min, Array.MaxLength);
        Array.Resize(ref _data, (int)size);
    }
}
