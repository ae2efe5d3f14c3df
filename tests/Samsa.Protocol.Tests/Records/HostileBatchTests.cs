using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Xunit;
using static Samsa.Protocol.Tests.Records.SampleBatches;

namespace Samsa.Protocol.Tests.Records;

/// <summary>
/// Seeded mutations of well-formed batches: whatever the damage, reading raises <see cref="ProtocolException"/> or
/// succeeds, and never anything else. The CRC is not checked here, so the damage reaches the record parser and the
/// codecs instead of stopping at the checksum. A failure names its seed.
/// </summary>
public sealed class HostileBatchTests
{
    private const int Iterations = 1500;

    [Theory]
    [MemberData(nameof(AllCodecs), MemberType = typeof(SampleBatches))]
    public void Truncations_and_bit_flips_raise_only_protocol_exceptions(CompressionType codec)
    {
        byte[][] originals =
        [
            Build(codec, VariedRecords(seed: 21, count: 8)),
            Build(codec, VariedRecords(seed: 22, count: 2)),
            Builder(codec, []).AddEndTransactionMarker(ControlRecordType.Abort, 3, 10).Build(),
        ];
        for (int seed = 0; seed < Iterations; seed++)
        {
            var random = new Random((int)codec * 100_000 + seed);
            byte[] batch = (byte[])originals[seed % originals.Length].Clone();
            batch = Mutate(batch, random);
            try
            {
                Exercise(batch);
            }
            catch (ProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"codec {codec} seed {(int)codec * 100_000 + seed}: {e}");
            }
        }
    }

    [Fact]
    public void Random_garbage_raises_only_protocol_exceptions()
    {
        for (int seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            var batch = new byte[random.Next(0, 400)];
            random.NextBytes(batch);
            if (batch.Length > 16 && random.Next(2) == 0) batch[16] = 2;
            if (batch.Length > 12 && random.Next(2) == 0)
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
            if (batch.Length > 22 && random.Next(2) == 0) batch[22] = (byte)random.Next(0, 5);
            try
            {
                Exercise(batch);
            }
            catch (ProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e}");
            }
        }
    }

    private static byte[] Mutate(byte[] batch, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return batch[..random.Next(0, batch.Length)];
            case 1:
                for (int i = random.Next(1, 4); i > 0; i--)
                    batch[random.Next(61, batch.Length)] ^= (byte)(1 << random.Next(8));
                return batch;
            case 2:
                for (int i = random.Next(1, 8); i > 0; i--)
                    batch[random.Next(0, batch.Length)] = (byte)random.Next(256);
                return batch;
            default:
                // Damage the payload and keep the batch length honest, so the damage reaches the records.
                int keep = random.Next(61, batch.Length);
                byte[] cut = batch[..keep];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(cut.AsSpan(8), keep - 12);
                if (keep > 61) cut[random.Next(61, keep)] ^= (byte)random.Next(1, 256);
                return cut;
        }
    }

    private static void Exercise(byte[] batch)
    {
        RecordBatch.TryValidate(batch, out _);
        var reader = new RecordBatchReader(batch);
        while (reader.MoveNext())
            RecordBatch.TryValidate(reader.Current, out _);
        ReadAll(batch, verifyCrc: false, maxUncompressedBytes: 1 << 20);
    }
}
