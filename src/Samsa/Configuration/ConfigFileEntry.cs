namespace Samsa.Configuration;

/// <summary>One <c>key=value</c> read from a properties or env file.</summary>
/// <param name="Key">The property name (properties file) or variable name (env file).</param>
/// <param name="Value">The value, unescaped and unquoted.</param>
/// <param name="Line">The 1-based line it starts on.</param>
internal readonly record struct ConfigFileEntry(string Key, string Value, int Line);
