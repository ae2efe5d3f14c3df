using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Metadata.Configs;
using Samsa.Protocol;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Samsa.Storage;
using L = Samsa.Protocol.Records.RecordBatchLayout;
using PartitionResponse = Samsa.Protocol.Messages.ProduceResponse.PartitionProduceResponse;

namespace Samsa.Benchmarks.Broker;

/// <summary>
/// What a produced batch costs the leader when it must be rewritten, beside the zero-copy path, per batch of 1 MiB
/// (1,024 records of 1 KiB, half random): the produce handler's validation (header and CRC), then
/// <c>ProducedBatchRewrite.Apply</c> as the handler calls it for the topic's config (nothing for the baseline; a
/// recompression into a <c>RecordBuffers</c> array; the max timestamp computed from the records of a batch that
/// carries -1), then <c>PartitionLog.AppendAsync</c> into a real log (replicated mode: the page cache), which
/// <c>IterationSetup</c> empties so each iteration writes 64 MiB at most.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(64, unrollFactor: 1)]
public class RecompressionBenchmarks
{
    private const int Records = 1024;
    private const int ValueBytes = 1024;

    private readonly PartitionResponse _response = new();
    private string _dir = "";
    private PartitionLog? _log;
    private byte[] _plain = [];
    private byte[] _gzip = [];
    private byte[] _plainNoMax = [];
    private byte[] _gzipNoMax = [];
    private (long MaxTimestamp, uint Crc) _plainNoMaxHeader;
    private (long MaxTimestamp, uint Crc) _gzipNoMaxHeader;
    private EffectiveTopicConfig _producer = null!;
    private EffectiveTopicConfig _lz4 = null!;
    private EffectiveTopicConfig _zstd = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = Build(CompressionType.None);
        _gzip = Build(CompressionType.Gzip);
        _plainNoMax = WithoutMaxTimestamp(Build(CompressionType.None), out _plainNoMaxHeader);
        _gzipNoMax = WithoutMaxTimestamp(Build(CompressionType.Gzip), out _gzipNoMaxHeader);
        _producer = Config("producer");
        _lz4 = Config("lz4");
        _zstd = Config("zstd");
        _dir = Directory.CreateTempSubdirectory("samsa-bench-recompress-").FullName;
        _log = PartitionLog.Open(LogDirectory.Open(_dir), new TopicPartition("bench", 0),
            LogOptions.Default with { SegmentBytes = 1 << 30 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log?.Close();
        Directory.Delete(_dir, recursive: true);
    }

    [IterationSetup]
    public void EmptyTheLog()
    {
        if (_log!.TruncateTo(0) != LogStatus.Ok) throw new InvalidOperationException("the log did not truncate");
    }

    [Benchmark(Baseline = true, Description = "zero-copy: validate + append (none, topic producer)")]
    public long ZeroCopy() => ValidateRewriteAppend(_plain, _producer);

    [Benchmark(Description = "recompress none -> lz4 + append")]
    public long NoneToLz4() => ValidateRewriteAppend(_plain, _lz4);

    [Benchmark(Description = "recompress none -> zstd + append")]
    public long NoneToZstd() => ValidateRewriteAppend(_plain, _zstd);

    [Benchmark(Description = "recompress gzip -> lz4 + append")]
    public long GzipToLz4() => ValidateRewriteAppend(_gzip, _lz4);

    [Benchmark(Description = "max timestamp -1 stamped from the records + append (none)")]
    public long StampNone()
    {
        Restore(_plainNoMax, _plainNoMaxHeader);
        return ValidateRewriteAppend(_plainNoMax, _producer);
    }

    [Benchmark(Description = "max timestamp -1 stamped from the records + append (gzip)")]
    public long StampGzip()
    {
        Restore(_gzipNoMax, _gzipNoMaxHeader);
        return ValidateRewriteAppend(_gzipNoMax, _producer);
    }

    private long ValidateRewriteAppend(byte[] sent, EffectiveTopicConfig config)
    {
        if (RecordBatch.TryValidate(sent, out RecordBatchHeader header) != RecordBatchValidation.Ok)
            throw new InvalidOperationException("the batch does not validate");
        Memory<byte> batch = sent;
        List<byte[]>? rented = null;
        try
        {
            ErrorCode error = ProducedBatchRewrite.Apply(ref batch, header, config, _response, ref rented, out _,
                out _);
            if (error != ErrorCode.None) throw new InvalidOperationException($"the rewrite failed: {error}");
            ValueTask<AppendResult> append = _log!.AppendAsync(batch, 0);
            if (!append.IsCompletedSuccessfully)
                throw new InvalidOperationException("a replicated-mode append did not complete at once");
            AppendResult result = append.Result;
            if (result.Status != AppendStatus.Ok) throw new InvalidOperationException($"append: {result.Status}");
            return result.LastOffset;
        }
        finally
        {
            if (rented is not null)
            {
                foreach (byte[] buffer in rented) RecordBuffers.Return(buffer);
            }
        }
    }

    /// <summary>1,024 records of 1 KiB: 512 random bytes, then 512 of text (a log line's compressibility).</summary>
    private static byte[] Build(CompressionType codec)
    {
        var random = new Random(42);
        var builder = new RecordBatchBuilder(codec);
        byte[] text = "GET /api/v1/profiles/1234/embedding 200 12ms user-agent=samsa-bench "u8.ToArray();
        for (int i = 0; i < Records; i++)
        {
            byte[] value = new byte[ValueBytes];
            random.NextBytes(value.AsSpan(0, ValueBytes / 2));
            for (int at = ValueBytes / 2; at < ValueBytes; at += text.Length)
                text.AsSpan(0, Math.Min(text.Length, ValueBytes - at)).CopyTo(value.AsSpan(at));
            builder.Add(null, value, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + i);
        }
        return builder.Build();
    }

    private static byte[] WithoutMaxTimestamp(byte[] batch, out (long MaxTimestamp, uint Crc) header)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(L.MaxTimestamp), RecordBatchHeader.NoTimestamp);
        RecordBatch.UpdateCrc(batch);
        header = (RecordBatchHeader.NoTimestamp, RecordBatchHeader.Read(batch).Crc);
        return batch;
    }

    /// <summary>Puts back the -1 and its CRC that the previous invocation's stamp replaced.</summary>
    private static void Restore(byte[] batch, (long MaxTimestamp, uint Crc) header)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(L.MaxTimestamp), header.MaxTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(L.Crc), header.Crc);
    }

    private static EffectiveTopicConfig Config(string compressionType) => EffectiveTopicConfig.Resolve(
        new Dictionary<string, string>
        {
            ["compression.type"] = compressionType,
            ["max.message.bytes"] = "2097152",
        }, BrokerConfigValues.Defaults);
}
