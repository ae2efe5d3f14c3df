namespace Samsa.Configuration;

/// <summary>
/// Everything configuration is read from, lowest precedence first: the definitions' defaults, a properties file
/// (<c>--config</c>), an env file (<c>--env-file</c>), the process environment, and command-line flags.
/// </summary>
internal sealed record ConfigSources
{
    public ConfigFile? PropertiesFile { get; init; }

    public ConfigFile? EnvFile { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Flags and <c>--override</c> pairs in command-line order: a later one wins.</summary>
    public IReadOnlyList<ConfigFlag> Flags { get; init; } = [];
}
