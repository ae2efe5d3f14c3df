using System.Globalization;
using System.Text;

namespace Samsa.GoldenCapture;

/// <summary>Builds Golden/README.md: how the files were made and what each one holds.</summary>
internal sealed class ReadmeWriter
{
    /// <summary>What the request and the response of each API carry, in a few words.</summary>
    private static readonly Dictionary<string, string> Contents = new()
    {
        ["Produce"] = "request: transactional id (null but for the transactional producer), acks=-1, timeout, " +
            "one topic/partition with a record batch; " +
            "response: per-partition error code, base offset, log append time, log start offset",
        ["Fetch"] = "request: max wait, min/max bytes, isolation level, fetch session, topics by id with fetch " +
            "offsets; response: per-partition error, high watermark, last stable offset, log start offset, " +
            "aborted transactions, record batches",
        ["ListOffsets"] = "request: isolation level, topic partitions with a timestamp (-2 earliest, -1 latest, or a " +
            "time); response: offset and timestamp per partition",
        ["Metadata"] = "request: topics (null for all) and auto-create flag; response: brokers (node id, host, port, " +
            "rack), cluster id, controller id, topics with ids, partitions, leaders, replicas, ISR",
        ["OffsetCommit"] = "request: group id, generation, member id, offsets per partition; response: error codes",
        ["OffsetFetch"] = "request: group id and partitions; response: committed offsets (-1 when none)",
        ["FindCoordinator"] = "request: coordinator key (group or transactional id) and key type; response: " +
            "coordinator node id, host, port",
        ["JoinGroup"] = "request: group id, session and rebalance timeouts, member id, protocol type \"consumer\", " +
            "assignor protocols with subscription metadata; response: generation, leader, member id, members",
        ["Heartbeat"] = "request: group id, generation, member id; response: error code",
        ["LeaveGroup"] = "request: group id and leaving members; response: error codes",
        ["SyncGroup"] = "request: group id, generation, member id, assignments (leader); response: this member's " +
            "assignment",
        ["ApiVersions"] = "request: client software name and version (v3+); response: error code and the supported " +
            "api key ranges",
        ["InitProducerId"] = "request: transactional id and timeout; response: producer id and epoch",
        ["AddPartitionsToTxn"] = "request: transactional id, producer id/epoch, topic partitions; response: errors",
        ["AddOffsetsToTxn"] = "request: transactional id, producer id/epoch, group id; response: error code",
        ["TxnOffsetCommit"] = "request: transactional id, group id, producer id/epoch, offsets; response: errors",
        ["EndTxn"] = "request: transactional id, producer id/epoch, committed=true; response: error code",
        ["GetTelemetrySubscriptions"] = "request: client instance id; response: subscription id, metrics, push " +
            "interval",
        ["PushTelemetry"] = "request: client instance id, subscription id, compressed metrics; response: error code",
    };

    private readonly List<string> _frameRows = [];
    private readonly List<string> _batchRows = [];
    private readonly List<string> _notes = [];

    public string ConfluentKafkaVersion { get; init; } = "";

    public string LibrdkafkaVersion { get; init; } = "";

    public string MockApiVersions { get; set; } = "";

    /// <summary>Topic names by topic id (hex), from the Metadata responses, to label Fetch partitions.</summary>
    public Dictionary<string, string> TopicNames { get; } = [];

    public void AddNote(string note) => _notes.Add(note);

    private string TopicName(string topicOrId) => TopicNames.GetValueOrDefault(topicOrId, topicOrId);

    public void AddFrame(FrameExchange exchange, string requestFile, string? responseFile)
    {
        string contents = Contents.GetValueOrDefault(exchange.ApiName, "");
        if (responseFile is null)
        {
            contents += ". No response file: see Mock cluster limits";
        }
        if (exchange.ResponseRewrite is not null)
        {
            contents += $". The proxy rewrote {exchange.ResponseRewrite} in the copy it passed on; the file holds " +
                "the mock's original bytes";
        }
        if (exchange.ApiKey == ApiCatalog.Fetch && exchange.Response is not null)
        {
            IEnumerable<string> withRecords = FrameParsers.FetchRecords(exchange.Response, exchange.ApiVersion)
                .Where(s => s.Length > 0)
                .Select(s => $"{TopicName(s.Topic)}-{s.Partition} ({s.Length} bytes, high watermark " +
                    $"{s.HighWatermark})");
            contents += ". Records in: " + string.Join(", ", withRecords);
        }
        if (exchange.ApiKey == ApiCatalog.Metadata && responseFile is not null)
        {
            IEnumerable<string?> topics = FrameParsers.MetadataTopics(exchange.Response!, exchange.ApiVersion,
                out int trailing).Select(t => t.Name);
            contents += ". Topics: " + string.Join(", ", topics);
            if (trailing > 0)
            {
                string extra = Convert.ToHexString(exchange.Response!.AsSpan(exchange.Response!.Length - trailing));
                contents += $". **The response ends with {trailing} byte(s) after its body** (see Mock cluster limits)";
                AddNote($"The mock's Metadata response `{responseFile}` ends with {trailing} byte(s) (`{extra}`) " +
                    "after the body's tagged-field section, which the schema does not have; librdkafka ignores " +
                    "them. The file keeps them: a decoder reads the body and leaves them unread, and re-encoding " +
                    "gives the frame without them.");
            }
        }
        string header = $"{ApiCatalog.RequestHeaderVersion(exchange.ApiKey, exchange.ApiVersion)}/" +
            $"{ApiCatalog.ResponseHeaderVersion(exchange.ApiKey, exchange.ApiVersion)}";
        _frameRows.Add($"| {exchange.ApiName} ({exchange.ApiKey}) | {exchange.ApiVersion} | {header} | " +
            $"`{requestFile}` | {(responseFile is null ? "none" : $"`{responseFile}`")} | " +
            $"`{exchange.ClientId}` | {contents} |");
    }

    public void AddProducedBatch(string label, string frameName, RecordsSlice slice, RecordBatchHeader header)
    {
        string what = label == ClientScenarios.TransactionalLabel
            ? "the transactional producer's batch (uncompressed, producer id and epoch set, transactional bit)"
            : $"compression {label}";
        _batchRows.Add($"| `{label}.bin`, `{label}.json` | `{frameName}` | {slice.Topic}-{slice.Partition} | " +
            $"{header.RecordCount} | {slice.Length} | {what}; records field of the Produce request |");
    }

    public void AddFetchedBatch(string name, FrameExchange fetch, RecordBatchHeader header, bool sameAsProduced)
    {
        string what = header.IsControl
            ? "control batch (transaction commit marker) written by the mock"
            : sameAsProduced
                ? "byte-identical to the batch the producer sent"
                : "differs from the produced batch (base offset or leader epoch stamped by the mock)";
        _batchRows.Add($"| `{name}` | Fetch v{fetch.ApiVersion} response (correlation id " +
            $"{fetch.CorrelationId.ToString(CultureInfo.InvariantCulture)}) | base offset {header.BaseOffset} | " +
            $"{header.RecordCount} | {header.BatchLength + 12} | {what} |");
    }

    public string Build()
    {
        var text = new StringBuilder();
        AppendHowTheyWereMade(text);
        text.Append("""
            ## Frame files (`frames/`)

            Each file is one frame without its 4-byte size prefix: request header and body, or response header and
            body. One request/response pair per api and version, the first seen (for Fetch, the first whose response
            carries records; for Metadata, the first whose response lists a topic), plus every Produce request named
            by its producer. Header versions: request header v2 for flexible versions, v1 otherwise; response header
            v1 for flexible versions, except ApiVersions responses, always v0.

            | api (key) | version | headers (req/resp) | request | response | client id | contents |
            |---|---|---|---|---|---|---|

            """);
        foreach (string row in _frameRows)
        {
            text.Append(row).Append('\n');
        }
        text.Append("""

            ## Record batches (`batches/`)

            Whole v2 record batches: `<label>.bin` is the `records` field of that producer's Produce request (exactly
            one batch), `<label>.json` the records it holds (`key`/`value` are null, `{"utf8": …}` or
            `{"base64": …}`; `offsetDelta` and absolute `timestamp` per record). `fetch-*.bin` are batches cut out of
            the mock's Fetch responses, named by codec and by the transactional and control bits.

            | file | from | where | records | bytes | contents |
            |---|---|---|---|---|---|

            """);
        foreach (string row in _batchRows)
        {
            text.Append(row).Append('\n');
        }
        text.Append("""

            ## Mock cluster limits

            The mock is not a full broker. It answered ApiVersions with these ranges:


            """);
        text.Append(MockApiVersions).Append('\n');
        foreach (string note in _notes)
        {
            text.Append("\n- ").Append(note);
        }
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>The title, how to regenerate, and how the clients, the mock and the proxy made the files.</summary>
    private void AppendHowTheyWereMade(StringBuilder text) => text.Append(CultureInfo.InvariantCulture, $"""
            # Golden frames

            Bytes of real Kafka client traffic, for the codec tests in `GoldenFrameTests.cs`. Generated by
            `tools/Samsa.GoldenCapture`; do not edit by hand. Regenerate from the repository root with

                dotnet run --project tools/Samsa.GoldenCapture -- tests/Samsa.Protocol.Tests/Golden

            It finishes in well under a minute and replaces `frames/`, `batches/` and this README; a run that fails
            stops with an error and leaves them as they were. A new run gives different bytes where
            the mock makes up values (member ids, topic ids, cluster id, producer ids); records and layouts stay.

            ## How they were made

            - **Client:** Confluent.Kafka {ConfluentKafkaVersion} with librdkafka {LibrdkafkaVersion}, in-process.
            - **Broker:** librdkafka's mock cluster (`test.mock.num.brokers=1`), started by an admin client that is not
              recorded; it listens on a loopback TCP port and auto-creates topics with 4 partitions.
            - **Proxy:** a recording TCP proxy on 127.0.0.1 (OS-chosen port) in front of the mock broker. The clients
              bootstrap from the proxy. It cuts each direction into frames (int32 big-endian size, then header and
              body), records every request and pairs it with the response carrying its correlation id. The mock
              advertises its own port in Metadata and FindCoordinator responses, so the proxy replaces that port
              (the int32 after the host string, same length) with its own in what it forwards: every later
              connection comes through the proxy too. Files hold the frames as the client sent them and as the mock
              answered them, before any rewrite.
            - **Clients, in order:** an admin client (`golden-admin`: ApiVersions, Metadata); one producer per
              compression codec (`golden-producer-<codec>`: acks=all, linger 200 ms, idempotence off), each sending
              the same five records to partition 0 of `golden-<codec>` in one batch; a consumer in group
              `golden-group` (`golden-consumer`: group.protocol=classic, read_committed, manual commit) subscribed
              to all those topics and `golden-txn`, which consumes everything, commits, queries watermarks and
              offsets for a time; while it is in the group, a transactional producer (`golden-producer-transactional`)
              writes two records to `golden-txn` and commits them with the consumer's offsets; the consumer reads
              them and leaves the group.
            - **The five records** (`batches/<codec>.json`): text key and JSON value with a header; a 192-byte
              compressible value; a null value (tombstone) with a header; a null key with three headers, one with an
              empty value and one with a null value; key `bin` with a binary value (bytes 0 to 255) with a binary
              header. Create times are fixed: 1700000000000, +1, +2, +3 and +10 ms.


            """);
}
