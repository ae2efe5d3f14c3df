using Samsa.Metadata.Controller;

namespace Samsa.Metadata.Tests.Controller;

public sealed class TopicNameTests
{
    [Theory]
    [InlineData("cv_parsing")]
    [InlineData("job_embedding_generation")]
    [InlineData("a")]
    [InlineData("A-Z.0_9")]
    [InlineData("...")]
    [InlineData("__consumer_offsets")]
    [InlineData("-leading-dash")]
    public void Legal_names_pass(string name) => Assert.True(TopicName.TryValidate(name, out _));

    [Theory]
    [InlineData("", "Topic name is illegal, it can't be empty")]
    [InlineData(null, "Topic name is illegal, it can't be empty")]
    [InlineData(".", "Topic name cannot be \".\" or \"..\"")]
    [InlineData("..", "Topic name cannot be \".\" or \"..\"")]
    [InlineData("with space", "contains a character other than ASCII alphanumerics")]
    [InlineData("slash/ed", "contains a character other than ASCII alphanumerics")]
    [InlineData("ümlaut", "contains a character other than ASCII alphanumerics")]
    [InlineData("colon:", "contains a character other than ASCII alphanumerics")]
    [InlineData("tab\t", "contains a character other than ASCII alphanumerics")]
    public void Illegal_names_fail_with_Kafkas_message(string? name, string message)
    {
        Assert.False(TopicName.TryValidate(name, out string? error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_limit_is_249()
    {
        Assert.True(TopicName.TryValidate(new string('x', 249), out _));
        Assert.False(TopicName.TryValidate(new string('x', 250), out string? error));
        Assert.StartsWith("Topic name is illegal, it can't be longer than 249 characters", error,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.b", "a_b", true)]
    [InlineData("a_b", "a.b", true)]
    [InlineData("a.b_c", "a_b.c", true)]
    [InlineData("a.b", "a.b", false)]
    [InlineData("ab", "a_b", false)]
    [InlineData("a-b", "a_b", false)]
    public void Names_differing_only_by_dot_and_underscore_collide(string a, string b, bool collide) =>
        Assert.Equal(collide, TopicName.Collide(a, b));
}
