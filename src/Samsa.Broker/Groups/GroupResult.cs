namespace Samsa.Broker.Groups;

/// <summary>
/// What a group operation answers: <see cref="Value"/> when <see cref="Status"/> is Ok; otherwise the status, with
/// the message Kafka would send along (ConsumerGroupHeartbeat carries one), if any.
/// </summary>
internal readonly record struct GroupResult<T>(GroupStatus Status, T? Value, string? Message) where T : class
{
    public static GroupResult<T> Ok(T value) => new(GroupStatus.Ok, value, null);

    public static GroupResult<T> Failed(GroupStatus status, string? message = null) => new(status, null, message);
}
