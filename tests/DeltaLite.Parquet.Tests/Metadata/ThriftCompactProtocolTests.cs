using System.Buffers;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Tests.Metadata;

/// <summary>The compact protocol against bytes assembled by hand from the specification.</summary>
public class ThriftCompactProtocolTests
{
    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params object[] parts)
    {
        var result = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case byte b: result.Add(b); break;
                case int i: result.Add(checked((byte)i)); break;
                case byte[] bytes: result.AddRange(bytes); break;
                case string s: result.AddRange(Ascii(s)); break;
                default: throw new ArgumentException(part.GetType().Name);
            }
        }
        return result.ToArray();
    }

    // ------------------------------------------------------------ scalars

    [Fact]
    public void Varint_example_from_the_spec_reads_50399()
    {
        var r = new ThriftCompactReader([0xDF, 0x89, 0x03]);
        Assert.Equal(50399u, r.ReadVarUInt32());
        Assert.Equal(3, r.Position);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0)]
    [InlineData(new byte[] { 0x01 }, -1)]
    [InlineData(new byte[] { 0x02 }, 1)]
    [InlineData(new byte[] { 0x03 }, -2)]
    [InlineData(new byte[] { 0x04 }, 2)]
    [InlineData(new byte[] { 0x7F }, -64)]
    [InlineData(new byte[] { 0x80, 0x01 }, 64)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F }, int.MaxValue)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, int.MinValue)]
    public void I32_zigzag_varints_decode(byte[] bytes, int expected)
    {
        var r = new ThriftCompactReader(bytes);
        Assert.Equal(expected, r.ReadI32());
        Assert.Equal(bytes.Length, r.Position);
    }

    [Theory]
    [InlineData(new byte[] { 0x01 }, -1L)]
    [InlineData(new byte[] { 0xFF, 0x88, 0x7A }, -1_000_000L)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, long.MaxValue)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, long.MinValue)]
    public void I64_zigzag_varints_decode(byte[] bytes, long expected)
    {
        var r = new ThriftCompactReader(bytes);
        Assert.Equal(expected, r.ReadI64());
        Assert.Equal(bytes.Length, r.Position);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x10 })]        // 33rd bit set
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 })]  // six bytes
    [InlineData(new byte[] { 0x80, 0x80 })]                          // truncated
    [InlineData(new byte[0])]
    public void Bad_i32_varints_are_format_errors(byte[] bytes)
    {
        var error = Assert.Throws<ParquetFormatException>(() => new ThriftCompactReader(bytes).ReadI32());
        Assert.Contains("byte offset", error.Message);
    }

    [Fact]
    public void Bad_i64_and_i16_varints_are_format_errors()
    {
        Assert.Throws<ParquetFormatException>(() =>
            new ThriftCompactReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]).ReadI64());
        Assert.Throws<ParquetFormatException>(() =>
            new ThriftCompactReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).ReadI64());
        // zigzag 65536 = 32768: outside int16.
        Assert.Throws<ParquetFormatException>(() => new ThriftCompactReader([0x80, 0x80, 0x04]).ReadI16());
    }

    [Fact]
    public void Double_is_little_endian()
    {
        var r = new ThriftCompactReader([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F]);
        Assert.Equal(1.5, r.ReadDouble());
        Assert.Throws<ParquetFormatException>(() => new ThriftCompactReader([0x00, 0x00, 0xF8, 0x3F]).ReadDouble());
    }

    [Fact]
    public void Binary_and_string_read_length_prefixed_utf8()
    {
        var bytes = Concat(0x05, "hello", 0x04, 0xD0, 0xB4, 0xC3, 0xA9, 0x00);
        var r = new ThriftCompactReader(bytes);
        Assert.Equal("hello", r.ReadString());
        Assert.Equal("дé", r.ReadString());
        Assert.Equal(0, r.ReadBinary().Length);
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public void Binary_longer_than_the_input_is_a_format_error_naming_the_offset()
    {
        var error = Assert.Throws<ParquetFormatException>(() =>
        {
            var r = new ThriftCompactReader(Concat(0x00, 0x05, "ab"));
            r.Skip(ThriftType.I8);
            r.ReadBinary();
        });
        Assert.Contains("byte offset 1", error.Message);
        Assert.Throws<ParquetFormatException>(() => new ThriftCompactReader([0xFF, 0xFF, 0xFF, 0xFF, 0x07]).ReadBinary());
    }

    // ------------------------------------------------------------ field headers and structs

    [Fact]
    public void Short_form_field_headers_read_a_key_value()
    {
        var bytes = Concat(0x18, 0x01, "k", 0x18, 0x01, "v", 0x00);
        var r = new ThriftCompactReader(bytes);
        var kv = KeyValue.Read(ref r);
        Assert.Equal("k", kv.Key);
        Assert.Equal("v", kv.Value);
        Assert.Equal(bytes.Length, r.Position);
    }

    [Fact]
    public void Long_form_field_headers_read_ids_and_allow_any_order()
    {
        // Field 2 first (short form), then field 1 with a long-form header: type 8, id zigzag(1) = 2.
        var bytes = Concat(0x28, 0x01, "v", 0x08, 0x02, 0x01, "k", 0x00);
        var r = new ThriftCompactReader(bytes);
        var kv = KeyValue.Read(ref r);
        Assert.Equal("k", kv.Key);
        Assert.Equal("v", kv.Value);
    }

    [Fact]
    public void Field_headers_report_ids_and_types()
    {
        // field 1 i32 = 0; field 300 (long form, zigzag 600 = 0xD8 0x04) i64 = 0; field 301 bool true; stop.
        var bytes = Concat(0x15, 0x00, 0x06, 0xD8, 0x04, 0x00, 0x11, 0x00);
        var r = new ThriftCompactReader(bytes);
        short saved = r.BeginStruct();
        Assert.True(r.ReadFieldHeader(out var f));
        Assert.Equal(new ThriftField(1, ThriftType.I32), f);
        r.Skip(f.Type);
        Assert.True(r.ReadFieldHeader(out f));
        Assert.Equal(new ThriftField(300, ThriftType.I64), f);
        r.Skip(f.Type);
        Assert.True(r.ReadFieldHeader(out f));
        Assert.Equal(new ThriftField(301, ThriftType.Bool), f);
        Assert.True(r.ReadBool());
        Assert.False(r.ReadFieldHeader(out _));
        r.EndStruct(saved);
        Assert.Equal(bytes.Length, r.Position);
        Assert.Equal(0, r.Depth);
    }

    [Fact]
    public void Booleans_embedded_in_field_headers_read_a_sorting_column()
    {
        // field 1 i32 = 5 (zigzag 10); field 2 BOOLEAN_TRUE; field 3 BOOLEAN_FALSE; stop.
        var r = new ThriftCompactReader([0x15, 0x0A, 0x11, 0x12, 0x00]);
        var column = SortingColumn.Read(ref r);
        Assert.Equal(5, column.ColumnIdx);
        Assert.True(column.Descending);
        Assert.False(column.NullsFirst);
        Assert.Equal(5, r.Position);
    }

    [Fact]
    public void Booleans_in_lists_are_one_byte_each_with_either_element_code()
    {
        var r = new ThriftCompactReader([0x31, 0x01, 0x00, 0x02, 0x22, 0x00, 0x01]);
        Assert.Equal(3, r.ReadListHeader(out var type));
        Assert.Equal(ThriftType.Bool, type);
        Assert.True(r.ReadBool());
        Assert.False(r.ReadBool());
        Assert.False(r.ReadBool()); // 2, as Java writers emit for false
        Assert.Equal(2, r.ReadListHeader(out type));
        Assert.Equal(ThriftType.Bool, type);
        Assert.False(r.ReadBool());
        Assert.True(r.ReadBool());
        Assert.Throws<ParquetFormatException>(() =>
        {
            var bad = new ThriftCompactReader([0x11, 0x07]);
            bad.ReadFieldHeader(out _);
            bad.ReadBool();   // the field's own value, from the header
            bad.ReadBool();   // a list-form value: 7 is not a boolean
        });
    }

    [Fact]
    public void Negative_zigzag_values_read_into_the_model()
    {
        // SchemaElement: 2 type_length = -64 (0x7F); 4 name = "a"; 9 field_id = -1 (0x01).
        var r = new ThriftCompactReader(Concat(0x25, 0x7F, 0x28, 0x01, "a", 0x55, 0x01, 0x00));
        var element = SchemaElement.Read(ref r);
        Assert.Equal(-64, element.TypeLength);
        Assert.Equal("a", element.Name);
        Assert.Equal(-1, element.FieldId);
        Assert.Null(element.Type);

        // Statistics: 3 null_count = -1,000,000.
        var s = new ThriftCompactReader([0x36, 0xFF, 0x88, 0x7A, 0x00]);
        Assert.Equal(-1_000_000L, Statistics.Read(ref s).NullCount);
    }

    [Fact]
    public void Nested_structs_read_a_timestamp_logical_type()
    {
        var bytes = Concat(
            0x48, 0x02, "ts",   // 4: name
            0x6C,               // 10: logicalType (struct)
            0x8C,               //   8: TIMESTAMP (struct)
            0x11,               //     1: isAdjustedToUTC = true
            0x1C,               //     2: unit (struct, union TimeUnit)
            0x2C, 0x00,         //       2: MICROS (empty struct)
            0x00,               //     end unit
            0x00,               //   end TimestampType
            0x00,               // end LogicalType
            0x00);              // end SchemaElement
        var r = new ThriftCompactReader(bytes);
        var element = SchemaElement.Read(ref r);
        Assert.Equal(bytes.Length, r.Position);
        Assert.Equal(LogicalTypeKind.Timestamp, element.LogicalType!.Kind);
        Assert.True(element.LogicalType.IsAdjustedToUtc);
        Assert.Equal(TimeUnit.Micros, element.LogicalType.Unit);
    }

    [Fact]
    public void Integer_and_decimal_logical_types_read_their_parameters()
    {
        // INTEGER: 1 bitWidth i8 = 16, 2 isSigned false.
        var r = new ThriftCompactReader([0xAC, 0x13, 0x10, 0x12, 0x00, 0x00]);
        var integer = LogicalType.Read(ref r);
        Assert.Equal((LogicalTypeKind.Integer, 16, false), (integer.Kind, integer.BitWidth, integer.IsSigned));
        // DECIMAL: 1 scale = 2, 2 precision = 10.
        var d = new ThriftCompactReader([0x5C, 0x15, 0x04, 0x15, 0x14, 0x00, 0x00]);
        var dec = LogicalType.Read(ref d);
        Assert.Equal((LogicalTypeKind.Decimal, 10, 2), (dec.Kind, dec.Precision, dec.Scale));
    }

    [Fact]
    public void Unknown_logical_type_members_read_with_their_raw_id()
    {
        // Member 25 (long form, zigzag 50) with a body holding an i32 and a string.
        var bytes = Concat(0x0C, 0x32, 0x15, 0x02, 0x18, 0x01, "x", 0x00, 0x00);
        var r = new ThriftCompactReader(bytes);
        var logical = LogicalType.Read(ref r);
        Assert.Equal((LogicalTypeKind)25, logical.Kind);
        Assert.Equal(bytes.Length, r.Position);
    }

    [Fact]
    public void Empty_logical_type_union_is_a_format_error()
    {
        Assert.Throws<ParquetFormatException>(() => ReadLogicalType([0x00]));
        Assert.Throws<ParquetFormatException>(() => ReadLogicalType([0x1C, 0x00, 0x1C, 0x00, 0x00]));
    }

    [Fact]
    public void Unknown_fields_of_every_type_are_skipped()
    {
        byte[] uuid = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var bytes = Concat(
            0x31,                                       // 3: bool true
            0x12,                                       // 4: bool false
            0x13, 0xFF,                                 // 5: i8 -1
            0x14, 0x03,                                 // 6: i16 -2
            0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,         // 7: i32 min
            0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // 8: i64 min
            0x17, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,         // 9: double 1.5
            0x18, 0x03, "abc",                          // 10: binary
            0x19, 0x2C,                                 // 11: list of 2 structs
            0x15, 0x02, 0x00,                           //   { 1: i32 }
            0x19, 0x35, 0x02, 0x04, 0x06, 0x00,         //   { 1: list<i32> [1, 2, 3] }
            0x1A, 0x21, 0x01, 0x00,                     // 12: set of 2 bools
            0x1B, 0x02, 0x8C,                           // 13: map<binary, struct> of 2
            0x01, "x", 0x11, 0x00,                      //   "x" -> { 1: true }
            0x01, "y", 0x00,                            //   "y" -> { }
            0x1B, 0x00,                                 // 14: empty map
            0x1C,                                       // 15: struct
            0x1C, 0x15, 0x04, 0x00,                     //   1: struct { 1: i32 }
            0x19, 0x29, 0x15, 0x02, 0x05,               //   2: list<list<i32>> [[1], []]
            0x1B, 0x01, 0x55, 0x02, 0x04,               //   3: map<i32, i32> {1: 2}
            0x1D, uuid,                                 //   4: uuid
            0x00,
            0x0D, 0x20, uuid,                           // 16 (long form): uuid
            0x09, 0xC8, 0x01, 0xF8, 0x0F,               // 100 (long form): list of 15 binaries (long list header)
            new byte[15],
            0x08, 0x02, 0x01, "k",                      // 1 (long form): key
            0x18, 0x01, "v",                            // 2: value
            0x00);
        var r = new ThriftCompactReader(bytes);
        var kv = KeyValue.Read(ref r);
        Assert.Equal("k", kv.Key);
        Assert.Equal("v", kv.Value);
        Assert.Equal(bytes.Length, r.Position);
        Assert.Equal(0, r.Depth);
    }

    [Fact]
    public void Known_field_with_an_unexpected_type_is_skipped_like_an_unknown_one()
    {
        // KeyValue with 1: i32 (wrong type) then 1: binary again; the i32 is skipped.
        var r = new ThriftCompactReader(Concat(0x15, 0x02, 0x08, 0x02, 0x01, "k", 0x00));
        Assert.Equal("k", KeyValue.Read(ref r).Key);
    }

    [Fact]
    public void Missing_required_field_names_struct_and_field()
    {
        var error = Assert.Throws<ParquetFormatException>(() => ReadSortingColumn([0x15, 0x0A, 0x11, 0x00]));
        Assert.Contains("SortingColumn.nulls_first", error.Message);
        var footer = Assert.Throws<ParquetFormatException>(() => FileMetaData.Parse([0x15, 0x02, 0x00]));
        Assert.Contains("FileMetaData.schema", footer.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x1E, 0x00 })] // field type 14
    [InlineData(new byte[] { 0x1F, 0x00 })] // field type 15
    [InlineData(new byte[] { 0x19, 0x10, 0x00 })] // list element type 0
    [InlineData(new byte[] { 0x19, 0x1E, 0x00 })] // list element type 14
    [InlineData(new byte[] { 0x1B, 0x01, 0xF5, 0x00, 0x00 })] // map key type 15
    public void Invalid_type_ids_are_format_errors(byte[] bytes)
    {
        var error = Assert.Throws<ParquetFormatException>(() => ReadKeyValue(bytes));
        Assert.Contains("type id", error.Message);
    }

    [Fact]
    public void Nesting_beyond_the_cap_is_a_format_error_not_a_stack_overflow()
    {
        // An unknown field holding structs nested 10,000 deep.
        var structs = Enumerable.Repeat((byte)0x1C, 10_000).Concat(Enumerable.Repeat((byte)0x00, 10_001)).ToArray();
        var error = Assert.Throws<ParquetFormatException>(() => ReadKeyValue(structs));
        Assert.Contains("nesting", error.Message);
        // Lists of lists, 10,000 deep.
        var lists = new byte[] { 0x19 }.Concat(Enumerable.Repeat((byte)0x19, 10_000)).ToArray();
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue(lists));
    }

    [Fact]
    public void Nesting_up_to_the_cap_is_accepted_and_one_more_level_is_not()
    {
        // KeyValue is level 1; its unknown field holds MaxDepth - 1 nested structs.
        Assert.Equal("k", ReadKeyValue(NestedThenKey(ThriftCompactReader.MaxDepth - 1)).Key);
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue(NestedThenKey(ThriftCompactReader.MaxDepth)));

        static byte[] NestedThenKey(int nested) =>
            Enumerable.Repeat((byte)0x1C, nested).Concat(Enumerable.Repeat((byte)0x00, nested))
                .Concat(Concat(0x08, 0x02, 0x01, "k", 0x00)).ToArray();
    }

    [Fact]
    public void List_claiming_two_to_the_31_elements_is_refused_before_allocating()
    {
        // FileMetaData: 1 version, 2 schema: list header long form, struct, size 2^31.
        byte[] huge = [0x15, 0x02, 0x19, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x08];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ParquetFormatException>(() => FileMetaData.Parse(huge));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("byte offset 3", error.Message);

        // 2^31 - 1 fits an int but not the remaining bytes.
        byte[] max = [0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00];
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ParquetFormatException>(() => FileMetaData.Parse(max));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);

        // Same claims inside an unknown field, and a map claiming 2^31 - 1 entries.
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue([0x39, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00]));
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue([0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x55, 0x00]));
    }

    [Fact]
    public void Truncated_struct_is_a_format_error()
    {
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue(Concat(0x18, 0x01, "k")));
        Assert.Throws<ParquetFormatException>(() => ReadKeyValue([]));
    }

    // ------------------------------------------------------------ writer

    [Fact]
    public void Writer_uses_short_headers_for_deltas_1_to_15_and_long_headers_otherwise()
    {
        var bytes = Write(w =>
        {
            w.BeginStruct();
            w.WriteI32Field(1, 1);
            w.WriteI32Field(16, -1);   // delta 15
            w.WriteI32Field(32, 0);    // delta 16
            w.WriteI32Field(3, 0);     // backwards
            w.WriteBoolField(4, true);
            w.WriteBoolField(5, false);
            w.EndStruct();
        });
        Assert.Equal(
            new byte[] { 0x15, 0x02, 0xF5, 0x01, 0x05, 0x40, 0x00, 0x05, 0x06, 0x00, 0x11, 0x12, 0x00 },
            bytes);
    }

    [Fact]
    public void Writer_restores_field_ids_after_a_nested_struct()
    {
        var bytes = Write(w =>
        {
            w.BeginStruct();
            w.WriteI32Field(5, 0);
            w.BeginStructField(6);
            w.WriteI32Field(1, 0);
            w.EndStruct();
            w.WriteI32Field(7, 0);
            w.EndStruct();
        });
        Assert.Equal(new byte[] { 0x55, 0x00, 0x1C, 0x15, 0x00, 0x00, 0x15, 0x00, 0x00 }, bytes);
    }

    [Fact]
    public void Writer_list_and_map_headers_follow_the_spec()
    {
        var bytes = Write(w =>
        {
            w.WriteListHeader(ThriftType.I32, 14);
            w.WriteListHeader(ThriftType.I32, 15);
            w.WriteListHeader(ThriftType.Bool, 2);
            w.WriteBool(true);
            w.WriteBool(false);
            w.WriteMapHeader(ThriftType.Binary, ThriftType.I32, 0);
            w.WriteMapHeader(ThriftType.Binary, ThriftType.Struct, 1);
            w.WriteVarUInt32(50399);
        });
        Assert.Equal(new byte[] { 0xE5, 0xF5, 0x0F, 0x21, 0x01, 0x00, 0x00, 0x01, 0x8C, 0xDF, 0x89, 0x03 }, bytes);
    }

    [Fact]
    public void Writer_output_reads_back_for_every_type()
    {
        byte[] uuid = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();
        var bytes = Write(w =>
        {
            w.BeginStruct();
            w.WriteBoolField(1, true);
            w.WriteI8Field(2, sbyte.MinValue);
            w.WriteI16Field(3, short.MinValue);
            w.WriteI32Field(4, int.MinValue);
            w.WriteI64Field(5, long.MinValue);
            w.WriteDoubleField(6, -0.1);
            w.WriteStringField(7, "héllo");
            w.WriteFieldHeader(8, ThriftType.Uuid);
            w.WriteUuid(uuid);
            w.BeginListField(9, ThriftType.I64, 20);
            for (int i = 0; i < 20; i++) w.WriteI64(-i);
            w.WriteFieldHeader(10, ThriftType.Map);
            w.WriteMapHeader(ThriftType.I16, ThriftType.Bool, 1);
            w.WriteI16(short.MaxValue);
            w.WriteBool(true);
            w.EndStruct();
        });
        var r = new ThriftCompactReader(bytes);
        short saved = r.BeginStruct();
        Assert.True(r.ReadFieldHeader(out var f) && f == new ThriftField(1, ThriftType.Bool));
        Assert.True(r.ReadBool());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.I8);
        Assert.Equal(sbyte.MinValue, r.ReadI8());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.I16);
        Assert.Equal(short.MinValue, r.ReadI16());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.I32);
        Assert.Equal(int.MinValue, r.ReadI32());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.I64);
        Assert.Equal(long.MinValue, r.ReadI64());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.Double);
        Assert.Equal(-0.1, r.ReadDouble());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.Binary);
        Assert.Equal("héllo", r.ReadString());
        Assert.True(r.ReadFieldHeader(out f) && f == new ThriftField(8, ThriftType.Uuid));
        Assert.Equal(uuid, r.ReadUuid().ToArray());
        Assert.True(r.ReadFieldHeader(out f) && f.Type == ThriftType.List);
        Assert.Equal(20, r.ReadListHeader(out var elementType));
        Assert.Equal(ThriftType.I64, elementType);
        for (int i = 0; i < 20; i++) Assert.Equal(-i, r.ReadI64());
        Assert.True(r.ReadFieldHeader(out f) && f == new ThriftField(10, ThriftType.Map));
        Assert.Equal(1, r.ReadMapHeader(out var keyType, out var valueType));
        Assert.Equal((ThriftType.I16, ThriftType.Bool), (keyType, valueType));
        Assert.Equal(short.MaxValue, r.ReadI16());
        Assert.True(r.ReadBool());
        Assert.False(r.ReadFieldHeader(out _));
        r.EndStruct(saved);
        Assert.Equal(0, r.Remaining);
    }

    // ------------------------------------------------------------ helpers

    private static byte[] Write(Action<ThriftCompactWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ThriftCompactWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static KeyValue ReadKeyValue(byte[] unknownFieldThenKey)
    {
        var r = new ThriftCompactReader(unknownFieldThenKey);
        return KeyValue.Read(ref r);
    }

    private static SortingColumn ReadSortingColumn(byte[] bytes)
    {
        var r = new ThriftCompactReader(bytes);
        return SortingColumn.Read(ref r);
    }

    private static LogicalType ReadLogicalType(byte[] bytes)
    {
        var r = new ThriftCompactReader(bytes);
        return LogicalType.Read(ref r);
    }
}
