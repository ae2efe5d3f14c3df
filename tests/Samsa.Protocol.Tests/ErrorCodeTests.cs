using System.Text;

namespace Samsa.Protocol.Tests;

public sealed class ErrorCodeTests
{
    // Written out independently of the table in ErrorCode.cs: the codes whose Kafka exception extends
    // RetriableException. Any other code is not retriable.
    private static readonly HashSet<ErrorCode> Retriable =
    [
        ErrorCode.CorruptMessage,
        ErrorCode.UnknownTopicOrPartition,
        ErrorCode.LeaderNotAvailable,
        ErrorCode.NotLeaderOrFollower,
        ErrorCode.RequestTimedOut,
        ErrorCode.ReplicaNotAvailable,
        ErrorCode.NetworkException,
        ErrorCode.CoordinatorLoadInProgress,
        ErrorCode.CoordinatorNotAvailable,
        ErrorCode.NotCoordinator,
        ErrorCode.NotEnoughReplicas,
        ErrorCode.NotEnoughReplicasAfterAppend,
        ErrorCode.NotController,
        ErrorCode.ConcurrentTransactions,
        ErrorCode.KafkaStorageError,
        ErrorCode.FetchSessionIdNotFound,
        ErrorCode.InvalidFetchSessionEpoch,
        ErrorCode.ListenerNotFound,
        ErrorCode.FencedLeaderEpoch,
        ErrorCode.UnknownLeaderEpoch,
        ErrorCode.OffsetNotAvailable,
        ErrorCode.PreferredLeaderNotAvailable,
        ErrorCode.EligibleLeadersNotAvailable,
        ErrorCode.ElectionNotNeeded,
        ErrorCode.UnstableOffsetCommit,
        ErrorCode.ThrottlingQuotaExceeded,
        ErrorCode.UnknownTopicId,
        ErrorCode.InconsistentTopicId,
        ErrorCode.FetchSessionTopicIdError,
        ErrorCode.ShareSessionNotFound,
        ErrorCode.InvalidShareSessionEpoch,
        ErrorCode.ShareSessionLimitReached,
    ];

    [Theory]
    [InlineData(ErrorCode.UnknownServerError, -1, false, "UNKNOWN_SERVER_ERROR")]
    [InlineData(ErrorCode.None, 0, false, "NONE")]
    [InlineData(ErrorCode.OffsetOutOfRange, 1, false, "OFFSET_OUT_OF_RANGE")]
    [InlineData(ErrorCode.CorruptMessage, 2, true, "CORRUPT_MESSAGE")]
    [InlineData(ErrorCode.UnknownTopicOrPartition, 3, true, "UNKNOWN_TOPIC_OR_PARTITION")]
    [InlineData(ErrorCode.NotLeaderOrFollower, 6, true, "NOT_LEADER_OR_FOLLOWER")]
    [InlineData(ErrorCode.RequestTimedOut, 7, true, "REQUEST_TIMED_OUT")]
    [InlineData(ErrorCode.MessageTooLarge, 10, false, "MESSAGE_TOO_LARGE")]
    [InlineData(ErrorCode.NotCoordinator, 16, true, "NOT_COORDINATOR")]
    [InlineData(ErrorCode.InvalidTopicException, 17, false, "INVALID_TOPIC_EXCEPTION")]
    [InlineData(ErrorCode.NotEnoughReplicas, 19, true, "NOT_ENOUGH_REPLICAS")]
    [InlineData(ErrorCode.NotEnoughReplicasAfterAppend, 20, true, "NOT_ENOUGH_REPLICAS_AFTER_APPEND")]
    [InlineData(ErrorCode.RebalanceInProgress, 27, false, "REBALANCE_IN_PROGRESS")]
    [InlineData(ErrorCode.TopicAuthorizationFailed, 29, false, "TOPIC_AUTHORIZATION_FAILED")]
    [InlineData(ErrorCode.UnsupportedVersion, 35, false, "UNSUPPORTED_VERSION")]
    [InlineData(ErrorCode.TopicAlreadyExists, 36, false, "TOPIC_ALREADY_EXISTS")]
    [InlineData(ErrorCode.InvalidRequest, 42, false, "INVALID_REQUEST")]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber, 45, false, "OUT_OF_ORDER_SEQUENCE_NUMBER")]
    [InlineData(ErrorCode.DuplicateSequenceNumber, 46, false, "DUPLICATE_SEQUENCE_NUMBER")]
    [InlineData(ErrorCode.InvalidProducerEpoch, 47, false, "INVALID_PRODUCER_EPOCH")]
    [InlineData(ErrorCode.ConcurrentTransactions, 51, true, "CONCURRENT_TRANSACTIONS")]
    [InlineData(ErrorCode.KafkaStorageError, 56, true, "KAFKA_STORAGE_ERROR")]
    [InlineData(ErrorCode.UnknownProducerId, 59, false, "UNKNOWN_PRODUCER_ID")]
    [InlineData(ErrorCode.FencedLeaderEpoch, 74, true, "FENCED_LEADER_EPOCH")]
    [InlineData(ErrorCode.UnknownTopicId, 100, true, "UNKNOWN_TOPIC_ID")]
    [InlineData(ErrorCode.StaleMemberEpoch, 113, false, "STALE_MEMBER_EPOCH")]
    [InlineData(ErrorCode.InvalidRegularExpression, 128, false, "INVALID_REGULAR_EXPRESSION")]
    [InlineData(ErrorCode.RebootstrapRequired, 129, false, "REBOOTSTRAP_REQUIRED")]
    [InlineData(ErrorCode.ShareSessionLimitReached, 133, true, "SHARE_SESSION_LIMIT_REACHED")]
    public void Known_codes_have_kafkas_number_name_and_retriable_flag(
        ErrorCode code, short number, bool retriable, string kafkaName)
    {
        Assert.Equal(number, (short)code);
        Assert.Equal(retriable, code.IsRetriable());
        Assert.Equal(kafkaName, code.KafkaName());
        Assert.True(code.IsKnown());
    }

    [Fact]
    public void Codes_are_unique_and_cover_min_to_max_without_gaps()
    {
        string[] names = Enum.GetNames<ErrorCode>();
        short[] numbers = [.. names.Select(n => (short)Enum.Parse<ErrorCode>(n)).Order()];

        Assert.Equal(numbers.Length, numbers.Distinct().Count());
        Assert.Equal(ErrorCodes.MinCode, numbers[0]);
        Assert.Equal(ErrorCodes.MaxCode, numbers[^1]);
        Assert.Equal(Enumerable.Range(ErrorCodes.MinCode, ErrorCodes.MaxCode - ErrorCodes.MinCode + 1),
            numbers.Select(n => (int)n));
    }

    [Fact]
    public void Every_code_has_a_distinct_kafka_name_matching_its_enum_name()
    {
        ErrorCode[] codes = Enum.GetValues<ErrorCode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (ErrorCode code in codes)
        {
            string kafkaName = code.KafkaName();
            Assert.True(seen.Add(kafkaName), $"{code}: KafkaName {kafkaName} is used twice");
            // The enum names are Kafka's names in PascalCase, so converting back must give the table's name; a
            // misplaced row in the table fails here.
            Assert.Equal(ToUpperSnake(code.ToString()), kafkaName);
        }

        Assert.Equal(codes.Length, seen.Count);
    }

    [Fact]
    public void Every_code_has_a_default_message()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ErrorCode code in Enum.GetValues<ErrorCode>())
        {
            string message = code.Message();
            Assert.False(string.IsNullOrWhiteSpace(message), $"{code} has no message");
            Assert.True(seen.Add(message), $"{code}: message \"{message}\" is used twice");
        }

        Assert.Equal("NONE", ErrorCode.None.Message());
        Assert.Equal("Messages are rejected since there are fewer in-sync replicas than required.",
            ErrorCode.NotEnoughReplicas.Message());
        Assert.Equal("This server does not host this topic-partition.", ErrorCode.UnknownTopicOrPartition.Message());
    }

    [Fact]
    public void Retriable_codes_are_exactly_those_whose_kafka_exception_is_retriable()
    {
        foreach (ErrorCode code in Enum.GetValues<ErrorCode>())
        {
            Assert.True(Retriable.Contains(code) == code.IsRetriable(),
                $"{code} ({(short)code}): expected IsRetriable={Retriable.Contains(code)}");
        }
    }

    [Theory]
    [InlineData((short)-2)]
    [InlineData((short)134)]
    [InlineData(short.MaxValue)]
    [InlineData(short.MinValue)]
    public void Unknown_code_answers_as_unknown_server_error(short number)
    {
        var code = (ErrorCode)number;

        Assert.False(code.IsKnown());
        Assert.False(code.IsRetriable());
        Assert.Equal("UNKNOWN_SERVER_ERROR", code.KafkaName());
        Assert.Equal(ErrorCode.UnknownServerError.Message(), code.Message());
    }

    [Fact]
    public void Lookups_do_not_allocate()
    {
        ErrorCode[] codes = Enum.GetValues<ErrorCode>();
        int sink = 0;
        foreach (ErrorCode code in codes)
        {
            sink += code.KafkaName().Length + code.Message().Length + (code.IsRetriable() ? 1 : 0);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (ErrorCode code in codes)
        {
            sink += code.KafkaName().Length + code.Message().Length + (code.IsRetriable() ? 1 : 0);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sink > 0);
    }

    private static string ToUpperSnake(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }
}
