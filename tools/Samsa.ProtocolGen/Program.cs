using Samsa.ProtocolGen;

// Regenerates src/Samsa.Protocol/Generated from Kafka's JSON message definitions in protocol/, and
// src/Samsa.Metadata/Generated from Samsa's metadata-record definitions in src/Samsa.Metadata/Records/Definitions.
// Usage: dotnet run --project tools/Samsa.ProtocolGen [-- --check] [--messages DIR] [--records DIR] [--out DIR]
// --check writes nothing and exits 1 when the committed output differs from what would be generated.

string root = Generator.FindRepositoryRoot(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
string messages = Generator.MessageDefinitions(root);
string records = Generator.CoordinatorRecordDefinitions(root);
string output = Path.Combine(root, "src", "Samsa.Protocol", "Generated");
bool check = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--check": check = true; break;
        case "--messages": messages = args[++i]; break;
        case "--records": records = args[++i]; break;
        case "--out": output = args[++i]; break;
        default:
            Console.Error.WriteLine($"samsa-protocolgen: unknown argument {args[i]}");
            return 2;
    }
}

var targets = new List<(IReadOnlyDictionary<string, string> Files, string Output)>
{
    (Generator.Generate(messages, records), output),
};
if (Directory.Exists(Generator.MetadataDefinitions(root)))
{
    targets.Add((Generator.GenerateDataTypes(Generator.MetadataDefinitions(root), Generator.MetadataRecordsNamespace),
        Generator.MetadataOutput(root)));
}
int differing = 0;
foreach ((IReadOnlyDictionary<string, string> files, string folder) in targets)
{
    if (check)
    {
        List<string> differences = Generator.Compare(files, folder);
        foreach (string d in differences) Console.Error.WriteLine($"{folder}: {d}");
        differing += differences.Count;
        continue;
    }
    Generator.Write(files, folder);
    Console.WriteLine($"wrote {files.Count} files to {folder}");
}
return differing == 0 ? 0 : 1;
