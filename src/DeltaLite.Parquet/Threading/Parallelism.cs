using System.Runtime.ExceptionServices;

namespace DeltaLite.Parquet.Threading;

/// <summary>Runs independent per-column work on every core, surfacing the first failure as itself rather than an AggregateException.</summary>
internal static class Parallelism
{
    /// <summary>
    /// Calls <paramref name="body"/> for 0..count-1, items handed out in ascending order. The calling thread works
    /// through the items itself while thread-pool helpers (one per other core) join when they get to run; it waits
    /// only for items a helper has already taken, never for a helper still queued, so a busy machine's scheduling
    /// delays cost at most the items in flight.
    /// </summary>
    public static void For(int count, Action<int> body)
    {
        int helpers = Math.Min(Environment.ProcessorCount, count) - 1;
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var work = new Work(count, body);
        for (int h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(static w => w.Run(), work, preferLocal: false);
        work.Run();
        work.WaitForTaken();
        if (work.Failure is { } failure) failure.Throw();
    }

    private sealed class Work(int count, Action<int> body)
    {
        private readonly ManualResetEventSlim _allDone = new(false);
        private int _next;
        private int _finished;

        public ExceptionDispatchInfo? Failure;

        public void Run()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < count)
            {
                try
                {
                    if (Volatile.Read(ref Failure) is null) body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref Failure, ExceptionDispatchInfo.Capture(e), null);
                }
                if (Interlocked.Increment(ref _finished) == count) _allDone.Set();
            }
        }

        /// <summary>
        /// Returns once every item has finished (all are taken by the time the caller's own loop ends). The event is
        /// not disposed: a helper may still be inside Set when the wait returns.
        /// </summary>
        public void WaitForTaken()
        {
            if (Volatile.Read(ref _finished) < count) _allDone.Wait();
        }
    }
}
