namespace Samsa.Storage;

/// <summary>What took a log directory offline (<see cref="LogDirectory.WentOffline"/>).</summary>
public sealed class LogDirectoryOfflineEventArgs(LogDirectory directory, string operation, Exception exception)
    : EventArgs
{
    /// <summary>The directory that went offline; its partitions now answer storage errors.</summary>
    public LogDirectory Directory { get; } = directory;

    /// <summary>What the storage was doing, for the operator: "appending to orders-0".</summary>
    public string Operation { get; } = operation;

    /// <summary>The I/O error.</summary>
    public Exception Exception { get; } = exception;
}
