using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest;

/// <summary>
/// Reads a source's batches on a task of their own, a few batches ahead of the writer, so that reading and parsing
/// (one core) overlap encoding and writing (the other). Memory stays bounded: at most <c>depth</c> batches wait.
/// A failure of the source reaches the consumer as the same exception, after the batches read before it; a consumer
/// that stops early stops the reader and waits for it to let go of the source (its connection, its file).
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<RecordBatch> Batches(IAsyncEnumerable<RecordBatch> source, int depth,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ExceptionDispatchInfo? failure = null;
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in source.WithCancellation(stop.Token).ConfigureAwait(false))
                    await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);
        bool drained = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                while (channel.Reader.TryRead(out var batch)) yield return batch;
            drained = true;
        }
        finally
        {
            // The consumer failed or stopped early: stop the reader. Either way, wait until it has let go of the source.
            if (!drained) await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }
        // All batches were taken: a failure of the source (cancellation included) is the consumer's failure.
        failure?.Throw();
    }
}
