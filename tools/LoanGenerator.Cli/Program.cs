using DeltaLite.LoanGenerator;
using DeltaLite.LoanGenerator.Cli;

if (args.Length > 0 && args[0] == "bench")
{
    return await BenchCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await GeneratorCommand.RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
