using System.Runtime.CompilerServices;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests;

/// <summary>The read-ahead between a source and the writer: order kept, failures passed on as they are, the source let go.</summary>
public sealed class ReadAheadTests
{
    private static readonly Parquet.Schema Schema = new(new Field("n", DataType.Int64, false));

    private static RecordBatch Batch(long n) => new(Schema, [new PrimitiveVector<long>(DataType.Int64, [n])], 1);

    private sealed class Source(int count, Exception? failAfter = null)
    {
        public int Produced { get; private set; }

        public bool Released { get; private set; }

        public async IAsyncEnumerable<RecordBatch> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
        {
            try
            {
                for (int i = 0; i < count; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    await Task.Yield();
                    Produced++;
                    yield return Batch(i);
                }
                if (failAfter is not null) throw failAfter;
            }
            finally
            {
                Released = true;
            }
        }
    }

    private static long Value(RecordBatch b) => ((PrimitiveVector<long>)b.Columns[0]).Values[0];

    [Fact]
    public async Task AllBatchesArriveInOrder()
    {
        var source = new Source(50);
        var seen = new List<long>();
        await foreach (var b in ReadAhead.Batches(source.ReadAsync(), depth: 3)) seen.Add(Value(b));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), seen);
        Assert.True(source.Released);
    }

    [Fact]
    public async Task ASourceFailureArrivesAfterTheBatchesBeforeIt_AsTheSameException()
    {
        var failure = new BadRowException("bad row", "f.csv", 7, "c");
        var source = new Source(5, failure);
        var seen = new List<long>();
        var e = await Assert.ThrowsAsync<BadRowException>(async () =>
        {
            await foreach (var b in ReadAhead.Batches(source.ReadAsync(), depth: 2)) seen.Add(Value(b));
        });
        Assert.Same(failure, e);
        Assert.Equal([0L, 1, 2, 3, 4], seen);
    }

    [Fact]
    public async Task AConsumerThatStopsEarlyStopsTheReaderAndReleasesTheSource()
    {
        var source = new Source(10_000);
        await foreach (var b in ReadAhead.Batches(source.ReadAsync(), depth: 2))
            if (Value(b) == 3) break;
        Assert.True(source.Released);
        Assert.InRange(source.Produced, 4, 4 + 2 + 1); // at most the depth (and the one being written) ahead
    }

    [Fact]
    public async Task CancellationStopsTheReadAsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var source = new Source(10_000);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var b in ReadAhead.Batches(source.ReadAsync(), depth: 2, cts.Token))
                if (Value(b) == 10) await cts.CancelAsync();
        });
        Assert.True(source.Released);
    }
}
