using System.Runtime.InteropServices;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// SQLite's column functions called straight through function pointers into the e_sqlite3 library that
/// Microsoft.Data.Sqlite loads (SQLitePCLRaw's bundle), on a raw statement pointer: the per-value calls of a read are
/// most of its cost, and the managed wrappers add a provider call and a SafeHandle reference count to each. Null
/// (<see cref="Available"/> false) when the library or a function cannot be found; the reader then uses SQLitePCLRaw.
/// </summary>
internal static unsafe class SqliteNative
{
    public static readonly bool Available;

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int> s_type;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long> s_int64;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, double> s_double;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*> s_blob;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int> s_bytes;

    static SqliteNative()
    {
        // Environment switch for comparisons: DELTALITE_SQLITE_NATIVE=0 keeps SQLitePCLRaw's calls.
        if (Environment.GetEnvironmentVariable("DELTALITE_SQLITE_NATIVE") == "0") return;
        try
        {
            // The same name SQLitePCLRaw's provider imports, resolved the same way (the app's native assets): the
            // library already loaded, so the statement pointers it hands out belong to it.
            if (!NativeLibrary.TryLoad("e_sqlite3", typeof(SqliteNative).Assembly, null, out var lib)) return;
            if (!NativeLibrary.TryGetExport(lib, "sqlite3_column_type", out var type)
                || !NativeLibrary.TryGetExport(lib, "sqlite3_column_int64", out var int64)
                || !NativeLibrary.TryGetExport(lib, "sqlite3_column_double", out var dbl)
                || !NativeLibrary.TryGetExport(lib, "sqlite3_column_blob", out var blob)
                || !NativeLibrary.TryGetExport(lib, "sqlite3_column_bytes", out var bytes)) return;
            s_type = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int>)type;
            s_int64 = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, long>)int64;
            s_double = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, double>)dbl;
            s_blob = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, byte*>)blob;
            s_bytes = (delegate* unmanaged[Cdecl, SuppressGCTransition]<IntPtr, int, int>)bytes;
            Available = true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or ArgumentException)
        {
            Available = false;
        }
    }

    public static int ColumnType(IntPtr stmt, int i) => s_type(stmt, i);

    public static long ColumnInt64(IntPtr stmt, int i) => s_int64(stmt, i);

    public static double ColumnDouble(IntPtr stmt, int i) => s_double(stmt, i);

    /// <summary>A TEXT or BLOB value's bytes: the pointer first, then its length, as SQLite asks.</summary>
    public static ReadOnlySpan<byte> ColumnBytes(IntPtr stmt, int i)
    {
        byte* p = s_blob(stmt, i);
        int n = s_bytes(stmt, i);
        return p == null ? default : new ReadOnlySpan<byte>(p, n);
    }
}
