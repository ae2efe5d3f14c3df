namespace Samsa.Protocol.Records;

/// <summary>What a batch's timestamps mean: bit 3 of its attributes.</summary>
public enum TimestampType
{
    /// <summary>Set by the producer when it created each record.</summary>
    CreateTime = 0,

    /// <summary>Set by the broker when it appended the batch; every record's timestamp is the batch's max.</summary>
    LogAppendTime = 1,
}
