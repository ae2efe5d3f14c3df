using System.CommandLine;
using System.CommandLine.Parsing;

namespace Samsa.Cli;

/// <summary>
/// The options of every verb that reads the node's configuration: <c>--config FILE</c>, <c>--env-file FILE</c>,
/// one flag per broker key (<c>--node.id=1</c>, listed by <c>--help</c> with its documentation) and Kafka's
/// <c>--override name=value</c>. Flags and overrides apply in command-line order, so a later one wins.
/// </summary>
internal sealed class ConfigSourceOptions
{
    private const string OverrideName = "--override";
    private readonly Dictionary<string, ConfigDef> _keys = new(StringComparer.Ordinal);
    private readonly List<Option> _keyOptions = [];

    public ConfigSourceOptions()
    {
        foreach (ConfigDef definition in BrokerConfigs.All)
        {
            // string[] so that a key may be given more than once (the last wins); one value per occurrence.
            var option = new Option<string[]>("--" + definition.Name)
            {
                Description = Describe(definition),
                HelpName = definition.Type == ConfigType.Boolean ? "true|false" : "value",
                Arity = definition.Type == ConfigType.Boolean ? ArgumentArity.ZeroOrMore : ArgumentArity.OneOrMore,
                AllowMultipleArgumentsPerToken = false,
            };
            _keys.Add(option.Name, definition);
            _keyOptions.Add(option);
        }
    }

    public Option<string> Config { get; } = new("--config")
    {
        Description = "A properties file in Kafka's format (server.properties).",
        HelpName = "file",
    };

    public Option<string> EnvFile { get; } = new("--env-file")
    {
        Description = "An env file of SAMSA_/KAFKA_/KAFKA_CFG_ variables, as compose's env_file reads it.",
        HelpName = "file",
    };

    public Option<string[]> Override { get; } = new(OverrideName)
    {
        Description = "Sets a key, as Kafka's kafka-server-start.sh does: --override node.id=1. Repeatable.",
        HelpName = "name=value",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(EnvFile);
        command.Options.Add(Override);
        foreach (Option option in _keyOptions) command.Options.Add(option);
    }

    /// <summary>Reads the files and the flags; false with a one-line error when a file cannot be read.</summary>
    public bool TryRead(ParseResult result, CliContext context, out ConfigSources sources, out string? error)
    {
        sources = new ConfigSources();
        error = null;
        ConfigFile? properties = null;
        ConfigFile? envFile = null;
        if (result.GetValue(Config) is { } configPath
            && !TryReadFile("--config", configPath, out properties, out error))
        {
            return false;
        }
        if (result.GetValue(EnvFile) is { } envPath && !TryReadFile("--env-file", envPath, out envFile, out error))
            return false;

        var flags = new List<ConfigFlag>();
        IReadOnlyList<Token> tokens = result.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type != TokenType.Option) continue;
            bool hasValue = i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument;
            string? value = hasValue ? tokens[i + 1].Value : null;
            if (_keys.TryGetValue(tokens[i].Value, out ConfigDef? definition))
            {
                flags.Add(new ConfigFlag(definition.Name, value ?? "true", tokens[i].Value));
            }
            else if (tokens[i].Value == OverrideName && value is not null)
            {
                int equals = value.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    error = $"samsa: --override {value}: expected name=value";
                    return false;
                }

                flags.Add(new ConfigFlag(value[..equals].Trim(), value[(equals + 1)..], OverrideName));
            }
        }

        sources = new ConfigSources
        {
            PropertiesFile = properties,
            EnvFile = envFile,
            Environment = context.Environment,
            Flags = flags,
        };
        return true;
    }

    private static bool TryReadFile(string option, string path, out ConfigFile? file, out string? error)
    {
        file = null;
        error = null;
        try
        {
            file = new ConfigFile(path, File.ReadAllText(path));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            error = $"samsa: {option} {path}: {reason}";
            return false;
        }
    }

    private static string Describe(ConfigDef definition)
    {
        string text = definition.Documentation;
        if (definition.DefaultText is { } defaultText)
            text += " Default: " + (defaultText.Length == 0 ? "(empty)" : defaultText) + ".";
        return text + " Env: " + EnvironmentNames.SamsaVariable(definition.Name) + ".";
    }
}
