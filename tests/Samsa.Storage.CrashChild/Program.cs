using System.Globalization;
using Samsa.Protocol.Records;
using Samsa.Storage;

// The crash test's child: appends random batches to one partition log until it is killed, and after each completed
// append prints what it appended, so the parent can check that it survived. Usage:
//   Samsa.Storage.CrashChild <log.dir> <replicated|fsync> <seed>
// Output, one line each, ending in " ." so the parent can tell a whole line from one cut by the kill:
//   ready <log end offset> .
//   append <first offset> <last offset> <segment base offset> <end position in segment> <crc32c of the values> .
// In fsync mode an append completes only once synced, so <end position> is a length of that segment file that a power
// cut cannot take back.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Samsa.Storage.CrashChild <log.dir> <replicated|fsync> <seed>");
    return 2;
}
string logDir = args[0];
LogFlushMode mode = args[1] == "fsync" ? LogFlushMode.Fsync : LogFlushMode.Replicated;
var random = new Random(int.Parse(args[2], CultureInfo.InvariantCulture));
var options = LogOptions.Default with { SegmentBytes = 256 << 10, IndexIntervalBytes = 4096, FlushMode = mode };

LogDirectory directory = LogDirectory.Open(logDir);
PartitionLog log = PartitionLog.Open(directory, new TopicPartition("crash", 0), options);
TextWriter output = Console.Out;
output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {log.LogEndOffset} ."));
output.Flush();

var builder = new RecordBatchBuilder();
while (true)
{
    builder.Clear();
    uint crc = 0;
    int records = random.Next(1, 7);
    for (int i = 0; i < records; i++)
    {
        byte[] value = new byte[random.Next(16, 2_000)];
        random.NextBytes(value);
        crc = Crc32C.Append(crc, value);
        builder.Add(key: BitConverter.GetBytes(i), value, timestamp: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
    byte[] batch = builder.Build();
    AppendResult result = await log.AppendAsync(batch, leaderEpoch: 1);
    if (result.Status != AppendStatus.Ok)
    {
        Console.Error.WriteLine($"append failed: {result.Status}");
        return 1;
    }
    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"append {result.FirstOffset} {result.LastOffset} {result.SegmentBaseOffset} " +
        $"{result.Position + batch.Length} {crc} ."));
    output.Flush();
}
