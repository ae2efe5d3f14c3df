using Microsoft.Extensions.Logging;

namespace Samsa.Configuration;

/// <summary>
/// Start-up logging of the configuration (host event ids 5000–5019): the effective value of every key, those set
/// by some source first at Information, the defaults after them at Debug; passwords masked; then the listeners and
/// any warnings.
/// </summary>
internal static partial class ConfigurationLog
{
    /// <summary>Logs what <see cref="ConfigLoader.Load"/> produced for a node that is starting.</summary>
    public static void LogConfiguration(this ILogger logger, ConfigLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Configuration is { } configuration)
        {
            foreach (ConfigSetting setting in configuration.InDisplayOrder)
            {
                if (setting.IsDefault)
                    logger.DefaultSetting(setting.Definition.Name, setting.DisplayValue);
                else
                    logger.ConfiguredSetting(setting.Definition.Name, setting.DisplayValue, setting.Origin.Description);
            }
        }

        if (result.Settings is { } settings)
        {
            foreach (ConfiguredListener listener in settings.Listeners)
            {
                if (listener.Advertised is { } advertised)
                {
                    logger.ListenerAdvertised(listener.Name, listener.Bind.ToString(), advertised.ToString(),
                        listener.AdvertisesHostName ? " (this machine's host name, as the listener binds every "
                            + "interface and advertised.listeners does not name it)" : "");
                }
                else
                {
                    logger.ListenerNotAdvertised(listener.Name, listener.Bind.ToString(),
                        listener.IsController ? "a controller listener" : "not in advertised.listeners");
                }
            }
        }

        foreach (ConfigWarning warning in result.Warnings)
        {
            switch (warning.Kind)
            {
                case ConfigWarningKind.AdvertisedLoopback:
                    logger.AdvertisedLoopback(warning.Message);
                    break;
                default:
                    logger.ConfigurationWarning(warning.Message);
                    break;
            }
        }
    }

    [LoggerMessage(5000, LogLevel.Information, "Configuration {Name}={Value} (from {Source})")]
    public static partial void ConfiguredSetting(this ILogger logger, string name, string value, string source);

    [LoggerMessage(5001, LogLevel.Debug, "Configuration {Name}={Value} (default)")]
    public static partial void DefaultSetting(this ILogger logger, string name, string value);

    [LoggerMessage(5002, LogLevel.Warning, "Configuration: {Warning}")]
    public static partial void ConfigurationWarning(this ILogger logger, string warning);

    [LoggerMessage(5003, LogLevel.Information, "Listener {Listener} binds {Bind} and advertises {Advertised}{Note}")]
    public static partial void ListenerAdvertised(this ILogger logger, string listener, string bind, string advertised,
        string note);

    [LoggerMessage(5004, LogLevel.Information, "Listener {Listener} binds {Bind} and is not advertised: {Reason}")]
    public static partial void ListenerNotAdvertised(this ILogger logger, string listener, string bind, string reason);

    [LoggerMessage(5005, LogLevel.Warning, "Advertised listeners: {Warning}")]
    public static partial void AdvertisedLoopback(this ILogger logger, string warning);
}
