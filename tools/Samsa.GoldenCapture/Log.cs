using Confluent.Kafka;

namespace Samsa.GoldenCapture;

internal static class Log
{
    public static void Info(string message) => Console.WriteLine($"golden-capture: {message}");

    public static void Warning(string message) => Console.Error.WriteLine($"golden-capture: warning: {message}");

    /// <summary>librdkafka's own log, warnings and worse only.</summary>
    public static void Librdkafka<T>(T client, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning)
        {
            Console.Error.WriteLine($"librdkafka {message.Level} {message.Name}: {message.Message}");
        }
    }
}
