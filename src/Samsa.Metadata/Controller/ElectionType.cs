namespace Samsa.Metadata.Controller;

/// <summary>Which leader an ElectLeaders request asks for; the numbers are Kafka's.</summary>
public enum ElectionType : sbyte
{
    /// <summary>The first replica in the replica list, when it is in the ISR and unfenced.</summary>
    Preferred = 0,

    /// <summary>For a partition with no leader: an eligible ISR member, else any unfenced replica, which becomes the
    /// whole ISR (records the old ISR acknowledged may be lost).</summary>
    Unclean = 1,
}
