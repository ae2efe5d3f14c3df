using System.CommandLine;
using Samsa.Cli;
using Samsa.Cli.Config;
using Samsa.Configuration;

namespace Samsa.Tests.Cli;

public sealed class ConfigCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(Dictionary<string, string> environment,
        params string[] args)
    {
        var context = new CliContext(environment, new MachineInfo("samsa-host", 8L << 30));
        var root = new RootCommand();
        root.Subcommands.Add(ConfigCommand.Create(context));
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Print_shows_each_key_with_its_value_and_source_set_keys_first()
    {
        (int exitCode, string output, string error) = Run(new() { ["SAMSA_NUM_PARTITIONS"] = "3" },
            "config", "print", "--node.id=2", "--listeners", "PLAINTEXT://127.0.0.1:9092");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        string[] lines = output.Split('\n');
        Assert.StartsWith("# ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^node\.id +2 +--node\.id$", lines[1]);
        Assert.Matches(@"^listeners +PLAINTEXT://127\.0\.0\.1:9092 +--listeners$", lines[2]);
        Assert.Matches(@"^num\.partitions +3 +SAMSA_NUM_PARTITIONS$", lines[3]);
        Assert.Contains(lines,
            l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^min\.insync\.replicas +1 +default$"));
        Assert.Contains("# listener PLAINTEXT binds PLAINTEXT://127.0.0.1:9092, advertises PLAINTEXT://127.0.0.1:9092",
            output, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_and_overrides_apply_in_command_line_order()
    {
        (int _, string first, string _) = Run([], "config", "print", "--node.id=1", "--override", "num.partitions=4",
            "--num.partitions=5");
        (int _, string second, string _) = Run([], "config", "print", "--node.id=1", "--num.partitions=5",
            "--override", "num.partitions=4");

        (int _, string third, string _) = Run([], "config", "print", "--node.id=1", "--num.partitions=5",
            "--num.partitions", "6");

        Assert.Matches(@"(?m)^num\.partitions +5 +--num\.partitions$", first);
        Assert.Matches(@"(?m)^num\.partitions +4 +--override$", second);
        Assert.Matches(@"(?m)^num\.partitions +6 +--num\.partitions$", third);
    }

    [Fact]
    public void A_boolean_flag_alone_means_true() =>
        Assert.Matches(@"(?m)^auto\.create\.topics\.enable +true +--auto\.create\.topics\.enable$",
            Run([], "config", "print", "--node.id=1", "--auto.create.topics.enable").Output);

    [Fact]
    public void A_bad_value_exits_1_with_one_line()
    {
        (int exitCode, string output, string error) = Run(new() { ["SAMSA_MIN_INSYNC_REPLICAS"] = "0" },
            "config", "print", "--node.id=1");

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal("samsa: min.insync.replicas=0 (from SAMSA_MIN_INSYNC_REPLICAS) must be at least 1\n",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Files_are_read_and_a_missing_one_is_one_line()
    {
        using var temp = new TempDirectory("samsa-config-");
        string directory = temp.Path;
        string properties = Path.Combine(directory, "server.properties");
        string envFile = Path.Combine(directory, ".env");
        File.WriteAllText(properties, "node.id=1\nnum.partitions=2\nfoo=bar\n");
        File.WriteAllText(envFile, "SAMSA_NUM_PARTITIONS=3\n");

        (int exitCode, string output, string error) = Run([], "config", "print", "--config", properties,
            "--env-file", envFile);
        (int missingExit, string _, string missingError) = Run([], "config", "print", "--config",
            Path.Combine(directory, "nope.properties"));

        Assert.Equal(0, exitCode);
        Assert.Matches(@"(?m)^num\.partitions +3 +.*\.env:1$", output);
        Assert.Matches(@"(?m)^node\.id +1 +.*server\.properties:1$", output);
        Assert.Contains("samsa: warning: unknown setting foo (from ", error, StringComparison.Ordinal);
        Assert.Equal(1, missingExit);
        Assert.EndsWith("nope.properties: no such file\n", missingError.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_without_equals_is_refused()
    {
        (int exitCode, string _, string error) = Run([], "config", "print", "--override", "node.id");

        Assert.Equal(1, exitCode);
        Assert.Equal("samsa: --override node.id: expected name=value\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Help_lists_every_key_with_its_documentation()
    {
        (int _, string output, string _) = Run([], "config", "print", "--help");

        Assert.Contains("--min.insync.replicas", output, StringComparison.Ordinal);
        Assert.Contains("--override", output, StringComparison.Ordinal);
        Assert.Contains("SAMSA_MIN_INSYNC_REPLICAS", output, StringComparison.Ordinal);
    }
}
