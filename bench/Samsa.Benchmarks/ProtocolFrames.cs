using System.Buffers;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Benchmarks;

/// <summary>Request frames as a client sends them (header and body, without the size prefix).</summary>
internal static class ProtocolFrames
{
    /// <summary>A Produce v11 request for one partition carrying <paramref name="recordBytes"/> of records.</summary>
    public static byte[] Produce(int recordBytes)
    {
        byte[] records = new byte[recordBytes];
        new Random(1).NextBytes(records);
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30_000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = "cv_parsing",
                    PartitionData =
                    [
                        new ProduceRequest.PartitionProduceData
                        {
                            Index = 3, Records = new ReadOnlySequence<byte>(records),
                        },
                    ],
                },
            ],
        };
        var header = new RequestHeader
        {
            RequestApiKey = (short)ApiKey.Produce, RequestApiVersion = 11, CorrelationId = 42, ClientId = "bench",
        };
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        header.Write(ref writer, HeaderVersions.Request(ApiKey.Produce, 11));
        request.Write(ref writer, 11);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a request frame: the header, then the body at the version the header names.</summary>
    public static IKafkaMessage Decode(in ReadOnlySequence<byte> frame)
    {
        var reader = new KafkaReader(frame);
        RequestHeader header = HeaderVersions.ReadRequestHeader(ref reader, out _);
        return ApiMessages.Find(header.RequestApiKey)!.ReadRequest(ref reader, header.RequestApiVersion);
    }
}
