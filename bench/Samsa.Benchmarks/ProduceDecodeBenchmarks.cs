using System.Buffers;
using BenchmarkDotNet.Attributes;
using Samsa.Protocol;

namespace Samsa.Benchmarks;

/// <summary>Decoding a Produce request must not copy its records: allocations stay flat as the batch grows.</summary>
[MemoryDiagnoser]
public class ProduceDecodeBenchmarks
{
    private ReadOnlySequence<byte> _frame;

    [Params(1024, 1024 * 1024)]
    public int RecordBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _frame = new ReadOnlySequence<byte>(ProtocolFrames.Produce(RecordBytes));

    [Benchmark]
    public IKafkaMessage DecodeProduceV11() => ProtocolFrames.Decode(_frame);
}
