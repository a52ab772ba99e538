using System.Runtime.ExceptionServices;

namespace DeltaLite.Parquet.Threading;

/// <summary>Runs independent per-column work on every core, surfacing the first failure as itself rather than an AggregateException.</summary>
internal static class Parallelism
{
    /// <summary>Calls <paramref name="body"/> for 0..count-1, items handed out in ascending order to up to one worker per core.</summary>
    public static void For(int count, Action<int> body)
    {
        int workers = Math.Min(Environment.ProcessorCount, count);
        if (workers <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        int next = 0;
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next) - 1) < count) body(i);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
