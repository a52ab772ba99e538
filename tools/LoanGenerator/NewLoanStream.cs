using System.Collections;
using System.Collections.Concurrent;

namespace DeltaLite.LoanGenerator;

/// <summary>
/// The new loans of one year, produced in batches on a background task while the target writes the previous batch,
/// with at most a few batches in memory. Enumerate once.
/// </summary>
internal sealed class NewLoanStream : IEnumerable<LoanRecord>
{
    private const int BatchSize = 4096;
    private const int BatchesAhead = 4;

    private readonly LoanFactory _factory;
    private readonly long _count;
    private readonly Action<long>? _onBatch;
    private readonly CancellationToken _ct;

    public NewLoanStream(LoanFactory factory, long count, Action<long>? onBatch, CancellationToken ct)
    {
        _factory = factory;
        _count = count;
        _onBatch = onBatch;
        _ct = ct;
    }

    public IEnumerator<LoanRecord> GetEnumerator()
    {
        if (_count == 0)
        {
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        using var queue = new BlockingCollection<LoanRecord[]>(BatchesAhead);
        var producer = Task.Run(() =>
        {
            try
            {
                for (long start = 0; start < _count; start += BatchSize)
                {
                    var n = (int)Math.Min(BatchSize, _count - start);
                    var batch = new LoanRecord[n];
                    for (var i = 0; i < n; i++)
                    {
                        batch[i] = _factory.Create(start + i);
                    }
                    queue.Add(batch, stop.Token);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, stop.Token);

        long done = 0;
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(stop.Token))
            {
                foreach (var loan in batch)
                {
                    yield return loan;
                }
                done += batch.Length;
                _onBatch?.Invoke(done);
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                // The consumer stopped early; the producer was told to stop.
            }
        }
        _ct.ThrowIfCancellationRequested();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
