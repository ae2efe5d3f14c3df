namespace Samsa.Broker.Groups;

/// <summary>A JoinGroup request as the classic group reads it, whatever its version.</summary>
internal sealed record JoinParams(
    string MemberId,
    string? GroupInstanceId,
    string ProtocolType,
    List<(string Name, byte[] Metadata)> Protocols,
    TimeSpan SessionTimeout,
    TimeSpan RebalanceTimeout,
    string ClientId,
    string ClientHost,
    short Version);
