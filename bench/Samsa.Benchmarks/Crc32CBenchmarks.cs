using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Records;

namespace Samsa.Benchmarks;

/// <summary>CRC-32C over a record batch: throughput is bytes / mean time.</summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    [Params(16 * 1024, 1024 * 1024)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(7).NextBytes(_data);
    }

    [Benchmark]
    public uint Crc32C_() => Crc32C.Compute(_data);
}
