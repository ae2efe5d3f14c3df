using System.Buffers;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Tests.Messages;
using Samsa.ProtocolGen;

namespace Samsa.Protocol.Tests.Hostile;

/// <summary>
/// Malformed input either decodes or raises <see cref="ProtocolException"/>: never another exception, a hang, or
/// an allocation sized by a length field rather than by the bytes that exist.
/// </summary>
public sealed class HostileInputTests
{
    private const int MutationsPerFrame = 24;

    [Fact]
    public void Seeded_truncations_and_bit_flips_of_every_message_decode_or_throw_ProtocolException()
    {
        const int seed = 20261124;
        var random = new Random(seed);
        int attempts = 0;
        int rejected = 0;
        IReadOnlyList<MessageSpec> specs = Generator.ReadAll(Definitions_.MessagesFolder);
        foreach (MessageSpec spec in specs.Where(s => s.ApiKey is not null))
        {
            ApiMessageInfo info = ApiMessages.Find(spec.ApiKey!.Value)!;
            Type type = spec.Type == "request" ? info.RequestType : info.ResponseType;
            MessageReader read = spec.Type == "request" ? info.ReadRequest : info.ReadResponse;
            foreach (short version in new[] { spec.ValidVersions.Lowest, spec.ValidVersions.Highest })
            {
                var filler = new MessageFiller(spec, random, version, useNulls: false);
                byte[] valid = MessageRoundTripTests.Write((IKafkaMessage)filler.Fill(type, spec.Fields), version);
                for (int m = 0; m < MutationsPerFrame; m++)
                {
                    byte[] hostile = Mutate(valid, random);
                    attempts++;
                    try
                    {
                        var reader = new KafkaReader(new ReadOnlySequence<byte>(hostile));
                        read(ref reader, version);
                    }
                    catch (ProtocolException)
                    {
                        rejected++;
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"seed {seed}: {spec.Name} v{version} mutation {m} threw " +
                            $"{e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }
        Assert.True(attempts > 5000, $"only {attempts} hostile frames");
        Assert.True(rejected > attempts / 4,
            $"seed {seed}: only {rejected} of {attempts} rejected; mutations too tame");
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        byte[] copy = valid.ToArray();
        switch (random.Next(4))
        {
            case 0:
                return copy.AsSpan(0, random.Next(copy.Length + 1)).ToArray();
            case 1:
                for (int i = 1 + random.Next(4); i > 0 && copy.Length > 0; i--)
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 2:
                // A run of 0xFF: huge or negative lengths and counts, endless varints.
                if (copy.Length > 0)
                {
                    int at = random.Next(copy.Length);
                    copy.AsSpan(at, Math.Min(copy.Length - at, 1 + random.Next(5))).Fill(0xFF);
                }
                return copy;
            default:
                if (copy.Length > 0) copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy.AsSpan(0, Math.Max(0, copy.Length - random.Next(3))).ToArray();
        }
    }

    [Theory]
    [InlineData(12, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 })]        // compact array of 2^31 - 2 topics
    [InlineData(3, new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]                // classic array of 2^31 - 1 topics
    public void Array_claiming_2_GiB_allocates_nothing_of_that_size(short version, byte[] count)
    {
        byte[] frame = count.Concat(new byte[16]).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(new ReadOnlySequence<byte>(frame));
            Samsa.Protocol.Messages.MetadataRequest.Read(ref reader, version);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(new byte[] { 0x7F, 0xFF, 0, 0, 0, 0 }, false)]             // int16 string length 32767, 4 bytes follow
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0 }, true)]  // compact string of 2^32 - 2 bytes
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, true)]  // varint longer than five bytes
    [InlineData(new byte[] { 0x80, 0x80 }, true)]                          // varint cut short
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0 }, false)]                   // int16 length -2
    public void Bad_string_lengths_throw_ProtocolException(byte[] frame, bool compact)
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(new ReadOnlySequence<byte>(frame));
            reader.ReadString(compact);
        });
    }

    [Fact]
    public void Records_claiming_more_bytes_than_remain_throw_without_allocating()
    {
        byte[] frame = [0x7F, 0xFF, 0xFF, 0xF0, 1, 2, 3];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(new ReadOnlySequence<byte>(frame));
            reader.ReadRecords(compact: false);
        });
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
    }
}
