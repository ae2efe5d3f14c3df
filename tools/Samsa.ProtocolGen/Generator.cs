namespace Samsa.ProtocolGen;

/// <summary>Reads every definition and produces the generated files, keyed by path relative to the output
/// folder.</summary>
public static class Generator
{
    public const string MessagesNamespace = "Samsa.Protocol.Messages";
    public const string RecordsNamespace = "Samsa.Protocol.CoordinatorRecords";
    public const string MetadataRecordsNamespace = "Samsa.Metadata.Records";

    /// <summary>Kafka's message definitions, kept in the repository (protocol/README.md says where from).</summary>
    public static string MessageDefinitions(string root) => Path.Combine(root, "protocol", "messages");

    /// <summary>Kafka's group and transaction coordinator records, beside the message definitions.</summary>
    public static string CoordinatorRecordDefinitions(string root) =>
        Path.Combine(root, "protocol", "coordinator-records");

    /// <summary>Samsa's own metadata-log records, defined in the same JSON dialect as Kafka's messages.</summary>
    public static string MetadataDefinitions(string root) =>
        Path.Combine(root, "src", "Samsa.Metadata", "Records", "Definitions");

    public static string MetadataOutput(string root) => Path.Combine(root, "src", "Samsa.Metadata", "Generated");

    /// <summary>Generates one file per definition in <paramref name="folder"/>, in namespace
    /// <paramref name="ns"/>.</summary>
    public static IReadOnlyDictionary<string, string> GenerateDataTypes(string folder, string ns)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return files;
        foreach (MessageSpec spec in ReadAll(folder))
            files[$"{spec.Name}.cs"] = new MessageEmitter(spec, ns).Emit();
        return files;
    }

    public static string? FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Samsa.slnx"))) return d.FullName;
        }
        return null;
    }

    public static IReadOnlyList<MessageSpec> ReadAll(string folder) =>
        Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(SchemaReader.Read).ToList();

    public static IReadOnlyDictionary<string, string> Generate(string messagesFolder, string recordsFolder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<MessageSpec> messages = ReadAll(messagesFolder);
        Dictionary<short, MessageSpec> responses =
            messages.Where(m => m.Type == "response").ToDictionary(m => m.ApiKey!.Value);
        foreach (MessageSpec spec in messages)
        {
            MessageSpec? response = spec.Type == "request" ? responses[spec.ApiKey!.Value] : null;
            files[$"Messages/{spec.Name}.cs"] = new MessageEmitter(spec, MessagesNamespace, response).Emit();
        }
        if (Directory.Exists(recordsFolder))
        {
            foreach (MessageSpec spec in ReadAll(recordsFolder))
                files[$"CoordinatorRecords/{spec.Name}.cs"] = new MessageEmitter(spec, RecordsNamespace).Emit();
        }
        List<MessageSpec> requests = messages.Where(m => m.Type == "request").OrderBy(m => m.ApiKey).ToList();
        files["ApiKey.cs"] = ApiKeyEmitter.EmitEnum(requests);
        files["ApiMessages.cs"] = ApiKeyEmitter.EmitTable(requests, responses);
        return files;
    }

    public static void Write(IReadOnlyDictionary<string, string> files, string output)
    {
        string[] existing = Directory.Exists(output)
            ? Directory.GetFiles(output, "*.cs", SearchOption.AllDirectories)
            : [];
        foreach (string stale in existing)
        {
            string relative = Path.GetRelativePath(output, stale).Replace('\\', '/');
            if (!files.ContainsKey(relative)) File.Delete(stale);
        }
        foreach ((string relative, string text) in files)
        {
            string path = Path.Combine(output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text);
        }
    }

    /// <summary>Lists every file that is missing, stale or different in <paramref name="output"/>.</summary>
    public static List<string> Compare(IReadOnlyDictionary<string, string> files, string output)
    {
        var differences = new List<string>();
        foreach ((string relative, string text) in files)
        {
            string path = Path.Combine(output, relative);
            if (!File.Exists(path)) differences.Add($"missing: {relative}");
            else if (File.ReadAllText(path) != text) differences.Add($"differs: {relative}");
        }
        if (Directory.Exists(output))
        {
            foreach (string existing in Directory.GetFiles(output, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(output, existing).Replace('\\', '/');
                if (!files.ContainsKey(relative)) differences.Add($"not generated: {relative}");
            }
        }
        return differences;
    }
}
