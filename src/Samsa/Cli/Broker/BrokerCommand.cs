using System.CommandLine;
using Microsoft.Extensions.Logging;
using Samsa.Hosting;
using Samsa.Storage;

namespace Samsa.Cli.Broker;

/// <summary>
/// <c>samsa broker</c>: loads the configuration (properties file, env file, environment, flags), refuses a bad
/// value with one line naming the key and its source, logs the effective configuration, and runs the node until
/// Ctrl-C or SIGTERM, then stops gracefully.
/// </summary>
internal static class BrokerCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("broker", "Run a Samsa node (broker and controller roles) until stopped.");
        var sourceOptions = new ConfigSourceOptions();
        sourceOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            TextWriter error = result.InvocationConfiguration.Error;
            if (!sourceOptions.TryRead(result, context, out ConfigSources sources, out string? readError))
            {
                error.WriteLine(readError);
                return 1;
            }
            ConfigLoadResult loaded = ConfigLoader.Load(sources, context.Machine);
            foreach (string line in loaded.Errors) error.WriteLine(line);
            if (!loaded.IsValid) return 1;
            return await RunAsync(loaded, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(ConfigLoadResult loaded, CancellationToken cancellationToken)
    {
        using ILoggerFactory loggers = HostLogging.Create();
        ILogger logger = new NodeLoggerFactory(loggers, loaded.Settings!.NodeId).CreateLogger("Samsa");
        logger.LogConfiguration(loaded);
        SamsaNode node;
        try
        {
            node = await SamsaNode.StartAsync(loaded.Settings!, loggers, TimeProvider.System, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is LogDirectoryException or InvalidOperationException or IOException)
        {
            await Console.Error.WriteLineAsync($"samsa: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;   // stopped while starting (waiting for the controller): nothing was serving yet
        }
        await using (node.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return 0;
    }
}
