using Microsoft.Extensions.Logging;

namespace Samsa.Hosting;

/// <summary>The console logging of the samsa process: one line per event, levels from SAMSA_LOG_LEVEL.</summary>
internal static class HostLogging
{
    public static ILoggerFactory Create(LogLevel? level = null)
    {
        LogLevel minimum = level
            ?? (Enum.TryParse(Environment.GetEnvironmentVariable("SAMSA_LOG_LEVEL"), true, out LogLevel parsed)
                ? parsed
                : LogLevel.Information);
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimum)
            .AddFilter("Microsoft", LogLevel.Warning)
            // The generic host logs a failed start with its stack trace and then throws; the CLI reports the
            // exception in one line (a port in use names the address), so the host's copy is dropped.
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.IncludeScopes = true;   // the node id (NodeLoggerFactory)
                options.TimestampFormat = "HH:mm:ss.fff ";
            }));
    }
}
