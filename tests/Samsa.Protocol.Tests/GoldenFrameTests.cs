using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests;

/// <summary>
/// Frames captured from Confluent.Kafka (librdkafka) against librdkafka's mock cluster, see Golden/README.md. Every
/// frame must decode with the generated types, whole or cut into pipe-like segments, and re-encode to the same
/// bytes; the facts below pin down a few fields per frame that a wrong layout would get wrong.
/// </summary>
public sealed partial class GoldenFrameTests
{
    private const string GroupId = "golden-group";
    private const string TransactionalId = "golden-txn";
    private const int RecordsPerBatch = 5;

    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Golden");

    private static readonly string[] Codecs = ["none", "gzip", "snappy", "lz4", "zstd"];

    /// <summary>
    /// Bytes a frame carries after its body that Kafka's schema does not have (Golden/README.md, "Mock cluster
    /// limits"): librdkafka's mock ends its Metadata responses with one extra byte. Decoding leaves them unread and
    /// re-encoding gives the frame without them.
    /// </summary>
    private static readonly Dictionary<string, int> MockTrailingBytes = new() { ["Metadata-v12-response.bin"] = 1 };

    /// <summary>Ways to cut a frame: whole, 1-byte segments, and odd sizes that split every field somewhere.</summary>
    private static readonly Dictionary<string, int[]> Segmentations = new()
    {
        ["whole"] = [int.MaxValue],
        ["1-byte"] = [1],
        ["3-7-13"] = [3, 7, 13],
        ["13-7-3-1"] = [13, 7, 3, 1],
    };

    public static TheoryData<string, string> FramesAndSegmentations()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in FrameFiles())
        {
            foreach (string segmentation in Segmentations.Keys)
            {
                data.Add(file, segmentation);
            }
        }
        return data;
    }

    public static TheoryData<string> ProducerLabels() => new([.. Codecs, "transactional"]);

    [Fact]
    public void Golden_frames_cover_the_apis_a_producer_and_a_group_consumer_use()
    {
        var apis = FrameFiles().Select(f => GoldenFrame.Load(f).Api.Key).ToHashSet();
        Assert.Superset(new HashSet<ApiKey>
        {
            ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets,
            ApiKey.FindCoordinator, ApiKey.JoinGroup, ApiKey.SyncGroup, ApiKey.Heartbeat, ApiKey.OffsetFetch,
            ApiKey.OffsetCommit, ApiKey.LeaveGroup,
        }, apis);
    }

    [Theory]
    [MemberData(nameof(FramesAndSegmentations))]
    public void Frame_decodes_and_reencodes_to_identical_bytes(string file, string segmentation)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        ReadOnlySequence<byte> input = SegmentedSequence.Split(frame.Bytes, Segmentations[segmentation]);

        (IKafkaMessage header, short headerVersion, IKafkaMessage body) = Decode(frame, input);

        Assert.Equal(frame.Message, Encode(header, headerVersion, body, frame.Version));
        Assert.Equal(frame.Message.Length, header.GetSize(headerVersion) + body.GetSize(frame.Version));
        (IKafkaMessage wholeHeader, _, IKafkaMessage wholeBody) =
            Decode(frame, new ReadOnlySequence<byte>(frame.Bytes));
        Assert.Equal(wholeHeader, header);
        Assert.Equal(wholeBody, body);
    }

    [Fact]
    public void ApiVersions_v0_response_lists_produce_fetch_and_itself()
    {
        ApiVersionsResponse response = ReadResponse<ApiVersionsResponse>("ApiVersions-v0-response.bin", out _);
        Assert.Equal(0, response.ErrorCode);
        Assert.Contains(response.ApiKeys, a => a.ApiKey == (short)ApiKey.Produce && a.MaxVersion >= 9);
        Assert.Contains(response.ApiKeys, a => a.ApiKey == (short)ApiKey.Fetch && a.MaxVersion >= 12);
        Assert.Contains(response.ApiKeys, a => a.ApiKey == (short)ApiKey.ApiVersions && a.MinVersion == 0);
    }

    [Fact]
    public void ApiVersions_v3_request_names_the_client_software_in_a_v2_header()
    {
        ApiVersionsRequest request = ReadRequest<ApiVersionsRequest>("ApiVersions-v3-request.bin",
            out RequestHeader header);
        Assert.Equal("golden-admin", header.ClientId);
        Assert.Equal("confluent-kafka-dotnet", request.ClientSoftwareName);
        Assert.Matches(@"^\d+\.\d+\.\d+", request.ClientSoftwareVersion);
    }

    [Fact]
    public void Metadata_response_lists_the_loopback_broker_and_the_auto_created_topic()
    {
        MetadataRequest request = ReadRequest<MetadataRequest>("Metadata-v12-request.bin", out _);
        MetadataResponse response = ReadResponse<MetadataResponse>("Metadata-v12-response.bin", out _);

        Assert.True(request.AllowAutoTopicCreation);
        MetadataResponse.MetadataResponseBroker broker = Assert.Single(response.Brokers);
        Assert.Equal("127.0.0.1", broker.Host);
        Assert.InRange(broker.Port, 1, 65535);
        Assert.False(string.IsNullOrEmpty(response.ClusterId));
        Assert.NotEmpty(response.Topics);
        foreach (MetadataResponse.MetadataResponseTopic topic in response.Topics)
        {
            Assert.Contains(request.Topics!, t => t.Name == topic.Name);
            Assert.Equal(0, topic.ErrorCode);
            Assert.NotEqual(Guid.Empty, topic.TopicId);
            Assert.Equal(4, topic.Partitions.Count);
            Assert.Equal([0, 1, 2, 3], topic.Partitions.Select(p => p.PartitionIndex));
            Assert.All(topic.Partitions, p => Assert.Equal(broker.NodeId, p.LeaderId));
            Assert.All(topic.Partitions, p => Assert.Equal([broker.NodeId], p.IsrNodes));
        }
    }

    [Theory]
    [MemberData(nameof(ProducerLabels))]
    public void Produce_request_carries_the_batch_its_producer_sent(string label)
    {
        string file = Directory.GetFiles(FramesDirectory, $"Produce-v*-request-{label}.bin").Single();
        ProduceRequest request = ReadRequest<ProduceRequest>(Path.GetFileName(file), out RequestHeader header);

        Assert.Equal($"golden-producer-{label}", header.ClientId);
        Assert.Equal(-1, request.Acks);
        Assert.Equal(label == "transactional" ? TransactionalId : null, request.TransactionalId);
        ProduceRequest.TopicProduceData topic = Assert.Single(request.TopicData);
        Assert.Equal(label == "transactional" ? "golden-txn" : $"golden-{label}", topic.Name);
        ProduceRequest.PartitionProduceData partition = Assert.Single(topic.PartitionData);
        Assert.Equal(0, partition.Index);
        Assert.NotNull(partition.Records);
        Assert.Equal(ReadBatch($"{label}.bin"), partition.Records.Value.ToArray());
    }

    [Fact]
    public void Produce_response_acknowledges_the_first_batch_at_offset_zero()
    {
        ProduceResponse response = ReadResponse<ProduceResponse>(Single("Produce-v*-response.bin"), out _);
        ProduceResponse.TopicProduceResponse topic = Assert.Single(response.Responses);
        Assert.StartsWith("golden-", topic.Name, StringComparison.Ordinal);
        ProduceResponse.PartitionProduceResponse partition = Assert.Single(topic.PartitionResponses);
        Assert.Equal(0, partition.Index);
        Assert.Equal(0, partition.ErrorCode);
        Assert.Equal(0, partition.BaseOffset);
    }

    [Fact]
    public void Fetch_response_returns_the_produced_batches_below_the_high_watermark()
    {
        FetchRequest request = ReadRequest<FetchRequest>(Single("Fetch-v*-request.bin"), out _);
        FetchResponse response = ReadResponse<FetchResponse>(Single("Fetch-v*-response.bin"), out _);
        byte[][] produced = [.. Codecs.Select(c => ReadBatch($"{c}.bin"))];

        Assert.Equal(1, request.IsolationLevel);   // read_committed
        Assert.All(request.Topics, t => Assert.NotEqual(Guid.Empty, t.TopicId));
        Assert.Equal(0, response.ErrorCode);
        var withRecords = response.Responses
            .SelectMany(t => t.Partitions.Select(p => (t.TopicId, Partition: p)))
            .Where(x => x.Partition.Records is { Length: > 0 })
            .ToList();
        Assert.NotEmpty(withRecords);
        foreach ((Guid topicId, FetchResponse.PartitionData partition) in withRecords)
        {
            Assert.Contains(request.Topics, t => t.TopicId == topicId);
            Assert.Equal(0, partition.ErrorCode);
            Assert.Equal(RecordsPerBatch, partition.HighWatermark);
            Assert.Equal(RecordsPerBatch, partition.LastStableOffset);
            byte[] records = partition.Records!.Value.ToArray();
            Assert.Contains(produced, batch => batch.AsSpan().SequenceEqual(records));
        }
    }

    [Fact]
    public void ListOffsets_resolves_the_earliest_offset_for_a_new_group()
    {
        ListOffsetsRequest request = ReadRequest<ListOffsetsRequest>(Single("ListOffsets-v*-request.bin"), out _);
        ListOffsetsResponse response = ReadResponse<ListOffsetsResponse>(Single("ListOffsets-v*-response.bin"), out _);

        Assert.Equal(-1, request.ReplicaId);
        var asked = request.Topics.SelectMany(t => t.Partitions).ToList();
        Assert.NotEmpty(asked);
        Assert.All(asked, p => Assert.Equal(-2, p.Timestamp));   // earliest
        var answered = response.Topics.SelectMany(t => t.Partitions).ToList();
        Assert.Equal(asked.Count, answered.Count);
        Assert.All(answered, p => Assert.Equal((0, 0L), (p.ErrorCode, p.Offset)));
    }

    [Fact]
    public void FindCoordinator_answers_the_broker_that_Metadata_lists()
    {
        FindCoordinatorRequest request =
            ReadRequest<FindCoordinatorRequest>(Single("FindCoordinator-v*-request.bin"), out _);
        FindCoordinatorResponse response =
            ReadResponse<FindCoordinatorResponse>(Single("FindCoordinator-v*-response.bin"), out _);
        MetadataResponse metadata = ReadResponse<MetadataResponse>("Metadata-v12-response.bin", out _);

        Assert.Equal(GroupId, request.Key);
        Assert.Equal(0, request.KeyType);   // group
        Assert.Equal(0, response.ErrorCode);
        MetadataResponse.MetadataResponseBroker broker = Assert.Single(metadata.Brokers);
        Assert.Equal((broker.NodeId, broker.Host, broker.Port), (response.NodeId, response.Host, response.Port));
    }

    [Fact]
    public void JoinGroup_request_asks_for_the_consumer_protocol()
    {
        JoinGroupRequest request = ReadRequest<JoinGroupRequest>(Single("JoinGroup-v*-request.bin"), out _);
        JoinGroupResponse response = ReadResponse<JoinGroupResponse>(Single("JoinGroup-v*-response.bin"), out _);

        Assert.Equal(GroupId, request.GroupId);
        Assert.Equal("consumer", request.ProtocolType);
        Assert.Equal(6000, request.SessionTimeoutMs);
        Assert.Contains(request.Protocols, p => p.Name == "range");
        JoinGroupRequest.JoinGroupRequestProtocol range = request.Protocols.First(p => p.Name == "range");
        var reader = new KafkaReader(range.Metadata);
        short subscriptionVersion = reader.ReadInt16();
        ConsumerProtocolSubscription subscription = ConsumerProtocolSubscription.Read(ref reader, subscriptionVersion);
        Assert.Contains("golden-none", subscription.Topics);
        Assert.False(string.IsNullOrEmpty(response.MemberId));
    }

    [Fact]
    public void SyncGroup_response_assigns_partitions_to_the_leader()
    {
        SyncGroupRequest request = ReadRequest<SyncGroupRequest>(Single("SyncGroup-v*-request.bin"), out _);
        SyncGroupResponse response = ReadResponse<SyncGroupResponse>(Single("SyncGroup-v*-response.bin"), out _);

        Assert.Equal(GroupId, request.GroupId);
        SyncGroupRequest.SyncGroupRequestAssignment assignment = Assert.Single(request.Assignments);
        Assert.Equal(request.MemberId, assignment.MemberId);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(assignment.Assignment, response.Assignment);
        var reader = new KafkaReader(response.Assignment);
        short assignmentVersion = reader.ReadInt16();
        ConsumerProtocolAssignment decoded = ConsumerProtocolAssignment.Read(ref reader, assignmentVersion);
        Assert.Contains(decoded.AssignedPartitions, t => t.Topic == "golden-none" && t.Partitions.Contains(0));
    }

    [Fact]
    public void Group_membership_requests_name_the_group_and_member()
    {
        HeartbeatRequest heartbeat = ReadRequest<HeartbeatRequest>(Single("Heartbeat-v*-request.bin"), out _);
        LeaveGroupRequest leave = ReadRequest<LeaveGroupRequest>(Single("LeaveGroup-v*-request.bin"), out _);

        Assert.Equal(GroupId, heartbeat.GroupId);
        Assert.False(string.IsNullOrEmpty(heartbeat.MemberId));
        Assert.True(heartbeat.GenerationId > 0);
        Assert.Equal(0, ReadResponse<HeartbeatResponse>(Single("Heartbeat-v*-response.bin"), out _).ErrorCode);
        Assert.Equal(GroupId, leave.GroupId);
        Assert.Equal(heartbeat.MemberId, leave.MemberId);
        Assert.Equal(0, ReadResponse<LeaveGroupResponse>(Single("LeaveGroup-v*-response.bin"), out _).ErrorCode);
    }

    [Fact]
    public void Offsets_are_fetched_empty_then_committed_after_the_batch()
    {
        OffsetFetchRequest fetch = ReadRequest<OffsetFetchRequest>(Single("OffsetFetch-v*-request.bin"), out _);
        OffsetFetchResponse fetched = ReadResponse<OffsetFetchResponse>(Single("OffsetFetch-v*-response.bin"), out _);
        OffsetCommitRequest commit = ReadRequest<OffsetCommitRequest>(Single("OffsetCommit-v*-request.bin"), out _);
        OffsetCommitResponse committed =
            ReadResponse<OffsetCommitResponse>(Single("OffsetCommit-v*-response.bin"), out _);

        Assert.Equal(GroupId, fetch.GroupId);
        Assert.Contains(fetch.Topics!, t => t.Name == "golden-none");
        Assert.All(fetched.Topics.SelectMany(t => t.Partitions), p => Assert.Equal(-1, p.CommittedOffset));
        Assert.Equal(GroupId, commit.GroupId);
        OffsetCommitRequest.OffsetCommitRequestTopic none = Assert.Single(commit.Topics, t => t.Name == "golden-none");
        Assert.Equal(RecordsPerBatch, Assert.Single(none.Partitions, p => p.PartitionIndex == 0).CommittedOffset);
        Assert.All(committed.Topics.SelectMany(t => t.Partitions), p => Assert.Equal(0, p.ErrorCode));
    }

    [Fact]
    public void Transaction_frames_carry_the_producer_id_of_the_transactional_batch()
    {
        long producerId = ReadBatchJson("transactional.json").GetProperty("producerId").GetInt64();
        InitProducerIdRequest init = ReadRequest<InitProducerIdRequest>(Single("InitProducerId-v*-request.bin"), out _);
        InitProducerIdResponse initialised =
            ReadResponse<InitProducerIdResponse>(Single("InitProducerId-v*-response.bin"), out _);
        AddPartitionsToTxnRequest add =
            ReadRequest<AddPartitionsToTxnRequest>(Single("AddPartitionsToTxn-v*-request.bin"), out _);
        AddOffsetsToTxnRequest offsets =
            ReadRequest<AddOffsetsToTxnRequest>(Single("AddOffsetsToTxn-v*-request.bin"), out _);
        TxnOffsetCommitRequest txnCommit =
            ReadRequest<TxnOffsetCommitRequest>(Single("TxnOffsetCommit-v*-request.bin"), out _);
        EndTxnRequest end = ReadRequest<EndTxnRequest>(Single("EndTxn-v*-request.bin"), out _);

        Assert.Equal(TransactionalId, init.TransactionalId);
        Assert.Equal(0, initialised.ErrorCode);
        Assert.Equal(producerId, initialised.ProducerId);
        Assert.Equal((TransactionalId, producerId), (add.V3AndBelowTransactionalId, add.V3AndBelowProducerId));
        AddPartitionsToTxnRequest.AddPartitionsToTxnTopic topic = Assert.Single(add.V3AndBelowTopics);
        Assert.Equal(("golden-txn", 0), (topic.Name, Assert.Single(topic.Partitions)));
        Assert.Equal((TransactionalId, producerId, GroupId), (offsets.TransactionalId, offsets.ProducerId,
            offsets.GroupId));
        Assert.Equal((GroupId, producerId), (txnCommit.GroupId, txnCommit.ProducerId));
        TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition partition =
            Assert.Single(Assert.Single(txnCommit.Topics, t => t.Name == "golden-none").Partitions);
        Assert.Equal(RecordsPerBatch, partition.CommittedOffset);
        Assert.Equal((TransactionalId, producerId, true), (end.TransactionalId, end.ProducerId, end.Committed));
    }

    private static string FramesDirectory => Path.Combine(GoldenDirectory, "frames");

    private static IEnumerable<string> FrameFiles() =>
        Directory.GetFiles(FramesDirectory, "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private static string Single(string pattern) =>
        Path.GetFileName(Assert.Single(Directory.GetFiles(FramesDirectory, pattern)));

    private static byte[] ReadBatch(string name) => File.ReadAllBytes(Path.Combine(GoldenDirectory, "batches", name));

    private static JsonElement ReadBatchJson(string name) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenDirectory, "batches", name))).RootElement.Clone();

    private static (IKafkaMessage Header, short HeaderVersion, IKafkaMessage Body) Decode(GoldenFrame frame,
        ReadOnlySequence<byte> input)
    {
        var reader = new KafkaReader(input);
        IKafkaMessage header;
        short headerVersion;
        IKafkaMessage body;
        if (frame.IsRequest)
        {
            RequestHeader requestHeader = HeaderVersions.ReadRequestHeader(ref reader, out headerVersion);
            Assert.Equal((short)frame.Api.Key, requestHeader.RequestApiKey);
            Assert.Equal(frame.Version, requestHeader.RequestApiVersion);
            header = requestHeader;
            body = frame.Api.ReadRequest(ref reader, frame.Version);
        }
        else
        {
            headerVersion = HeaderVersions.Response(frame.Api.Key, frame.Version);
            header = ResponseHeader.Read(ref reader, headerVersion);
            body = frame.Api.ReadResponse(ref reader, frame.Version);
        }
        Assert.Equal(frame.TrailingBytes, reader.Remaining);
        return (header, headerVersion, body);
    }

    private static byte[] Encode(IKafkaMessage header, short headerVersion, IKafkaMessage body, short version)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static T ReadRequest<T>(string file, out RequestHeader header)
        where T : IKafkaMessage<T>
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        Assert.True(frame.IsRequest, file);
        var reader = new KafkaReader(frame.Bytes);
        header = HeaderVersions.ReadRequestHeader(ref reader, out _);
        T body = T.Read(ref reader, frame.Version);
        Assert.Equal(frame.TrailingBytes, reader.Remaining);
        return body;
    }

    private static T ReadResponse<T>(string file, out ResponseHeader header)
        where T : IKafkaMessage<T>
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        Assert.False(frame.IsRequest, file);
        var reader = new KafkaReader(frame.Bytes);
        header = ResponseHeader.Read(ref reader, HeaderVersions.Response(frame.Api.Key, frame.Version));
        T body = T.Read(ref reader, frame.Version);
        Assert.Equal(frame.TrailingBytes, reader.Remaining);
        return body;
    }

    [GeneratedRegex(@"^(?<api>[A-Za-z]+)-v(?<version>\d+)-(?<kind>request|response)(-(?<label>[a-z0-9]+))?\.bin$")]
    private static partial Regex FrameFileName();

    /// <summary>A frame file, named <c>&lt;Api&gt;-v&lt;version&gt;-request|response[-label].bin</c>.</summary>
    private sealed record GoldenFrame(string FileName, ApiMessageInfo Api, short Version, bool IsRequest, byte[] Bytes)
    {
        public int TrailingBytes => MockTrailingBytes.GetValueOrDefault(FileName);

        /// <summary>The header and body: the frame without any bytes the mock added after the body.</summary>
        public byte[] Message => Bytes[..^TrailingBytes];

        public static GoldenFrame Load(string fileName)
        {
            Match name = FrameFileName().Match(fileName);
            Assert.True(name.Success, $"{fileName} does not follow <Api>-v<version>-request|response[-label].bin");
            ApiMessageInfo api = Assert.Single(ApiMessages.All, a => a.Name == name.Groups["api"].Value);
            short version = short.Parse(name.Groups["version"].Value, CultureInfo.InvariantCulture);
            Assert.True(api.IsValidVersion(version), $"{fileName}: {api.Name} has no version {version}");
            return new GoldenFrame(fileName, api, version, name.Groups["kind"].Value == "request",
                File.ReadAllBytes(Path.Combine(FramesDirectory, fileName)));
        }
    }
}
