using System.CommandLine;
using System.Globalization;
using Samsa.LoadGen;

// samsa-loadgen: load for any Kafka bootstrap address, modelled on the OpenMessaging Benchmark.
//   suite: every row of bench/README.md beside the machine's limits (bench/run.sh starts a broker and calls this)
//   run:   one workload from flags
//   idle:  the suite's idle row alone, optionally after the produce row's load
if (!NativeHeap.KeepLargeBlocks())
    Console.Error.WriteLine("(glibc's malloc settings not taken: native buffers are mapped afresh)");

var bootstrap = new Option<string>("--bootstrap") { Description = "host:port of the cluster.", Required = true };
var brokerPid = new Option<int?>("--broker-pid")
{
    Description = "The broker's process id, to sample its CPU and RSS from /proc.",
};

var clusterBootstrap = new Option<string?>("--cluster-bootstrap")
{
    Description = "host:port of a two-broker cluster for the replicated rows (bench/run.sh starts one); without it " +
        "they are skipped.",
};
var killPid = new Option<int?>("--kill-pid")
{
    Description = "The process id of the cluster's node 2, which the failover row SIGKILLs.",
};

var dataDir = new Option<string>("--data-dir")
{
    Description = "A directory on the disk of the broker's logs, where fio measures writes.",
    DefaultValueFactory = _ => Path.GetTempPath(),
};
var resultsDir = new Option<string>("--results")
{
    Description = "Where the table (.md) and raw figures (.json) go.", DefaultValueFactory = _ => "bench/results",
};
var quick = new Option<bool>("--quick")
{
    Description = "2 s warm-up, 8 s windows, 15 s idle, 512 MiB preload: a smoke run.",
};
var noLimits = new Option<bool>("--no-limits") { Description = "Skip iperf3 and fio." };
var noMock = new Option<bool>("--no-mock")
{
    Description = "Skip the reference rows against librdkafka's mock cluster.",
};
var suite = new Command("suite", "Run every benchmark row and print the table.")
{
    bootstrap, brokerPid, clusterBootstrap, killPid, dataDir, resultsDir, quick, noLimits, noMock,
};
suite.SetAction(async (result, cancellationToken) =>
{
    bool isQuick = result.GetValue(quick);
    var options = new SuiteOptions
    {
        Bootstrap = result.GetValue(bootstrap)!,
        BrokerPid = result.GetValue(brokerPid),
        ClusterBootstrap = result.GetValue(clusterBootstrap),
        KillPid = result.GetValue(killPid),
        DataDirectory = result.GetValue(dataDir)!,
        ResultsDirectory = result.GetValue(resultsDir)!,
        MeasureLimits = !result.GetValue(noLimits),
        Mock = !result.GetValue(noMock),
        Warmup = TimeSpan.FromSeconds(isQuick ? 2 : 5),
        Window = TimeSpan.FromSeconds(isQuick ? 8 : 20),
        Idle = TimeSpan.FromSeconds(isQuick ? 15 : 60),
        PreloadBytes = isQuick ? 512L << 20 : 2L << 30,
    };
    return await new Suite(options, Console.Out).RunAsync(cancellationToken);
});

var topic = new Option<string>("--topic") { DefaultValueFactory = _ => "loadgen" };
var partitions = new Option<int>("--partitions") { DefaultValueFactory = _ => 8 };
var producers = new Option<int>("--producers") { DefaultValueFactory = _ => 1 };
var consumers = new Option<int>("--consumers") { DefaultValueFactory = _ => 0 };
var rate = new Option<double>("--rate") { Description = "Messages a second over all producers; 0 for unthrottled." };
var size = new Option<int>("--size") { DefaultValueFactory = _ => 1024 };
var acks = new Option<string>("--acks") { DefaultValueFactory = _ => "1" };
var linger = new Option<double>("--linger-ms") { DefaultValueFactory = _ => 5 };
var batch = new Option<int>("--batch-bytes") { DefaultValueFactory = _ => 1 << 20 };
var idempotence = new Option<bool>("--idempotence");
var maxInFlight = new Option<int?>("--max-in-flight") { Description = "max.in.flight.requests.per.connection." };
var compression = new Option<string>("--compression") { DefaultValueFactory = _ => "none" };
var warmup = new Option<double>("--warmup-s") { DefaultValueFactory = _ => 5 };
var duration = new Option<double>("--duration-s") { DefaultValueFactory = _ => 20 };
var mock = new Option<bool>("--mock") { Description = "Run against librdkafka's mock cluster instead of --bootstrap." };
var runBootstrap = new Option<string>("--bootstrap")
{
    Description = "host:port of the cluster.", DefaultValueFactory = _ => "127.0.0.1:9092",
};
var run = new Command("run", "Run one workload and print what it measured.")
{
    runBootstrap, brokerPid, topic, partitions, producers, consumers, rate, size, acks, linger, batch, idempotence,
    compression, warmup, duration, mock, maxInFlight,
};
run.SetAction(async (result, cancellationToken) =>
{
    var workload = new Workload
    {
        Name = "run",
        Topic = result.GetValue(topic)!,
        Partitions = result.GetValue(partitions),
        Producers = result.GetValue(producers),
        Consumers = result.GetValue(consumers),
        Rate = result.GetValue(rate),
        MessageBytes = result.GetValue(size),
        Acks = result.GetValue(acks)!,
        LingerMs = result.GetValue(linger),
        BatchBytes = result.GetValue(batch),
        Idempotence = result.GetValue(idempotence),
        MaxInFlight = result.GetValue(maxInFlight),
        Compression = result.GetValue(compression)!,
        Warmup = TimeSpan.FromSeconds(result.GetValue(warmup)),
        Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
    };
    using MockCluster? cluster = result.GetValue(mock) ? new MockCluster() : null;
    using var sampler = new BrokerSampler(result.GetValue(brokerPid));
    var runner = new LoadRunner(cluster?.Bootstrap ?? result.GetValue(runBootstrap)!, sampler, Console.Out,
        createTopics: cluster is null);
    WorkloadResult r = await runner.RunAsync(workload, cancellationToken);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.MessagesPerSecond:0} msg/s, {r.MegabytesPerSecond:0.0} MB/s, errors {r.Errors} {r.FirstError}; " +
        $"publish p50 {r.Publish.P50:0.00} " +
        $"p99 {r.Publish.P99:0.00} p99.9 {r.Publish.P999:0.00} ms; end-to-end p50 {r.EndToEnd.P50:0.00} p99 " +
        $"{r.EndToEnd.P99:0.00} p99.9 {r.EndToEnd.P999:0.00} ms; broker CPU {r.BrokerCpuPercent:0.0}%, peak RSS " +
        $"{r.PeakRssMiB:0} MiB; average request {r.AverageRequestBytes:0} B; schedule lag max " +
        $"{r.MaxScheduleLagMs:0.0} ms; client wake-ups per request {r.ClientWakeupsPerRequest:0.0}, round trip p50 " +
        $"{r.RoundTripP50Ms:0.0} ms"));
    return 0;
});

var idleSeconds = new Option<double>("--idle-s")
{
    DefaultValueFactory = _ => 60, Description = "How long the consumer long-polls before the message.",
};
var loadSeconds = new Option<double>("--load-s")
{
    Description = "First load the broker as the suite's earlier rows do: the produce row (8 partitions, 2 producers, " +
        "unthrottled) for this long, then one consumer reads it all back. 0 idles a fresh broker.",
};
var rounds = new Option<int>("--rounds")
{
    DefaultValueFactory = _ => 1, Description = "Idle rounds, each ending in one message.",
};
var idleCommand = new Command("idle",
    "Run the suite's idle row alone, optionally after load, and print what it measured.")
{
    runBootstrap, brokerPid, idleSeconds, loadSeconds, rounds,
};
idleCommand.SetAction(async (result, cancellationToken) =>
{
    using var sampler = new BrokerSampler(result.GetValue(brokerPid));
    var runner = new LoadRunner(result.GetValue(runBootstrap)!, sampler, Console.Out);
    Console.WriteLine($"broker RSS {sampler.RssBytes() / 1048576.0:0} MiB before the run");
    if (result.GetValue(loadSeconds) is > 0 and double seconds)
    {
        Workload load = Workload.ProduceRow("load", "idle-load", TimeSpan.Zero, TimeSpan.FromSeconds(seconds));
        WorkloadResult produced = await runner.RunAsync(load, cancellationToken);
        WorkloadResult read = await runner.ReadBackAsync(load, produced.Messages, cancellationToken);
        await runner.DeleteTopicAsync(load.Topic);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: produced {produced.MegabytesPerSecond:0} MB/s (peak RSS {produced.PeakRssMiB:0} MiB), read back " +
            $"{read.MegabytesPerSecond:0} MB/s (peak RSS {read.PeakRssMiB:0} MiB); " +
            $"RSS now {sampler.RssBytes() / 1048576.0:0} MiB"));
    }
    for (int round = 0; round < result.GetValue(rounds); round++)
    {
        WorkloadResult r = await runner.RunIdleAsync("bench-idle", TimeSpan.FromSeconds(result.GetValue(idleSeconds)),
            cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle: broker CPU {r.BrokerCpuPercent:0.00}% of a core; peak RSS {r.PeakRssMiB:0} MiB; first message " +
            $"{r.FirstMessageLatencyMs:0.00} ms, {r.DiskReadBytes} bytes read from disk; memory left alone for the " +
            $"window {r.ColdPageMicroseconds:0.000} µs per page, {r.WarmPageMicroseconds:0.000} warm"));
    }
    return 0;
});

var root = new RootCommand("Samsa's load generator.") { suite, run, idleCommand };
return await root.Parse(args).InvokeAsync();
