using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Records;

namespace Samsa.Benchmarks;

/// <summary>
/// CRC-32C over a record batch, against a copy of the same bytes in the same run (memory bandwidth is the
/// ceiling a checksum can approach). Throughput is bytes / mean time.
/// </summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];
    private byte[] _copy = [];

    [Params(16 * 1024, 1024 * 1024)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        _copy = new byte[Bytes];
        new Random(7).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public void CopySameBytes() => _data.AsSpan().CopyTo(_copy);

    [Benchmark]
    public uint Crc32CHardware() => Crc32C.Compute(_data);
}
