using System.Buffers.Binary;
using System.Diagnostics;

namespace Samsa.LoadGen;

// A message body: the send time in its first 8 bytes (Stopwatch ticks of this process, read back by the consumer for
// end-to-end latency), then half random bytes and half zeros, so compression has something to do but not everything.
internal static class Payload
{
    public const int TimestampBytes = 8;

    public static byte[] Create(int size, int seed)
    {
        byte[] payload = new byte[Math.Max(size, TimestampBytes)];
        var random = new Random(seed);
        random.NextBytes(payload.AsSpan(TimestampBytes, (payload.Length - TimestampBytes) / 2));
        return payload;
    }

    public static void Stamp(byte[] payload, long timestamp) =>
        BinaryPrimitives.WriteInt64LittleEndian(payload, timestamp);

    /// <summary>The send time stamped in <paramref name="payload"/>, or -1 for a message not from this
    /// generator.</summary>
    public static long SentAt(ReadOnlySpan<byte> payload) =>
        payload.Length >= TimestampBytes ? BinaryPrimitives.ReadInt64LittleEndian(payload) : -1;

    /// <summary>What the consumer keeps of a message: its send time and size, read in place from the client's
    /// buffer, so consuming copies no payload into managed memory (the generator must not be the bottleneck).</summary>
    public readonly record struct Stamped(long SentAt, int Length);

    public sealed class StampReader : Confluent.Kafka.IDeserializer<Stamped>
    {
        public static readonly StampReader Instance = new();

        public Stamped Deserialize(ReadOnlySpan<byte> data, bool isNull,
            Confluent.Kafka.SerializationContext context) =>
            isNull ? new Stamped(-1, 0) : new Stamped(SentAt(data), data.Length);
    }

    public static double MicrosecondsSince(long timestamp) =>
        (Stopwatch.GetTimestamp() - timestamp) * 1_000_000.0 / Stopwatch.Frequency;
}
