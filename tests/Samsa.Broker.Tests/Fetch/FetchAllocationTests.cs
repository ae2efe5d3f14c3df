using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Broker.Replication;
using Samsa.Broker.Tests.Network;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Broker.Tests.Fetch;

/// <summary>
/// The allocation budget of a Fetch that finds data: the frame dispatched (header and body decoded, plan resolved,
/// every partition read and its records copied into pooled buffers), the response written as the connection writes
/// it, and the lease disposed, which returns the buffers. Counted on this thread, averaged over many requests after a
/// warm-up; the whole path is synchronous when data is there, and the test checks it stayed so.
/// </summary>
public sealed class FetchAllocationTests
{
    // Measured on 2026-11-25 (.NET 10.0.12, Debug and Release alike), per request: 1,584 B for one partition and
    // 2,880 B for four at v12, 2,832 B for four at v16, 2,376 B for four in an incremental session, 8,544-8,584 B for
    // sixteen, the same whether each partition returns 1 KiB or 256 KiB: the request's objects, the plan and its
    // entries, the response's objects, the lease's list of rented buffers, and about 430 B more for each further
    // partition. The lease packs the partitions' reads into a few buffers of growing size (one buffer per partition
    // outran the pool's four arrays per size and cost 25,352 B for sixteen). The budget is a base plus a share per
    // partition, each a little above today's; copying the records out (at least 1 KiB a request) fails it.
    private const int BaseBudget = 1_280;
    private const int PerPartitionBudget = 512;
    private const int WarmUp = 100;
    private const int Iterations = 1_000;

    [Theory]
    [InlineData((short)12, 1, 1024, false)]
    [InlineData((short)12, 1, 256 * 1024, false)]
    [InlineData((short)12, 4, 1024, false)]
    [InlineData((short)12, 4, 256 * 1024, false)]
    [InlineData((short)16, 4, 1024, false)]
    [InlineData((short)16, 4, 256 * 1024, false)]
    [InlineData((short)12, 16, 1024, false)]
    [InlineData((short)16, 16, 64 * 1024, false)]
    [InlineData((short)12, 4, 1024, true)]
    [InlineData((short)16, 4, 256 * 1024, true)]
    public async Task A_fetch_with_data_allocates_within_budget_whatever_the_bytes_it_returns(short version,
        int partitions, int recordBytes, bool incremental)
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("cv_parsing", partitions));
        byte[] value = new byte[1000];
        for (int p = 0; p < partitions; p++)
        {
            Assert.True(broker.Replicas.TryGetPartition("cv_parsing", p, out Partition? partition));
            var builder = new RecordBatchBuilder();
            for (int r = 0; r < Math.Max(1, recordBytes / 1024); r++) builder.Add([(byte)r], value, 1_700_000_000_000);
            AppendResult appended = await partition!.AppendAsLeaderAsync(builder.Build());
            Assert.Equal(AppendStatus.Ok, appended.Status);
        }
        Assert.True(broker.Loader.Current.Topics.TryGetTopic("cv_parsing", out TopicImage? topic));
        Guid topicId = topic.TopicId;

        IApiHandler[] handlers = broker.Handlers();
        var versions = new ApiVersionTable([.. handlers.Select(h => h.GetType())]);
        var dispatcher = new RequestDispatcher(handlers, versions, NullLogger.Instance);
        var connection = new ConnectionInfo("connection-1", new IPEndPoint(IPAddress.Loopback, 50000), "PLAINTEXT");
        var output = new ArrayBufferWriter<byte>((partitions * (recordBytes + 4096)) + 4096);
        var header = new ResponseHeader();
        // Sessionless: the same full fetch every time. Incremental: a session opened by a full fetch, then requests
        // naming no partition (no position changed) with the next epoch each, answered with every partition's data.
        var frames = new ReadOnlySequence<byte>[WarmUp + Iterations];
        if (incremental)
        {
            int sessionId = OpenSession(dispatcher, FetchFrame(version, partitions, topicId, 0, 0), connection);
            for (int i = 0; i < frames.Length; i++)
                frames[i] = new ReadOnlySequence<byte>(FetchFrame(version, 0, topicId, sessionId, i + 1));
        }
        else
        {
            frames.AsSpan().Fill(new ReadOnlySequence<byte>(FetchFrame(version, partitions, topicId, 0, -1)));
        }

        long returned = 0;
        for (int i = 0; i < WarmUp; i++) returned = FetchOnce(dispatcher, frames[i], connection, header, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = WarmUp; i < frames.Length; i++)
            returned = FetchOnce(dispatcher, frames[i], connection, header, output);
        long perFetch = (GC.GetAllocatedBytesForCurrentThread() - before) / Iterations;

        Assert.True(returned >= (long)partitions * Math.Min(recordBytes, 1000), $"the fetch returned {returned} B");
        int budget = BaseBudget + (PerPartitionBudget * partitions);
        string kind = incremental ? "an incremental" : "a sessionless";
        Assert.True(perFetch <= budget, $"{kind} Fetch v{version} of {partitions} partitions returning {returned} B " +
            $"of records allocated {perFetch} B per request; the budget is {budget} B");
    }

    // One request as the connection serves it; returns the bytes of records in the response.
    private static long FetchOnce(RequestDispatcher dispatcher, in ReadOnlySequence<byte> frame,
        in ConnectionInfo connection, ResponseHeader header, ArrayBufferWriter<byte> output)
    {
        PendingResponse pending = dispatcher.Dispatch(frame, connection, CancellationToken.None);
        Assert.True(pending.Body.IsCompletedSuccessfully, "a fetch that finds data answers synchronously");
        var lease = (FetchResponseLease)pending.Body.Result!;
        output.ResetWrittenCount();
        header.CorrelationId = pending.CorrelationId;
        var writer = new KafkaWriter(output);
        writer.WriteInt32(header.GetSize(pending.HeaderVersion) + lease.GetSize(pending.BodyVersion));
        header.Write(ref writer, pending.HeaderVersion);
        lease.Write(ref writer, pending.BodyVersion);
        writer.Flush();
        long records = lease.RecordBytes;
        lease.Dispose();
        return records;
    }

    private static int OpenSession(RequestDispatcher dispatcher, byte[] frame, in ConnectionInfo connection)
    {
        var sequence = new ReadOnlySequence<byte>(frame);
        PendingResponse pending = dispatcher.Dispatch(sequence, connection, CancellationToken.None);
        using var lease = (FetchResponseLease)pending.Body.Result!;
        Assert.NotEqual(0, lease.Response.SessionId);
        return lease.Response.SessionId;
    }

    // A consumer's fetch of the first <paramref name="partitions"/> partitions from offset 0, as librdkafka sends it.
    private static byte[] FetchFrame(short version, int partitions, Guid topicId, int sessionId, int sessionEpoch)
    {
        var request = new FetchRequest
        {
            MaxWaitMs = 500, MinBytes = 1, MaxBytes = 50 << 20, SessionId = sessionId, SessionEpoch = sessionEpoch,
        };
        if (partitions == 0) return Frame(request, version);
        var fetchTopic = version >= 13
            ? new FetchRequest.FetchTopic { TopicId = topicId }
            : new FetchRequest.FetchTopic { Topic = "cv_parsing" };
        for (int p = 0; p < partitions; p++)
        {
            fetchTopic.Partitions.Add(
                new FetchRequest.FetchPartition { Partition = p, FetchOffset = 0, PartitionMaxBytes = 1 << 20 });
        }
        request.Topics.Add(fetchTopic);
        return Frame(request, version);
    }

    // The frame as the connection hands it to the dispatcher: without its size prefix.
    private static byte[] Frame(FetchRequest request, short version) =>
        ConnectionHarness.Frame(request, ApiKey.Fetch, version, correlationId: 7)[sizeof(int)..];
}
