using System.Runtime.InteropServices;
using SQLitePCL;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// Direct entry points of the native SQLite library that Microsoft.Data.Sqlite already loaded, for the hot bind calls
/// of the bulk insert (SQLitePCL's wrappers cost a SafeHandle reference count and an interface call per value, which
/// is a third of the insert time at 38 values per row). Used only when the library resolves to the very same loaded
/// instance: the address of its static version string must equal the one SQLitePCL returns; otherwise
/// <see cref="Available"/> is false and the inserter keeps using SQLitePCL.
/// </summary>
internal static unsafe class NativeSqliteBinder
{
    /// <summary>SQLITE_STATIC: SQLite reads the bytes in place, so they must stay pinned and unchanged until the step.</summary>
    private const nint Static = 0;

    private static readonly delegate* unmanaged<nint, int, byte*, int, nint, int> BindTextPtr;
    private static readonly delegate* unmanaged<nint, int, long, int> BindInt64Ptr;

    static NativeSqliteBinder()
    {
        try
        {
            var provider = raw.GetNativeLibraryName();
            if (!NativeLibrary.TryLoad(provider, typeof(raw).Assembly, null, out var library)
                && !NativeLibrary.TryLoad(provider, Assembly(), null, out library))
            {
                return;
            }
            if (!NativeLibrary.TryGetExport(library, "sqlite3_libversion", out var version)
                || !NativeLibrary.TryGetExport(library, "sqlite3_bind_text", out var bindText)
                || !NativeLibrary.TryGetExport(library, "sqlite3_bind_int64", out var bindInt64))
            {
                return;
            }
            var ours = ((delegate* unmanaged<byte*>)version)();
            var theirs = raw.sqlite3_libversion();
            fixed (byte* p = theirs)
            {
                if (p != ours)
                {
                    return;
                }
            }
            BindTextPtr = (delegate* unmanaged<nint, int, byte*, int, nint, int>)bindText;
            BindInt64Ptr = (delegate* unmanaged<nint, int, long, int>)bindInt64;
            Available = true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            Available = false;
        }
    }

    public static bool Available { get; }

    private static System.Reflection.Assembly Assembly() => typeof(NativeSqliteBinder).Assembly;

    /// <summary>
    /// Binds <paramref name="length"/> bytes at <paramref name="pinned"/> without copying: the caller keeps them pinned and
    /// unchanged until the statement has been stepped.
    /// </summary>
    public static int BindStaticText(nint statement, int index, byte* pinned, int length) => BindTextPtr(statement, index, pinned, length, Static);

    public static int BindInt64(nint statement, int index, long value) => BindInt64Ptr(statement, index, value);
}
