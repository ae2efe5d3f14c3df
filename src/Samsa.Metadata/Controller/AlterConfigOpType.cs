namespace Samsa.Metadata.Controller;

/// <summary>What IncrementalAlterConfigs does to one config, with Kafka's ids.</summary>
public enum AlterConfigOpType : sbyte
{
    /// <summary>Set the value.</summary>
    Set = 0,

    /// <summary>Remove the dynamic value, so the next level's applies.</summary>
    Delete = 1,

    /// <summary>Add items to a list config (those not already in it).</summary>
    Append = 2,

    /// <summary>Remove items from a list config.</summary>
    Subtract = 3,
}
