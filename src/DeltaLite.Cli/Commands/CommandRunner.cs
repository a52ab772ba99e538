using System.CommandLine;
using DeltaLite.Parquet;

namespace DeltaLite.Cli.Commands;

/// <summary>Runs a verb's body and turns failures into one clear line and an exit code.</summary>
internal static class CommandRunner
{
    public static void SetRunner(this Command command, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, ct) =>
        {
            bool verbose = parse.GetValue(GlobalOptions.Verbose);
            try
            {
                return await body(parse, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUserError(e))
            {
                Console.Error.WriteLine($"error: {e.Message}");
                if (verbose) Console.Error.WriteLine(e);
                return ExitCodes.UserError;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("error: cancelled");
                return ExitCodes.UserError;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"error: unexpected failure: {e.Message}");
                if (verbose) Console.Error.WriteLine(e);
                else Console.Error.WriteLine("(run again with --verbose for details)");
                return ExitCodes.Unexpected;
            }
        });
    }

    private static bool IsUserError(Exception e) => e is ParquetFormatException or FileNotFoundException or DirectoryNotFoundException
        or ArgumentException or FormatException or UnauthorizedAccessException or NotSupportedException or UserException;
}

/// <summary>A failure caused by what the user asked for; its message is shown as is.</summary>
internal sealed class UserException(string message) : Exception(message);
