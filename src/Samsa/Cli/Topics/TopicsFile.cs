namespace Samsa.Cli.Topics;

/// <summary>A parsed <c>topics.yaml</c>: its topics in the order the file lists them.</summary>
/// <param name="Source">What messages call the file: its path, or the built-in file's name.</param>
/// <param name="Topics">The topics, defaults applied.</param>
internal sealed record TopicsFile(string Source, IReadOnlyList<TopicSpec> Topics)
{
    /// <summary>The name under which the executable embeds <c>deploy/topics.yaml</c>.</summary>
    public const string BuiltInResource = "Samsa.deploy.topics.yaml";

    /// <summary>What messages call the embedded file.</summary>
    public const string BuiltInSource = "deploy/topics.yaml (built in)";

    /// <summary>The text of the <c>deploy/topics.yaml</c> this executable was built with.</summary>
    public static string ReadBuiltIn()
    {
        using Stream stream = typeof(TopicsFile).Assembly.GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"the executable lacks its embedded {BuiltInResource}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
