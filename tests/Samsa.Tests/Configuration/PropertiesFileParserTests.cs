using Samsa.Configuration;

namespace Samsa.Tests.Configuration;

public sealed class PropertiesFileParserTests
{
    private static IReadOnlyList<ConfigFileEntry> Parse(string text)
    {
        Assert.True(PropertiesFileParser.TryParse(text, out IReadOnlyList<ConfigFileEntry> entries, out string? error),
            error);
        return entries;
    }

    [Fact]
    public void Reads_comments_separators_and_line_numbers()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse("""
            # a comment
            ! another
               node.id=1
            listeners : PLAINTEXT://:9092

            log.dirs /var/lib/samsa
            empty=
            """);

        Assert.Equal(
        [
            new ConfigFileEntry("node.id", "1", 3),
            new ConfigFileEntry("listeners", "PLAINTEXT://:9092", 4),
            new ConfigFileEntry("log.dirs", "/var/lib/samsa", 6),
            new ConfigFileEntry("empty", "", 7),
        ], entries);
    }

    [Fact]
    public void Only_the_first_separator_splits_and_later_ones_belong_to_the_value()
    {
        Assert.Equal("PLAINTEXT://:9092", Parse("listeners=PLAINTEXT://:9092")[0].Value);
        Assert.Equal("b=c", Parse("a = b=c")[0].Value);
        Assert.Equal("= b", Parse("a  == b")[0].Value);
    }

    [Fact]
    public void Unescapes_as_java_util_Properties_does()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse(@"key\=with\:separators\ and\ spaces=tab\there\u0041\\\#x");

        Assert.Equal("key=with:separators and spaces", entries[0].Key);
        Assert.Equal("tab\there" + "A" + @"\#x", entries[0].Value);
    }

    [Fact]
    public void A_trailing_backslash_continues_the_line_and_drops_the_next_lines_indent()
    {
        IReadOnlyList<ConfigFileEntry> entries =
            Parse("listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093\nnode.id=2\n");

        Assert.Equal(new ConfigFileEntry("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093", 1), entries[0]);
        Assert.Equal(new ConfigFileEntry("node.id", "2", 3), entries[1]);
    }

    [Fact]
    public void An_even_number_of_trailing_backslashes_does_not_continue()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse("a=x\\\\\nb=y");

        Assert.Equal("x\\", entries[0].Value);
        Assert.Equal("b", entries[1].Key);
    }

    [Fact]
    public void A_comment_line_never_continues()
    {
        IReadOnlyList<ConfigFileEntry> entries = Parse("# comment \\\nnode.id=1");

        Assert.Equal([new ConfigFileEntry("node.id", "1", 2)], entries);
    }

    [Fact]
    public void Crlf_and_cr_line_ends_are_accepted() =>
        Assert.Equal(["a", "b", "c"], Parse("a=1\r\nb=2\rc=3").Select(e => e.Key));

    [Theory]
    [InlineData("a=\\u12", "line 1: malformed \\uXXXX escape")]
    [InlineData("x=1\nb=\\uZZZZ", "line 2: malformed \\uXXXX escape")]
    public void A_malformed_unicode_escape_is_an_error_naming_the_line(string text, string expected)
    {
        Assert.False(PropertiesFileParser.TryParse(text, out _, out string? error));
        Assert.Equal(expected, error);
    }
}
