using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Samsa.GoldenCapture;

/// <summary>
/// Picks the frames worth keeping and writes them under <c>frames/</c>, the produced and fetched record batches
/// under <c>batches/</c>, and README.md, all into a fresh staging directory that <see cref="Publish"/> then moves
/// over the previous set, so a failed run leaves the old files alone. Frames are stored without their 4-byte size
/// prefix.
/// </summary>
internal sealed class GoldenWriter
{
    private readonly string _root;
    private readonly string _framesDir;
    private readonly string _batchesDir;
    private readonly ReadmeWriter _readme;

    public GoldenWriter(string root, ReadmeWriter readme)
    {
        _root = root;
        _framesDir = Path.Combine(root, "frames");
        _batchesDir = Path.Combine(root, "batches");
        _readme = readme;
    }

    public void Write(IReadOnlyList<FrameExchange> exchanges)
    {
        Directory.CreateDirectory(_framesDir);
        Directory.CreateDirectory(_batchesDir);

        foreach (FrameExchange exchange in PickFirstPerVersion(exchanges))
        {
            string stem = $"{exchange.ApiName}-v{exchange.ApiVersion}";
            WriteFile(_framesDir, $"{stem}-request.bin", exchange.Request);
            string? responseFile = null;
            if (exchange.Response is not null && !IsMalformedMockAnswer(exchange))
            {
                responseFile = $"{stem}-response.bin";
                WriteFile(_framesDir, responseFile, exchange.Response);
            }
            _readme.AddFrame(exchange, $"{stem}-request.bin", responseFile);
        }

        foreach (FrameExchange produce in exchanges.Where(e => e.ApiKey == ApiCatalog.Produce))
        {
            string? label = ProducerLabel(produce.ClientId);
            if (label is null)
            {
                continue;
            }
            string name = $"Produce-v{produce.ApiVersion}-request-{label}.bin";
            if (File.Exists(Path.Combine(_framesDir, name)))
            {
                throw new InvalidOperationException($"producer {label} sent more than one Produce request; " +
                    "its records did not share one batch");
            }
            WriteFile(_framesDir, name, produce.Request);
            WriteProducedBatch(produce, label, name);
        }

        foreach (FrameExchange fetch in exchanges.Where(e => e.ApiKey == ApiCatalog.Fetch && e.Response is not null))
        {
            WriteFetchedBatches(fetch);
        }
    }

    private static string? ProducerLabel(string? clientId)
    {
        string prefix = ClientScenarios.ProducerClientId("");
        return clientId is not null && clientId.StartsWith(prefix, StringComparison.Ordinal)
            ? clientId[prefix.Length..]
            : null;
    }

    /// <summary>
    /// The mock answers an ApiVersions request of a version it lacks with UNSUPPORTED_VERSION in a body that fits
    /// no schema (a flexible layout whose compact array length is the count, not count + 1); Kafka answers with a
    /// v0 body. That answer is described in the README, not stored as a golden frame.
    /// </summary>
    private static bool IsMalformedMockAnswer(FrameExchange exchange) =>
        exchange.ApiKey == ApiCatalog.ApiVersions && FrameParsers.ApiVersionsErrorCode(exchange.Response!) != 0;

    /// <summary>
    /// The first exchange of each api/version that got a response, in arrival order. For Fetch, the first whose
    /// response carries records, and for Metadata the first whose response lists topics, so those golden frames
    /// exercise the nested parts of their schemas.
    /// </summary>
    private static IEnumerable<FrameExchange> PickFirstPerVersion(IReadOnlyList<FrameExchange> exchanges)
    {
        foreach (IGrouping<(short, short), FrameExchange> group in exchanges
            .GroupBy(e => (e.ApiKey, e.ApiVersion))
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2))
        {
            FrameExchange? pick = null;
            if (group.Key.Item1 == ApiCatalog.Fetch)
            {
                pick = group.FirstOrDefault(e => e.Response is not null &&
                    FrameParsers.FetchRecords(e.Response, e.ApiVersion).Any(s => s.Length > 0));
            }
            else if (group.Key.Item1 == ApiCatalog.Metadata)
            {
                pick = group.FirstOrDefault(e => e.Response is not null &&
                    FrameParsers.MetadataTopics(e.Response, e.ApiVersion).Count > 0);
            }
            pick ??= group.FirstOrDefault(e => e.Response is not null) ?? group.First();
            yield return pick;
        }
    }

    private void WriteProducedBatch(FrameExchange produce, string label, string frameName)
    {
        List<RecordsSlice> slices = FrameParsers.ProduceRecords(produce.Request, produce.ApiVersion);
        if (slices.Count != 1 || slices[0].Length <= 0)
        {
            throw new InvalidDataException($"{frameName}: expected one partition with records, found {slices.Count}");
        }
        RecordsSlice slice = slices[0];
        ReadOnlySpan<byte> records = produce.Request.AsSpan(slice.Offset, slice.Length);
        List<(int Offset, int Length)> batches = FrameParsers.SplitBatches(records);
        if (batches.Count != 1 || batches[0].Length != records.Length)
        {
            throw new InvalidDataException($"{frameName}: expected one record batch, found {batches.Count}");
        }
        var header = RecordBatchHeader.Read(records);
        IReadOnlyList<GoldenRecord> expected = label == ClientScenarios.TransactionalLabel
            ? GoldenRecord.Transactional
            : GoldenRecord.Standard;
        if (header.Magic != 2 || header.RecordCount != expected.Count)
        {
            throw new InvalidDataException(
                $"{frameName}: batch magic {header.Magic} with {header.RecordCount} records, " +
                $"expected v2 with {expected.Count}");
        }
        if (label != ClientScenarios.TransactionalLabel && header.Label() != label)
        {
            throw new InvalidDataException($"{frameName}: batch compression is {header.Label()}, expected {label}");
        }
        WriteFile(_batchesDir, $"{label}.bin", records.ToArray());
        File.WriteAllText(Path.Combine(_batchesDir, $"{label}.json"), ExpectedRecordsJson(slice, header, expected));
        _readme.AddProducedBatch(label, frameName, slice, header);
    }

    private void WriteFetchedBatches(FrameExchange fetch)
    {
        foreach (RecordsSlice slice in FrameParsers.FetchRecords(fetch.Response!, fetch.ApiVersion))
        {
            if (slice.Length <= 0)
            {
                continue;
            }
            ReadOnlySpan<byte> records = fetch.Response.AsSpan(slice.Offset, slice.Length);
            foreach ((int offset, int length) in FrameParsers.SplitBatches(records))
            {
                ReadOnlySpan<byte> batch = records.Slice(offset, length);
                var header = RecordBatchHeader.Read(batch);
                string name = $"fetch-{header.Label()}.bin";
                string path = Path.Combine(_batchesDir, name);
                if (File.Exists(path))
                {
                    continue;   // the first fetch of a batch is kept
                }
                WriteFile(_batchesDir, name, batch.ToArray());
                string producedLabel = header.IsTransactional ? ClientScenarios.TransactionalLabel : header.Label();
                string produced = Path.Combine(_batchesDir, $"{producedLabel}.bin");
                bool sameAsProduced = File.Exists(produced) &&
                    File.ReadAllBytes(produced).AsSpan().SequenceEqual(batch);
                _readme.AddFetchedBatch(name, fetch, header, sameAsProduced);
            }
        }
    }

    private static string ExpectedRecordsJson(RecordsSlice slice, RecordBatchHeader header,
        IReadOnlyList<GoldenRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // test data read by tests, never by a browser
        }))
        {
            json.WriteStartObject();
            json.WriteString("codec", header.Label());
            json.WriteNumber("compression", header.Compression);
            json.WriteString("topic", slice.Topic);
            json.WriteNumber("partition", slice.Partition);
            json.WriteNumber("producerId", header.ProducerId);
            json.WriteBoolean("isTransactional", header.IsTransactional);
            json.WriteStartArray("records");
            for (int i = 0; i < records.Count; i++)
            {
                GoldenRecord record = records[i];
                json.WriteStartObject();
                json.WriteNumber("offsetDelta", i);
                json.WriteNumber("timestamp", record.Timestamp);
                WriteBytes(json, "key", record.Key);
                WriteBytes(json, "value", record.Value);
                json.WriteStartArray("headers");
                foreach (GoldenHeader h in record.Headers)
                {
                    json.WriteStartObject();
                    json.WriteString("key", h.Key);
                    WriteBytes(json, "value", h.Value);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Null, <c>{"utf8": …}</c> for printable text, or <c>{"base64": …}</c> for anything else.</summary>
    private static void WriteBytes(Utf8JsonWriter json, string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartObject(name);
        if (IsPrintableUtf8(bytes))
        {
            json.WriteString("utf8", Encoding.UTF8.GetString(bytes));
        }
        else
        {
            json.WriteString("base64", Convert.ToBase64String(bytes));
        }
        json.WriteEndObject();
    }

    private static bool IsPrintableUtf8(byte[] bytes)
    {
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return !text.Any(char.IsControl);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static void WriteFile(string directory, string name, byte[] bytes) =>
        File.WriteAllBytes(Path.Combine(directory, name), bytes);

    public void WriteReadme() => File.WriteAllText(Path.Combine(_root, "README.md"), _readme.Build());

    /// <summary>Replaces <c>frames/</c>, <c>batches/</c> and README.md under <paramref name="output"/>.</summary>
    public void Publish(string output)
    {
        foreach (string name in (string[])["frames", "batches"])
        {
            string target = Path.Combine(output, name);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }
            Directory.Move(Path.Combine(_root, name), target);
        }
        File.Move(Path.Combine(_root, "README.md"), Path.Combine(output, "README.md"), overwrite: true);
    }
}
