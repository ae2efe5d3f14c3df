using Samsa.ProtocolGen;

// Regenerates src/Samsa.Protocol/Generated from the JSON message definitions.
// Usage: dotnet run --project tools/Samsa.ProtocolGen [-- --check] [--messages DIR] [--records DIR] [--out DIR]
// --check writes nothing and exits 1 when the committed output differs from what would be generated.

string root = Generator.FindRepositoryRoot(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
string messages = Path.GetFullPath(Path.Combine(root, "..", "shared", "kafka-protocol", "messages"));
string records = Path.GetFullPath(Path.Combine(root, "..", "shared", "kafka-protocol", "coordinator-records"));
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

IReadOnlyDictionary<string, string> files = Generator.Generate(messages, records);
if (check)
{
    List<string> differences = Generator.Compare(files, output);
    foreach (string d in differences) Console.Error.WriteLine(d);
    return differences.Count == 0 ? 0 : 1;
}
Generator.Write(files, output);
Console.WriteLine($"wrote {files.Count} files to {output}");
return 0;
