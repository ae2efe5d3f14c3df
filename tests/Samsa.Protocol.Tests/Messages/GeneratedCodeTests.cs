using Samsa.ProtocolGen;

namespace Samsa.Protocol.Tests.Messages;

public sealed class GeneratedCodeTests
{
    [Fact]
    public void Committed_generated_code_matches_what_the_generator_writes_now()
    {
        IReadOnlyDictionary<string, string> files =
            Generator.Generate(Definitions_.MessagesFolder, Definitions_.RecordsFolder);
        string output = Path.Combine(Definitions_.Root, "src", "Samsa.Protocol", "Generated");
        List<string> differences = Generator.Compare(files, output);
        Assert.True(differences.Count == 0,
            "src/Samsa.Protocol/Generated is stale; run `dotnet run --project tools/Samsa.ProtocolGen`:\n"
            + string.Join('\n', differences));
    }

    [Fact]
    public void Committed_metadata_records_match_what_the_generator_writes_now()
    {
        string definitions = Generator.MetadataDefinitions(Definitions_.Root);
        Assert.SkipUnless(Directory.Exists(definitions), "no metadata record definitions yet");
        IReadOnlyDictionary<string, string> files =
            Generator.GenerateDataTypes(definitions, Generator.MetadataRecordsNamespace);
        List<string> differences = Generator.Compare(files, Generator.MetadataOutput(Definitions_.Root));
        Assert.True(differences.Count == 0,
            "src/Samsa.Metadata/Generated is stale; run `dotnet run --project tools/Samsa.ProtocolGen`:\n"
            + string.Join('\n', differences));
    }

    [Fact]
    public void Compare_reports_an_edited_generated_file()
    {
        IReadOnlyDictionary<string, string> files =
            Generator.Generate(Definitions_.MessagesFolder, Definitions_.RecordsFolder);
        string scratch = Directory.CreateTempSubdirectory("samsa-gen-").FullName;
        try
        {
            Generator.Write(files, scratch);
            Assert.Empty(Generator.Compare(files, scratch));
            File.AppendAllText(Path.Combine(scratch, "Messages", "ProduceRequest.cs"), "// edited\n");
            File.WriteAllText(Path.Combine(scratch, "Stray.cs"), "");
            List<string> differences = Generator.Compare(files, scratch);
            Assert.Contains("differs: Messages/ProduceRequest.cs", differences);
            Assert.Contains("not generated: Stray.cs", differences);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
