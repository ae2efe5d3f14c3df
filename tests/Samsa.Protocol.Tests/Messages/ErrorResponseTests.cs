using System.Collections;
using Samsa.ProtocolGen;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// For every request at every version: the error response of a request with every field set can be written at that
/// version and read back, every error code in it is the error, and every topic, partition, resource, group or key
/// the request names appears in it, except where Kafka's answer names less (<see cref="NamesLess"/>).
/// </summary>
public sealed class ErrorResponseTests
{
    private const ErrorCode Error = ErrorCode.UnsupportedVersion;

    /// <summary>Request arrays that list what the request is about.</summary>
    private static readonly HashSet<string> NamingArrays =
    [
        "Topics", "TopicData", "TopicNames", "Partitions", "PartitionData", "PartitionIndexes", "Resources", "Groups",
        "GroupIds", "GroupsNames", "CoordinatorKeys", "TransactionalIds", "Markers", "Creations", "Filters", "Entries",
        "Entity", "Users", "Deletions", "Upsertions", "Dirs", "TopicPartitions", "V3AndBelowTopics", "Transactions",
        "TopicStates", "PartitionStates", "UngroupedPartitionStates", "UngroupedPartitions", "FeatureUpdates",
    ];

    /// <summary>Fields of those arrays' elements that say which topic, partition, resource or group one is.</summary>
    private static readonly HashSet<string> NamingFields =
    [
        "Name", "Topic", "TopicName", "TopicId", "PartitionIndex", "Partition", "PartitionId", "Index", "ResourceName",
        "GroupId", "Key", "TransactionalId", "EntityType", "EntityName",
    ];

    /// <summary>
    /// APIs whose error response does not name everything the request names, from a version on: first where Kafka's
    /// does not either, then APIs Samsa does not serve whose Kafka answer the generated rules do not give yet.
    /// </summary>
    private static readonly Dictionary<string, (short From, string Why)> NamesLess = new(StringComparer.Ordinal)
    {
        ["Fetch"] = (13, "from v13 Kafka answers with the top-level error code alone"),
        ["OffsetFetch"] = (2, "v2-7 answer with the top-level error code alone, v8+ with each group's and no topics"),
        ["OffsetDelete"] = (0, "Kafka answers with the top-level error code alone"),
        ["DescribeLogDirs"] = (0, "the response lists log directories, not the requested partitions"),
        ["AddPartitionsToTxn"] = (4, "from v4 Kafka answers with the top-level error code alone"),
        ["ConsumerGroupHeartbeat"] = (0, "Kafka answers with the top-level error code; owned partitions go unnamed"),
        ["UpdateMetadata"] = (0, "the response has a top-level error code only"),
        ["CreateAcls"] = (0, "Kafka answers one result per creation, by position, naming nothing"),
        ["DescribeUserScramCredentials"] = (0, "Kafka answers one result per user, by position, naming nothing"),
        ["ListPartitionReassignments"] =
            (0, "not served: Kafka names the topics, without error codes, which the rules do not mirror"),
        ["LeaderAndIsr"] =
            (0, "not served (ZooKeeper-era): Kafka answers by partition under arrays the rules do not pair"),
        ["StopReplica"] = (0, "not served (ZooKeeper-era): Kafka flattens partitions across topics"),
    };

    public static TheoryData<string> Requests()
    {
        var data = new TheoryData<string>();
        string[] files = Directory.GetFiles(Definitions_.MessagesFolder, "*Request.json");
        foreach (string file in files.Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Error_response_carries_the_error_for_all_the_request_names(string name)
    {
        MessageSpec request = SchemaReader.Read(Path.Combine(Definitions_.MessagesFolder, name + ".json"));
        MessageSpec response = SchemaReader.Read(Path.Combine(Definitions_.MessagesFolder,
            name[..^"Request".Length] + "Response.json"));
        Type requestType = TypeOf(request);
        Type responseType = TypeOf(response);
        string api = ApiKeyEmitter.KeyName(request);
        var random = new Random(name.Length);
        for (short version = request.ValidVersions.Lowest; version <= request.ValidVersions.Highest; version++)
        {
            string label = $"{api} v{version}";
            var filled = (IKafkaRequest)new MessageFiller(request, random, version, useNulls: false)
                .Fill(requestType, request.Fields);
            IKafkaMessage answer = filled.ErrorResponse(version, Error);
            Assert.IsType(responseType, answer);
            byte[] written = MessageRoundTripTests.Write(answer, version);
            IKafkaMessage read = MessageRoundTripTests.Read(responseType, written, version);
            Assert.True(answer.Equals(read), $"{label}: the error response does not read back as written");

            var codes = new List<short>();
            var answered = new HashSet<object>();
            Walk(response, response.Fields, read, version, codes, answered);
            Assert.True(codes.TrueForAll(c => c == (short)Error), $"{label}: error codes {string.Join(", ", codes)}");
            bool namesLess = NamesLess.TryGetValue(api, out (short From, string Why) less) && version >= less.From;
            Assert.True(codes.Count > 0 || namesLess, $"{label}: the error is nowhere in the response");
            if (namesLess) continue;

            var named = new List<object>();
            CollectNames(request, request.Fields, filled, version, inNamingArray: false, named);
            foreach (object value in named)
                Assert.True(answered.Contains(value), $"{label}: the request names {value}, the response does not");
        }
    }

    [Fact]
    public void Every_api_that_names_less_exists()
    {
        var apis = new HashSet<string>(ApiMessages.All.Select(a => a.Name), StringComparer.Ordinal);
        foreach (string api in NamesLess.Keys) Assert.Contains(api, apis);
    }

    private static Type TypeOf(MessageSpec spec) =>
        typeof(ApiKey).Assembly.GetType($"{Generator.MessagesNamespace}.{spec.Name}")
        ?? throw new InvalidOperationException($"no generated type for {spec.Name}");

    private static bool Present(FieldSpec f, short version) =>
        f.Versions.Contains(version) && (!f.IsTagged || f.TaggedVersions.Contains(version));

    private static object? ValueOf(object instance, FieldSpec f) =>
        instance.GetType().GetProperty(f.Name)!.GetValue(instance);

    /// <summary>Collects the error codes and every primitive value of a response, as present at the version.</summary>
    private static void Walk(MessageSpec spec, List<FieldSpec> fields, object instance, short version,
        List<short> codes, HashSet<object> values)
    {
        foreach (FieldSpec f in fields)
        {
            if (!Present(f, version) || ValueOf(instance, f) is not { } value) continue;
            if (f.Name is "ErrorCode" or "PartitionErrorCode") codes.Add((short)value);
            if (f.Type.IsArray)
            {
                foreach (object? item in (IList)value)
                {
                    if (f.Type.Element!.IsStruct)
                        Walk(spec, spec.Structs[f.Type.Element.Name].Fields, item!, version, codes, values);
                    else if (item is not null)
                        values.Add(item);
                }
            }
            else if (f.Type.IsStruct)
            {
                Walk(spec, spec.Structs[f.Type.Name].Fields, value, version, codes, values);
            }
            else
            {
                values.Add(value);
            }
        }
    }

    /// <summary>Collects what a request names: the identity fields of the elements of its naming arrays.</summary>
    private static void CollectNames(MessageSpec spec, List<FieldSpec> fields, object instance, short version,
        bool inNamingArray, List<object> names)
    {
        foreach (FieldSpec f in fields)
        {
            if (!Present(f, version) || ValueOf(instance, f) is not { } value) continue;
            if (f.Type.IsArray)
            {
                if (!NamingArrays.Contains(f.Name)) continue;
                foreach (object? item in (IList)value)
                {
                    if (f.Type.Element!.IsStruct)
                        CollectNames(spec, spec.Structs[f.Type.Element.Name].Fields, item!, version, true, names);
                    else if (item is not null)
                        names.Add(item);
                }
            }
            else if (inNamingArray && f.Type.IsPrimitive && NamingFields.Contains(f.Name))
            {
                names.Add(value);
            }
        }
    }
}
