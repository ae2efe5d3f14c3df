namespace Samsa.Configuration;

internal enum ConfigWarningKind
{
    /// <summary>A key no definition has; ignored.</summary>
    UnknownKey,

    /// <summary>A Kafka key Samsa deliberately does not read; ignored.</summary>
    KafkaKeyNotUsed,

    /// <summary>Two variables of one source name the same key with different values; the higher-ranked wins.</summary>
    ShadowedVariable,

    /// <summary>A listener advertises a loopback address that other hosts cannot reach.</summary>
    AdvertisedLoopback,
}
