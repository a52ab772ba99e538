using System.Runtime.InteropServices;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// ZSTD through the system's libzstd.so.1. One decompression and one compression context per thread are
/// created on first use and reused. Decoding accepts concatenated and skippable frames and frames that do
/// not record their content size.
/// </summary>
internal static unsafe class ZstdCodec
{
    private const string Name = "ZSTD";
    public const int DefaultLevel = 3;

    public const string MissingLibraryMessage =
        "ZSTD needs the system library libzstd.so.1 (on Debian: apt-get install libzstd1)";

    [ThreadStatic] private static ZstdDecompressionContext? t_dctx;
    [ThreadStatic] private static ZstdCompressionContext? t_cctx;

    private static readonly Lazy<Exception?> s_loadFailure = new(Probe);

    public static bool IsAvailable => s_loadFailure.Value is null;

    private static Exception? Probe()
    {
        try
        {
            if (!NativeLibrary.TryLoad(ZstdNative.Library, typeof(ZstdCodec).Assembly, null, out _))
            {
                return new DllNotFoundException($"{ZstdNative.Library} could not be loaded.");
            }
            // Resolves the entry points too: an old or foreign library fails here rather than mid-read.
            return ZstdNative.ZSTD_versionNumber() >= 10300 ? null
                : new DllNotFoundException($"{ZstdNative.Library} is older than version 1.3.");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return e;
        }
    }

    private static void EnsureAvailable()
    {
        Exception? failure = s_loadFailure.Value;
        if (failure is not null) throw new UnsupportedCodecException(CompressionCodec.Zstd, MissingLibraryMessage, failure);
    }

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        EnsureAvailable();
        ZstdDecompressionContext ctx = t_dctx ??= Create(ZstdNative.ZSTD_createDCtx());
        nuint result;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            result = ZstdNative.ZSTD_decompressDCtx(ctx, d, (nuint)dst.Length, s, (nuint)src.Length);
        }
        if (ZstdNative.ZSTD_isError(result) != 0)
        {
            CodecErrors.ThrowCorrupt(Name,
                $"libzstd reports \"{ErrorName(result)}\" decoding {src.Length} bytes into the {dst.Length} bytes the page header declares");
        }
        if (result != (nuint)dst.Length) CodecErrors.ThrowTooSmall(Name, (long)result, dst.Length);
    }

    public static int MaxCompressedLength(int length)
    {
        EnsureAvailable();
        nuint bound = ZstdNative.ZSTD_compressBound((nuint)length);
        if (ZstdNative.ZSTD_isError(bound) != 0 || bound > (nuint)Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The input is too large for one ZSTD frame.");
        }
        return (int)bound;
    }

    /// <summary>Compresses into <paramref name="dst"/>, which must hold <see cref="MaxCompressedLength"/> bytes. The level is clamped by libzstd to its range.</summary>
    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst, int level)
    {
        EnsureAvailable();
        ZstdCompressionContext ctx = t_cctx ??= Create(ZstdNative.ZSTD_createCCtx());
        nuint result;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            result = ZstdNative.ZSTD_compressCCtx(ctx, d, (nuint)dst.Length, s, (nuint)src.Length, level);
        }
        if (ZstdNative.ZSTD_isError(result) != 0)
        {
            throw new InvalidOperationException($"libzstd failed to compress {src.Length} bytes: {ErrorName(result)}");
        }
        return (int)result;
    }

    private static T Create<T>(T handle) where T : SafeHandle =>
        handle.IsInvalid ? throw new OutOfMemoryException("libzstd could not allocate a context.") : handle;

    private static string ErrorName(nuint code) =>
        Marshal.PtrToStringUTF8((nint)ZstdNative.ZSTD_getErrorName(code)) ?? $"error {code}";
}
