namespace DeltaLite.LoanGenerator;

/// <summary>
/// A small SplitMix64 generator. Its output for a given seed is fixed by this code (not by the runtime's
/// <see cref="Random"/>), so a loan's attributes depend only on (seed, year, id, stream) and never on thread
/// scheduling, batch sizes or .NET version.
/// </summary>
internal struct SimRandom
{
    private ulong _state;

    public SimRandom(ulong seed) => _state = seed;

    /// <summary>A generator for one loan and one purpose, independent of every other (seed, year, id, stream).</summary>
    public static SimRandom For(int seed, int year, long id, ulong stream)
    {
        var h = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ ((ulong)(uint)year * 0xBF58476D1CE4E5B9UL));
        h = Mix(h ^ (ulong)id);
        h = Mix(h ^ (stream * 0x94D049BB133111EBUL));
        return new SimRandom(h);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int Next(int min, int maxExclusive) => min + (int)((NextULong() >> 33) % (ulong)(maxExclusive - min));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public long NextLong(long maxExclusive) => (long)(NextULong() % (ulong)maxExclusive);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box-Muller (one of the pair is dropped; cheap enough here).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Picks an index from cumulative weights (ascending, last element = total).</summary>
    public int PickCumulative(ReadOnlySpan<double> cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        for (var i = 0; i < cumulative.Length; i++)
        {
            if (x < cumulative[i])
            {
                return i;
            }
        }
        return cumulative.Length - 1;
    }
}
