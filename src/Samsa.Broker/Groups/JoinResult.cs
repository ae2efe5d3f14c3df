namespace Samsa.Broker.Groups;

/// <summary>
/// What a JoinGroup answers: the response when <see cref="Status"/> is Ok; otherwise the status and the member id
/// the answer names (the one handed out with MemberIdRequired, or the one the member joined with).
/// </summary>
internal readonly record struct JoinResult(GroupStatus Status, string MemberId, JoinGroupResponse? Response)
{
    public static JoinResult Joined(JoinGroupResponse response) => new(GroupStatus.Ok, response.MemberId, response);

    public static JoinResult Failed(GroupStatus status, string memberId) => new(status, memberId, null);
}
