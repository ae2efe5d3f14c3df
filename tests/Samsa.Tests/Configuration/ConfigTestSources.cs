using Samsa.Configuration;

namespace Samsa.Tests.Configuration;

// Builds ConfigSources the way the CLI does, without files or the real environment.
internal static class ConfigTestSources
{
    public static readonly MachineInfo Machine = new("samsa-host", 8L << 30);

    public static ConfigSources Create(string? properties = null, string? envFile = null,
        Dictionary<string, string>? environment = null, params (string Key, string Value)[] flags) => new()
    {
        PropertiesFile = properties is null ? null : new ConfigFile("server.properties", properties),
        EnvFile = envFile is null ? null : new ConfigFile(".env", envFile),
        Environment = environment ?? [],
        Flags = [.. flags.Select(f => new ConfigFlag(f.Key, f.Value, "--" + f.Key))],
    };

    public static ConfigLoadResult Load(string? properties = null, string? envFile = null,
        Dictionary<string, string>? environment = null, params (string Key, string Value)[] flags) =>
        ConfigLoader.Load(Create(properties, envFile, environment, flags), Machine);

    /// <summary>Loads with node.id=1 given as a flag first, so other keys can be tested alone.</summary>
    public static ConfigLoadResult LoadNode(params (string Key, string Value)[] flags) =>
        Load(flags: [("node.id", "1"), .. flags]);
}
