using System.Text.Encodings.Web;
using System.Text.Json;

namespace DeltaLite.Cli.Commands;

/// <summary>Machine-readable output on stdout (--json).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One indented JSON document on stdout, followed by a line break.</summary>
    public static void Write(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, Indented))
        {
            write(w);
        }
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    /// <summary>Writes a string property, or null.</summary>
    public static void StringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
