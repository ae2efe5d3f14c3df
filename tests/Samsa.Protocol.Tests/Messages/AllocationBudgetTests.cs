using System.Buffers;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Allocation budgets of the per-request codec paths, counted (not timed) so a regression fails the build.
/// </summary>
public sealed class AllocationBudgetTests
{
    [Fact]
    public void Decoding_a_Produce_request_with_1_MiB_of_records_allocates_under_4_KiB_and_copies_no_records()
    {
        byte[] records = new byte[1024 * 1024];
        new Random(3).NextBytes(records);
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30_000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = "cv_parsing",
                    PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>(records) }],
                },
            ],
        };
        var header = new RequestHeader { RequestApiKey = 0, RequestApiVersion = 11, CorrelationId = 1, ClientId = "t" };
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        header.Write(ref writer, 2);
        request.Write(ref writer, 11);
        writer.Flush();
        byte[] frame = buffer.WrittenSpan.ToArray();

        ProduceRequest decoded = Decode(frame);   // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        decoded = Decode(frame);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4096, $"decoding allocated {allocated} bytes");
        ReadOnlySequence<byte> slice = decoded.TopicData[0].PartitionData[0].Records!.Value;
        Assert.True(slice.IsSingleSegment);
        Assert.True(slice.First.Span.Overlaps(frame), "records were copied out of the frame");
        Assert.True(slice.First.Span.SequenceEqual(records));
    }

    private static ProduceRequest Decode(byte[] frame)
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(frame));
        HeaderVersions.ReadRequestHeader(ref reader, out _);
        return ProduceRequest.Read(ref reader, 11);
    }
}
