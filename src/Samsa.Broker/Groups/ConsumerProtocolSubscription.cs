using System.Buffers.Binary;
using System.Text;

namespace Samsa.Broker.Groups;

/// <summary>
/// Reads the topics from a classic member's "consumer" protocol metadata (Kafka's ConsumerProtocolSubscription:
/// int16 version, then an int32-counted array of int16-length topic names; later versions add fields after it).
/// </summary>
internal static class ConsumerProtocolSubscription
{
    /// <summary>The subscribed topics; empty when the metadata is not a readable subscription.</summary>
    public static List<string> Topics(ReadOnlySpan<byte> metadata)
    {
        var topics = new List<string>();
        if (metadata.Length < 6) return topics;
        int count = BinaryPrimitives.ReadInt32BigEndian(metadata[2..]);
        int position = 6;
        for (int i = 0; i < count; i++)
        {
            if (position + 2 > metadata.Length) return [];
            short length = BinaryPrimitives.ReadInt16BigEndian(metadata[position..]);
            position += 2;
            if (length < 0 || position + length > metadata.Length) return [];
            topics.Add(Encoding.UTF8.GetString(metadata.Slice(position, length)));
            position += length;
        }
        return topics;
    }
}
