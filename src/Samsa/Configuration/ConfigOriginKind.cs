namespace Samsa.Configuration;

/// <summary>The configuration sources, lowest precedence first.</summary>
internal enum ConfigOriginKind
{
    Default = 0,
    PropertiesFile = 1,
    EnvFile = 2,
    Environment = 3,
    Flag = 4,
}
