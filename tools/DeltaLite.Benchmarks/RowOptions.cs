using System.Globalization;

namespace DeltaLite.Benchmarks;

/// <summary>The options of the benchmarks over generated loan rows: <c>[--rows N] [--seed S] [--dir DIR]</c>.</summary>
internal static class RowOptions
{
    public static (long Rows, int Seed, string? Dir) Parse(string[] args)
    {
        long rows = 1_000_000;
        int seed = 42;
        string? dir = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--rows": rows = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dir": dir = Next(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return (rows, seed, dir);
    }
}
