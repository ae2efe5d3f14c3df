namespace Samsa.Cli.Dev;

/// <summary>
/// What <c>samsa dev</c> sets unless the user does: node 1, the Kafka listener on <c>127.0.0.1:9092</c> and the
/// data under <c>./data/dev</c>. They rank below every real source (a properties file, an env file, a variable, a
/// flag), so each stays overridable; messages name their source <c>samsa dev</c>.
/// </summary>
internal static class DevDefaults
{
    public const string Origin = "samsa dev";
    public const string Listeners = "PLAINTEXT://127.0.0.1:9092";

    /// <summary>The default data folder, relative to the working directory.</summary>
    public static string DataDirectory => Path.GetFullPath(Path.Combine("data", "dev"));

    /// <summary>
    /// <paramref name="sources"/> with a flag for each dev default that no source sets, placed before the user's
    /// flags; <paramref name="usesDefaultDataDirectory"/> tells whether the data goes to <see cref="DataDirectory"/>.
    /// </summary>
    public static ConfigSources Apply(ConfigSources sources, out bool usesDefaultDataDirectory)
    {
        // A first pass finds what the sources set; a source that does not parse is reported by the real load.
        EffectiveConfiguration? configured = ConfigLoader.LoadValues(sources, BrokerConfigs.All, [], []);
        var defaults = new List<ConfigFlag>();
        usesDefaultDataDirectory = false;
        if (IsUnset(configured, BrokerConfigs.NodeId) && IsUnset(configured, BrokerConfigs.BrokerId))
            defaults.Add(new ConfigFlag("node.id", "1", Origin));
        if (IsUnset(configured, BrokerConfigs.Listeners)) defaults.Add(new ConfigFlag("listeners", Listeners, Origin));
        if (IsUnset(configured, BrokerConfigs.LogDirs) && IsUnset(configured, BrokerConfigs.LogDir))
        {
            defaults.Add(new ConfigFlag("log.dirs", DataDirectory, Origin));
            usesDefaultDataDirectory = true;
        }

        return sources with { Flags = [.. defaults, .. sources.Flags] };
    }

    private static bool IsUnset(EffectiveConfiguration? configured, ConfigDef definition) =>
        configured is null || configured[definition].IsDefault;
}
