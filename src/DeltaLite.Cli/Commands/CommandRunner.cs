using System.CommandLine;
using DeltaLite.DeletionVectors;
using DeltaLite.LoanGenerator;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Transactions;

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
                GlobalOptions.Capture(parse);
                return await body(parse, ct).ConfigureAwait(false);
            }
            catch (CommitConflictException e)
            {
                Console.Error.WriteLine($"error: {OneLine(e.Message)}");
                if (verbose) Console.Error.WriteLine(e);
                return ExitCodes.CommitConflict;
            }
            catch (Exception e) when (IsUserError(e))
            {
                Console.Error.WriteLine($"error: {OneLine(e.Message)}");
                if (verbose) Console.Error.WriteLine(e);
                return ExitCodes.UserError;
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                // Nothing was committed (a write that fails publishes nothing): the user frees space and runs again.
                Console.Error.WriteLine($"error: the disk is full: {OneLine(e.Message)}");
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
                Console.Error.WriteLine($"error: unexpected failure ({e.GetType().Name}): {OneLine(e.Message)}");
                if (verbose) Console.Error.WriteLine(e);
                else Console.Error.WriteLine("(run again with --verbose for details)");
                return ExitCodes.Unexpected;
            }
        });
    }

    /// <summary>
    /// Failures the user can act on: a missing, corrupt or unsupported table, file or version, a bad argument, a schema
    /// that does not fit. Everything else is unexpected (exit code 3).
    /// </summary>
    internal static bool IsUserError(Exception e) => e is DeltaLogException or DeltaSchemaException or DeletionVectorException
        or ParquetFormatException or LoanGeneratorException or DeltaLite.Ingest.IngestException or DeltaLite.Azure.AzureStorageException or FileNotFoundException or DirectoryNotFoundException
        or ArgumentException or FormatException or UnauthorizedAccessException or NotSupportedException or UserException;

    /// <summary>No space left on the device (ENOSPC), or over the disk quota (EDQUOT); Windows' disk-full codes too.</summary>
    internal static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
        || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase);

    /// <summary>A message on one line (inner line breaks become spaces).</summary>
    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A failure caused by what the user asked for; its message is shown as is.</summary>
internal sealed class UserException(string message) : Exception(message);
