using System.Globalization;
using System.Text;

namespace DeltaLite.Partitions;

public static partial class PartitionValues
{
    /// <summary>The folder value Hive and Spark use for a null partition value.</summary>
    public const string HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

    /// <summary>
    /// Characters escaped as %XX in folder names: those Hive and Spark escape (0x00-0x1F, '"', '#', '%', '\'', '*', '/',
    /// ':', '=', '?', '\\', 0x7F, '{', '[', ']', '^'), plus those Spark adds on Windows (' ', '&lt;', '&gt;', '|'), so
    /// that a table written here can be copied to any file system (and as the delta-0.8.0 special-partition table does).
    /// </summary>
    private static readonly bool[] s_escape = BuildEscapeSet();

    private static bool[] BuildEscapeSet()
    {
        var set = new bool[128];
        for (int c = 0; c < 0x20; c++) set[c] = true;
        foreach (char c in "\"#%'*/:=?\\\u007F{[]^ <>|") set[c] = true;
        return set;
    }

    /// <summary>
    /// The Hive-style folder name of one partition column: <c>column=value</c>, both escaped (see
    /// <see cref="Escape"/>), and <see cref="HiveDefaultPartition"/> for a null (or empty) value.
    /// The name never contains '/', so a value such as "../x" stays one folder inside the table.
    /// </summary>
    /// <param name="column">The partition column's physical name.</param>
    /// <param name="serializedValue">The value as <see cref="Serialize"/> writes it.</param>
    public static string FolderName(string column, string? serializedValue)
    {
        ArgumentNullException.ThrowIfNull(column);
        return Escape(column) + "=" + (string.IsNullOrEmpty(serializedValue) ? HiveDefaultPartition : Escape(serializedValue));
    }

    /// <summary>The folders of a partition, joined with '/': "year=2024/month=5" ("" for an unpartitioned table).</summary>
    public static string RelativePath(IReadOnlyList<(string Column, string? Value)> partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return string.Join('/', partition.Select(p => FolderName(p.Column, p.Value)));
    }

    /// <summary>Escapes a column name or value for a folder name: each character of the escape set as %XX.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 128 && s_escape[c])
            {
                sb ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb?.Append(c);
            }
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>
    /// Reverses <see cref="Escape"/>: every '%' followed by two hex digits becomes that character; anything else is
    /// kept (as Hive does).
    /// </summary>
    public static string Unescape(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        int at = escaped.IndexOf('%');
        if (at < 0) return escaped;
        var sb = new StringBuilder(escaped.Length).Append(escaped, 0, at);
        for (int i = at; i < escaped.Length; i++)
        {
            char c = escaped[i];
            if (c == '%' && i + 2 < escaped.Length && IsHex(escaped[i + 1]) && IsHex(escaped[i + 2]))
            {
                sb.Append((char)(HexValue(escaped[i + 1]) * 16 + HexValue(escaped[i + 2])));
                i += 2;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Splits a folder name made by <see cref="FolderName"/> into the column and the serialized value (null for
    /// <see cref="HiveDefaultPartition"/>).
    /// </summary>
    /// <exception cref="FormatException">The name has no '='.</exception>
    public static (string Column, string? Value) ParseFolderName(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        int eq = folderName.IndexOf('=');
        if (eq < 0) throw new FormatException($"'{folderName}' is not a partition folder name (column=value).");
        string value = folderName[(eq + 1)..];
        return (Unescape(folderName[..eq]), value == HiveDefaultPartition ? null : Unescape(value));
    }

    /// <summary>
    /// A relative path as <c>add.path</c> holds it: URI-encoded (RFC 2396) as Spark writes it. Characters a URI path
    /// cannot hold are percent-encoded as UTF-8 (space, '%', '"', '#', '?', '&lt;', '&gt;', '[', ']', '\\', '^', '`',
    /// '{', '|', '}', control and space characters); letters, digits, <c>-_.!~*'()</c>, <c>;:@&amp;=+$,</c>, '/' and
    /// other non-ASCII characters are kept. So the folder <c>a=x%3Ay</c> is <c>a=x%253Ay</c> in <c>add.path</c>.
    /// </summary>
    public static string ToUriPath(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        StringBuilder? sb = null;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < relativePath.Length; i++)
        {
            char c = relativePath[i];
            int width = char.IsHighSurrogate(c) && i + 1 < relativePath.Length && char.IsLowSurrogate(relativePath[i + 1]) ? 2 : 1;
            if (KeepInUri(c))
            {
                sb?.Append(relativePath, i, width);
                i += width - 1;
                continue;
            }
            sb ??= new StringBuilder(relativePath.Length + 16).Append(relativePath, 0, i);
            int n = Encoding.UTF8.GetBytes(relativePath.AsSpan(i, width), utf8);
            for (int k = 0; k < n; k++) sb.Append('%').Append(utf8[k].ToString("X2", CultureInfo.InvariantCulture));
            i += width - 1;
        }
        return sb?.ToString() ?? relativePath;
    }

    private static bool KeepInUri(char c)
    {
        if (c < 128)
            return char.IsAsciiLetterOrDigit(c) || "-_.!~*'();:@&=+$,/".Contains(c);
        return !char.IsControl(c) && !char.IsSeparator(c);
    }

    /// <summary>
    /// Decodes a URI-encoded <c>add.path</c>: every %XX sequence is a UTF-8 byte; other characters are kept.
    /// </summary>
    /// <exception cref="FormatException">A '%' not followed by two hex digits, or bytes that are not UTF-8.</exception>
    public static string FromUriPath(string uriPath)
    {
        ArgumentNullException.ThrowIfNull(uriPath);
        int at = uriPath.IndexOf('%');
        if (at < 0) return uriPath;
        var sb = new StringBuilder(uriPath.Length).Append(uriPath, 0, at);
        var bytes = new List<byte>();
        var utf8 = new UTF8Encoding(false, true);
        for (int i = at; i < uriPath.Length;)
        {
            if (uriPath[i] != '%')
            {
                sb.Append(uriPath[i++]);
                continue;
            }
            bytes.Clear();
            while (i < uriPath.Length && uriPath[i] == '%')
            {
                if (i + 2 >= uriPath.Length || !IsHex(uriPath[i + 1]) || !IsHex(uriPath[i + 2]))
                    throw new FormatException($"The path '{uriPath}' has a '%' at {i} that is not followed by two hex digits.");
                bytes.Add((byte)(HexValue(uriPath[i + 1]) * 16 + HexValue(uriPath[i + 2])));
                i += 3;
            }
            try
            {
                sb.Append(utf8.GetString(bytes.ToArray()));
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatException($"The path '{uriPath}' has percent-encoded bytes that are not UTF-8.", e);
            }
        }
        return sb.ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
