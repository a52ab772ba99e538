using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DeltaLite.Parquet.Compression;

/// <summary>P/Invoke declarations for the system's libzstd (stable API of lib/zstd.h).</summary>
internal static unsafe partial class ZstdNative
{
    public const string Library = "libzstd.so.1";

    [LibraryImport(Library)]
    public static partial uint ZSTD_versionNumber();

    [LibraryImport(Library)]
    public static partial nuint ZSTD_compressBound(nuint srcSize);

    [LibraryImport(Library)]
    public static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    public static partial byte* ZSTD_getErrorName(nuint code);

    [LibraryImport(Library)]
    public static partial ZstdDecompressionContext ZSTD_createDCtx();

    [LibraryImport(Library)]
    public static partial nuint ZSTD_freeDCtx(nint dctx);

    [LibraryImport(Library)]
    public static partial nuint ZSTD_decompressDCtx(ZstdDecompressionContext dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library)]
    public static partial ZstdCompressionContext ZSTD_createCCtx();

    [LibraryImport(Library)]
    public static partial nuint ZSTD_freeCCtx(nint cctx);

    [LibraryImport(Library)]
    public static partial nuint ZSTD_compressCCtx(ZstdCompressionContext cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int compressionLevel);
}

/// <summary>A ZSTD_DCtx*, freed when the owning thread's reference is collected.</summary>
internal sealed class ZstdDecompressionContext : SafeHandleZeroOrMinusOneIsInvalid
{
    public ZstdDecompressionContext() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        ZstdNative.ZSTD_freeDCtx(handle);
        return true;
    }
}

/// <summary>A ZSTD_CCtx*, freed when the owning thread's reference is collected.</summary>
internal sealed class ZstdCompressionContext : SafeHandleZeroOrMinusOneIsInvalid
{
    public ZstdCompressionContext() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        ZstdNative.ZSTD_freeCCtx(handle);
        return true;
    }
}
