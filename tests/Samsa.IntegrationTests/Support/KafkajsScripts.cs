namespace Samsa.IntegrationTests.Support;

/// <summary>
/// The kafkajs scripts of <c>tests/Samsa.IntegrationTests/js</c> (kafkajs pinned in its package-lock.json, installed by
/// .ci/run), run by node as child processes with a deadline. <see cref="Find"/> skips the test when node is missing
/// and fails it when kafkajs is not installed, before the test starts a broker.
/// </summary>
internal sealed class KafkajsScripts
{
    private readonly string _node;
    private readonly string _folder;

    private KafkajsScripts(string node, string folder)
    {
        _node = node;
        _folder = folder;
    }

    public static KafkajsScripts Find()
    {
        string? node = RepoPaths.FindOnPath("node");
        Assert.SkipWhen(node is null, "node is not on PATH; .ci/run installs Debian's nodejs and npm");
        string folder = Path.Combine(RepoPaths.RepoRoot, "tests", "Samsa.IntegrationTests", "js");
        Assert.True(File.Exists(Path.Combine(folder, "node_modules", "kafkajs", "package.json")),
            $"kafkajs is not installed in {folder}; run `npm ci` there (.ci/run does)");
        return new KafkajsScripts(node!, folder);
    }

    /// <summary>Runs <paramref name="script"/> to its end (or the deadline), kafkajs's partitioner warning
    /// off.</summary>
    public Task<ChildProcess.Completed> RunAsync(string script, IEnumerable<string> arguments, TimeSpan deadline) =>
        ChildProcess.RunAsync(_node, [script, .. arguments], deadline, workingDirectory: _folder,
            environment: new Dictionary<string, string> { ["KAFKAJS_NO_PARTITIONER_WARNING"] = "1" });
}
