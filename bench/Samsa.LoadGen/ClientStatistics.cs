namespace Samsa.LoadGen;

/// <summary>
/// What a row's producer clients said of themselves in librdkafka's statistics: their average request size, how often
/// their broker threads woke per request sent, and the produce round trip (rtt p50) they measured, in milliseconds.
/// </summary>
internal readonly record struct ClientStatistics(
    double AverageRequestBytes, double WakeupsPerRequest, double RoundTripP50Ms);
