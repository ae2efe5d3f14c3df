namespace Samsa.Protocol;

/// <summary>A message that can be written at a version: every generated request, response, header and record.</summary>
public interface IKafkaMessage
{
    /// <summary>Writes the message as <paramref name="version"/> lays it out.</summary>
    /// <exception cref="InvalidOperationException">
    /// A non-ignorable field holds a value that <paramref name="version"/> cannot carry, or a non-nullable field is
    /// null.
    /// </exception>
    void Write(ref KafkaWriter writer, short version);

    /// <summary>The number of bytes <see cref="Write"/> produces at <paramref name="version"/>.</summary>
    int GetSize(short version);
}

/// <summary>A generated message type with its static reader and version range.</summary>
public interface IKafkaMessage<TSelf> : IKafkaMessage
    where TSelf : IKafkaMessage<TSelf>
{
    /// <summary>Reads the message as <paramref name="version"/> lays it out.</summary>
    /// <exception cref="ProtocolException">The input is malformed.</exception>
    static abstract TSelf Read(ref KafkaReader reader, short version);

    static abstract short LowestSupportedVersion { get; }

    static abstract short HighestSupportedVersion { get; }

    /// <summary>The first flexible version, or <see cref="short.MaxValue"/> when none is.</summary>
    static abstract short LowestFlexibleVersion { get; }
}

/// <summary>Reads a message body at a version.</summary>
public delegate IKafkaMessage MessageReader(ref KafkaReader reader, short version);

/// <summary>One API of the protocol: its versions and its request and response types.</summary>
public sealed record ApiMessageInfo(
    ApiKey Key,
    string Name,
    short LowestVersion,
    short HighestVersion,
    short LowestFlexibleVersion,
    bool LatestVersionUnstable,
    Type RequestType,
    Type ResponseType,
    MessageReader ReadRequest,
    MessageReader ReadResponse)
{
    public bool IsValidVersion(short version) => version >= LowestVersion && version <= HighestVersion;

    public bool IsFlexible(short version) => version >= LowestFlexibleVersion;
}
