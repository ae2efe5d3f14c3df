namespace Samsa.Storage;

/// <summary>
/// A log directory that the broker must not use: it belongs to another cluster or node, or its
/// <c>meta.properties</c> is unreadable. Start-up stops with the message, which names both sides and the fix.
/// </summary>
public sealed class LogDirectoryException : Exception
{
    public LogDirectoryException()
    {
    }

    public LogDirectoryException(string message)
        : base(message)
    {
    }

    public LogDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
