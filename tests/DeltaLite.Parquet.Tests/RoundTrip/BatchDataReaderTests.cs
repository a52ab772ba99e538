using System.Data;

namespace DeltaLite.Parquet.Tests.RoundTrip;

public class BatchDataReaderTests
{
    [Fact]
    public void DataTable_Load_takes_every_row_and_null_across_batches()
    {
        var schema = new Schema(new Field("id", DataType.Int64, false), new Field("name", DataType.String), new Field("amt", new DecimalType(12, 2)),
            new Field("day", DataType.Date));
        RecordBatch Batch(int from, int n)
        {
            var b = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
            for (int i = from; i < from + n; i++)
            {
                b[0].Append((long)i);
                b[1].Append(i % 3 == 0 ? null : "n" + i);
                b[2].Append(i * 1.25m);
                b[3].Append(new DateOnly(2020, 1, 1).AddDays(i));
            }
            return new RecordBatch(schema, b.Select(x => x.Build()).ToArray(), n);
        }
        using var reader = new BatchDataReader(schema, [Batch(0, 3), Batch(3, 0), Batch(3, 4)]);
        var table = new DataTable();
        table.Load(reader);
        Assert.Equal(7, table.Rows.Count);
        Assert.Equal(typeof(decimal), table.Columns["amt"]!.DataType);
        Assert.Equal(DBNull.Value, table.Rows[3]["name"]);
        Assert.Equal("n5", table.Rows[5]["name"]);
        Assert.Equal(7.50m, table.Rows[6]["amt"]);
        Assert.Equal(new DateOnly(2020, 1, 7), table.Rows[6]["day"]);
    }

    [Fact]
    public void Typed_getters_read_the_current_row()
    {
        var schema = new Schema(new Field("i", DataType.Int32), new Field("s", DataType.String));
        var b0 = ColumnBuilder.Create(DataType.Int32);
        var b1 = ColumnBuilder.Create(DataType.String);
        b0.Append(7); b1.Append("x");
        using var r = new BatchDataReader(new RecordBatch(schema, [b0.Build(), b1.Build()], 1));
        Assert.True(r.Read());
        Assert.Equal(7, r.GetInt32(0));
        Assert.Equal("x", r.GetString(r.GetOrdinal("S")));
        Assert.False(r.Read());
    }
}
