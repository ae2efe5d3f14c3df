namespace Samsa.Metadata.Configs;

/// <summary>
/// The outcome of parsing a config value from text: the value, or an error that completes the sentence
/// "<c>min.insync.replicas=0</c> …", such as "must be at least 1".
/// </summary>
/// <typeparam name="T">The config's value type.</typeparam>
public readonly record struct ConfigParseResult<T>
{
    private ConfigParseResult(T value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The parsed value; the type's default when <see cref="IsValid"/> is false.</summary>
    public T Value { get; }

    /// <summary>Why the text was refused, phrased to follow the key and value; null when valid.</summary>
    public string? Error { get; }

    public bool IsValid => Error is null;

    internal static ConfigParseResult<T> Ok(T value) => new(value, null);

    internal static ConfigParseResult<T> Fail(string error) => new(default!, error);
}
