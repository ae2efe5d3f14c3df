namespace Samsa.Cli.Topics;

/// <summary>The cluster did not answer a whole request (unreachable, timed out, refused the API).</summary>
internal sealed class TopicAdminException : Exception
{
    public TopicAdminException()
    {
    }

    public TopicAdminException(string message)
        : base(message)
    {
    }

    public TopicAdminException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
