using Samsa.Configuration;

namespace Samsa.Tests.Configuration;

public sealed class EnvFileParserTests
{
    private static IReadOnlyList<ConfigFileEntry> Parse(string text)
    {
        Assert.True(EnvFileParser.TryParse(text, out IReadOnlyList<ConfigFileEntry> entries, out string? error), error);
        return entries;
    }

    [Fact]
    public void Reads_names_values_comments_and_blank_lines()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse("""
            # kafka1
            SAMSA_NODE_ID=1

              KAFKA_CFG_LISTENERS = PLAINTEXT://:9092
            export SAMSA_LOG_DIRS=/data
            SAMSA_CLUSTER_ID=
            """);

        Assert.Equal(
        [
            new ConfigFileEntry("SAMSA_NODE_ID", "1", 2),
            new ConfigFileEntry("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092", 4),
            new ConfigFileEntry("SAMSA_LOG_DIRS", "/data", 5),
            new ConfigFileEntry("SAMSA_CLUSTER_ID", "", 6),
        ], entries);
    }

    [Fact]
    public void Bare_values_lose_a_trailing_comment_only_after_whitespace()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse("A=1 # one\nB=x#y\nC=2\t# two");

        Assert.Equal(["1", "x#y", "2"], entries.Select(e => e.Value));
    }

    [Fact]
    public void Double_quotes_take_escapes_and_single_quotes_are_literal()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse(
            "A=\"a b # not a comment\"\nB=\"line\\nnext \\\"q\\\" \\\\\" # comment\nC='raw \\n $x'\nD=\"\"");

        Assert.Equal(["a b # not a comment", "line\nnext \"q\" \\", "raw \\n $x", ""], entries.Select(e => e.Value));
    }

    [Fact]
    public void Crlf_and_a_byte_order_mark_are_accepted() =>
        Assert.Equal(["A", "B"], Parse("\uFEFFA=1\r\nB=2\r\n").Select(e => e.Key));

    [Theory]
    [InlineData("SAMSA_NODE_ID", "line 1: expected NAME=VALUE")]
    [InlineData("A=1\n1BAD=2", "line 2: expected NAME=VALUE")]
    [InlineData("A=\"open", "line 1: unterminated double quote")]
    [InlineData("A='open", "line 1: unterminated single quote")]
    [InlineData("A=\"x\" y", "line 1: unexpected text after the closing quote")]
    public void Malformed_lines_are_errors_naming_the_line(string text, string expected)
    {
        Assert.False(EnvFileParser.TryParse(text, out _, out string? error));
        Assert.Equal(expected, error);
    }
}
