using System.Reflection;
using System.Text;
using Confluent.Kafka;

namespace Samsa.GoldenCapture;

/// <summary>
/// Captures golden Kafka frames: starts librdkafka's mock cluster, puts a recording proxy in front of it, drives
/// real Confluent.Kafka clients through the proxy and writes what crossed the wire. Usage:
/// <c>dotnet run --project tools/Samsa.GoldenCapture -- tests/Samsa.Protocol.Tests/Golden</c>.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync("usage: Samsa.GoldenCapture <output directory>");
            return 2;
        }
        string output = Path.GetFullPath(args[0]);

        // The client calls below all have deadlines; this is the backstop if librdkafka blocks anyway.
        await using var watchdog = new Timer(static _ =>
        {
            Console.Error.WriteLine("golden-capture: did not finish in time; nothing written");
            Environment.Exit(3);
        }, null, Budget, Timeout.InfiniteTimeSpan);

        IReadOnlyList<FrameExchange>? exchanges = await CaptureAsync();
        if (exchanges is null)
        {
            return 1;
        }
        Log.Info($"captured {exchanges.Count} requests, {exchanges.Count(e => e.Response is not null)} answered");
        Publish(exchanges, Describe(exchanges), output);
        Log.Info($"wrote {output}");
        return 0;
    }

    /// <summary>Runs the client scenarios through the recording proxy; null when a client failed (said on
    /// stderr).</summary>
    private static async Task<IReadOnlyList<FrameExchange>?> CaptureAsync()
    {
        using MockCluster mock = MockCluster.Start(TimeSpan.FromSeconds(10));
        Log.Info($"mock broker at {mock.Host}:{mock.Port}");
        await using var proxy = new RecordingProxy(mock.Host, mock.Port);
        proxy.Start();
        Log.Info($"proxy at {proxy.BootstrapServers}");

        var scenarios = new ClientScenarios(proxy);
        try
        {
            scenarios.RunAdmin();
            await scenarios.RunProducersAsync();
            await scenarios.RunConsumerAsync();
        }
        catch (Exception ex) when (ex is KafkaException or TimeoutException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"golden-capture: a client failed, nothing written: {ex}");
            return null;
        }
        await proxy.StopAsync(TimeSpan.FromSeconds(5));
        return proxy.Exchanges;
    }

    /// <summary>The README's account of the run: client versions, what the mock serves, topic names by id.</summary>
    private static ReadmeWriter Describe(IReadOnlyList<FrameExchange> exchanges)
    {
        var readme = new ReadmeWriter
        {
            ConfluentKafkaVersion = typeof(IProducer<,>).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?",
            LibrdkafkaVersion = Library.VersionString,
            MockApiVersions = DescribeMockApis(exchanges),
        };
        AddMockNotes(readme, exchanges);
        foreach (FrameExchange e in exchanges.Where(e => e.ApiKey == ApiCatalog.Metadata && e.Response is not null))
        {
            foreach ((string? name, string id) in FrameParsers.MetadataTopics(e.Response!, e.ApiVersion))
            {
                if (name is not null && id.Length > 0)
                {
                    readme.TopicNames[id] = name;
                }
            }
        }
        return readme;
    }

    private static void Publish(IReadOnlyList<FrameExchange> exchanges, ReadmeWriter readme, string output)
    {
        // Staged beside the output (same file system, so the final moves are renames) and removed in any case.
        string staging = Path.Combine(output, $".capture-{Environment.ProcessId}");
        try
        {
            var writer = new GoldenWriter(staging, readme);
            writer.Write(exchanges);
            writer.WriteReadme();
            writer.Publish(output);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string DescribeMockApis(IReadOnlyList<FrameExchange> exchanges)
    {
        foreach (FrameExchange e in exchanges.Where(e => e.ApiKey == ApiCatalog.ApiVersions && e.Response is not null))
        {
            if (FrameParsers.ApiVersionsErrorCode(e.Response!) != 0)
            {
                continue;
            }
            (_, List<(short Key, short Min, short Max)> apis) = FrameParsers.ApiVersions(e.Response!, e.ApiVersion);
            var text = new StringBuilder("| api (key) | versions |\n|---|---|\n");
            foreach ((short key, short min, short max) in apis.OrderBy(a => a.Key))
            {
                text.Append($"| {ApiCatalog.Name(key)} ({key}) | {min}-{max} |\n");
            }
            return text.ToString();
        }
        return "(no successful ApiVersions response was captured)\n";
    }

    private static void AddMockNotes(ReadmeWriter readme, IReadOnlyList<FrameExchange> exchanges)
    {
        FrameExchange? refused = exchanges.FirstOrDefault(e => e.ApiKey == ApiCatalog.ApiVersions &&
            e.Response is not null && FrameParsers.ApiVersionsErrorCode(e.Response) != 0);
        if (refused is not null)
        {
            short retry = exchanges.Where(e => e.ConnectionId == refused.ConnectionId &&
                e.ApiKey == ApiCatalog.ApiVersions && e.Sequence > refused.Sequence)
                .Select(e => e.ApiVersion).FirstOrDefault((short)-1);
            readme.AddNote($"Every client opens with ApiVersions v{refused.ApiVersion}, which the mock does not " +
                $"serve. It answers UNSUPPORTED_VERSION ({FrameParsers.ApiVersionsErrorCode(refused.Response!)}) " +
                $"in a body that fits no schema, `{Convert.ToHexString(refused.Response!)}` (a flexible layout " +
                "whose compact array length is the count instead of count + 1; Kafka answers with a v0 body), " +
                $"and the client retries with v{retry}. So `ApiVersions-v{refused.ApiVersion}-request.bin` has no " +
                "response file, and no flexible ApiVersions response was captured.");
        }
        FrameExchange? served = exchanges.FirstOrDefault(e => e.ApiKey == ApiCatalog.ApiVersions &&
            e.Response is not null && FrameParsers.ApiVersionsErrorCode(e.Response) == 0);
        if (served is not null)
        {
            IEnumerable<string> clamped = FrameParsers.ApiVersions(served.Response!, served.ApiVersion).Apis
                .Where(a => a.Max > ApiCatalog.MaxVersion(a.Key) && ApiCatalog.MaxVersion(a.Key) >= a.Min)
                .Select(a => $"{ApiCatalog.Name(a.Key)} {a.Max} to {ApiCatalog.MaxVersion(a.Key)}");
            readme.AddNote("The proxy lowers max versions in the ApiVersions answers it forwards to what " +
                "`protocol/messages` defines, so clients use versions Samsa's codec knows: " +
                $"{string.Join(", ", clamped.DefaultIfEmpty("nothing needed lowering in this run"))}. " +
                "The stored ApiVersions responses are the mock's, unlowered.");
        }
        readme.AddNote("librdkafka uses non-flexible versions of the classic group APIs (FindCoordinator, " +
            "JoinGroup, SyncGroup, Heartbeat, LeaveGroup: see the table) although the mock serves flexible ones, " +
            "and the mock serves AddPartitionsToTxn, AddOffsetsToTxn and EndTxn only at v0-1. Flexible versions " +
            "of those APIs are not covered here.");
        readme.AddNote("The mock's ListOffsets answers -1 for a lookup by timestamp (only earliest and latest are " +
            "implemented), so the ListOffsets frames hold an earliest lookup.");
        readme.AddNote("Not served by the mock, so not captured: CreateTopics, DeleteTopics, DescribeConfigs, " +
            "DescribeGroups, ListGroups, DeleteGroups, DescribeCluster, SaslHandshake, SaslAuthenticate and the " +
            "other admin APIs. Topics come from auto-creation (4 partitions) on Metadata and Produce. " +
            "PushTelemetry is served but the clients' push interval is longer than the run.");
        readme.AddNote("One broker and no replication: the mock answers acks=all produces at once.");
    }
}
