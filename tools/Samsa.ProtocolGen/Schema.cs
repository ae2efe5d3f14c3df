using System.Text.Json;

namespace Samsa.ProtocolGen;

/// <summary>One JSON message definition: a request, response, header or data type.</summary>
public sealed class MessageSpec
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public short? ApiKey { get; init; }
    public required Versions ValidVersions { get; init; }
    public required Versions FlexibleVersions { get; init; }
    public required List<FieldSpec> Fields { get; init; }
    public required List<StructSpec> CommonStructs { get; init; }
    public bool LatestVersionUnstable { get; init; }
    public Versions DeprecatedVersions { get; init; } = Versions.None;
    public string SourceFile { get; init; } = "";

    /// <summary>Every struct type the message declares, inline or common, by name.</summary>
    public Dictionary<string, StructSpec> Structs { get; } = new(StringComparer.Ordinal);
}

/// <summary>A struct type: its fields and the versions it exists in.</summary>
public sealed class StructSpec
{
    public required string Name { get; init; }
    public required Versions Versions { get; init; }
    public required List<FieldSpec> Fields { get; init; }

    /// <summary>The C# type name; the JSON name unless that clashes with a member where it is declared.</summary>
    public string TypeName { get; set; } = "";
}

public sealed class FieldSpec
{
    public required string Name { get; init; }
    public required FieldType Type { get; init; }
    public required Versions Versions { get; init; }
    public Versions NullableVersions { get; init; } = Versions.None;
    public Versions TaggedVersions { get; init; } = Versions.None;
    public int? Tag { get; init; }
    public string? Default { get; init; }
    public bool Ignorable { get; init; }
    public Versions? FlexibleVersionsOverride { get; init; }
    public string About { get; init; } = "";
    public List<FieldSpec>? Fields { get; init; }

    public bool IsTagged => Tag is not null;

    public bool IsNullableAnywhere => !NullableVersions.IsEmpty;

    public bool DefaultIsNull => Default is "null" or "None";

    /// <summary>Versions in which the field is a mandatory (untagged) field.</summary>
    public Versions MandatoryVersions => IsTagged ? Versions.None : Versions;
}

/// <summary>A field type: a primitive, a struct, or an array of either.</summary>
public sealed record FieldType(string Name, bool IsArray, FieldType? Element)
{
    private static readonly HashSet<string> Primitives =
    [
        "bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64", "string", "bytes", "uuid", "records",
    ];

    public bool IsPrimitive => !IsArray && Primitives.Contains(Name);

    public bool IsStruct => !IsArray && !Primitives.Contains(Name);

    public bool IsVariableLength => IsArray || Name is "string" or "bytes" or "records" || IsStruct;

    public static FieldType Parse(string text) =>
        text.StartsWith("[]", StringComparison.Ordinal)
            ? new FieldType(text, true, Parse(text[2..]))
            : new FieldType(text, false, null);
}

public static class SchemaReader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static MessageSpec Read(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path), Options);
        JsonElement root = doc.RootElement;
        var spec = new MessageSpec
        {
            Name = root.GetProperty("name").GetString()!,
            Type = root.GetProperty("type").GetString()!,
            ApiKey = Str(root, "apiKey") is { } key
                ? short.Parse(key, System.Globalization.CultureInfo.InvariantCulture)
                : null,
            ValidVersions = Versions.Parse(root.GetProperty("validVersions").GetString(), Versions.None),
            FlexibleVersions = Versions.Parse(Str(root, "flexibleVersions"), Versions.None),
            Fields = ReadFields(root),
            CommonStructs = [],
            LatestVersionUnstable = Str(root, "latestVersionUnstable") is { } u && bool.Parse(u),
            DeprecatedVersions = Versions.Parse(Str(root, "deprecatedVersions"), Versions.None),
            SourceFile = Path.GetFileName(path),
        };
        if (root.TryGetProperty("commonStructs", out JsonElement common))
        {
            foreach (JsonElement s in common.EnumerateArray())
            {
                spec.CommonStructs.Add(new StructSpec
                {
                    Name = s.GetProperty("name").GetString()!,
                    Versions = Versions.Parse(Str(s, "versions"), Versions.All),
                    Fields = ReadFields(s),
                });
            }
        }
        foreach (StructSpec s in spec.CommonStructs) spec.Structs[s.Name] = s;
        CollectInlineStructs(spec, spec.Fields);
        foreach (StructSpec s in spec.CommonStructs) CollectInlineStructs(spec, s.Fields);
        return spec;
    }

    private static void CollectInlineStructs(MessageSpec spec, List<FieldSpec> fields)
    {
        foreach (FieldSpec f in fields)
        {
            FieldType t = f.Type.IsArray ? f.Type.Element! : f.Type;
            if (t.IsStruct && f.Fields is not null)
            {
                var declared = new StructSpec { Name = t.Name, Versions = f.Versions, Fields = f.Fields };
                if (!spec.Structs.TryAdd(t.Name, declared))
                    throw new InvalidDataException($"{spec.SourceFile}: struct {t.Name} is declared twice");
                CollectInlineStructs(spec, f.Fields);
            }
        }
    }

    private static List<FieldSpec> ReadFields(JsonElement owner)
    {
        var result = new List<FieldSpec>();
        if (!owner.TryGetProperty("fields", out JsonElement fields)) return result;
        foreach (JsonElement f in fields.EnumerateArray())
        {
            Versions tagged = Versions.Parse(Str(f, "taggedVersions"), Versions.None);
            string? flexible = Str(f, "flexibleVersions");
            result.Add(new FieldSpec
            {
                Name = f.GetProperty("name").GetString()!,
                Type = FieldType.Parse(f.GetProperty("type").GetString()!),
                Versions = Versions.Parse(Str(f, "versions"), tagged.IsEmpty ? Versions.None : tagged),
                NullableVersions = Versions.Parse(Str(f, "nullableVersions"), Versions.None),
                TaggedVersions = tagged,
                Tag = Str(f, "tag") is { } tag
                    ? int.Parse(tag, System.Globalization.CultureInfo.InvariantCulture)
                    : null,
                Default = f.TryGetProperty("default", out JsonElement d) ? DefaultText(d) : null,
                Ignorable = Str(f, "ignorable") is { } ig && bool.Parse(ig),
                FlexibleVersionsOverride = flexible is null ? null : Versions.Parse(flexible, Versions.None),
                About = Str(f, "about") ?? "",
                Fields = f.TryGetProperty("fields", out _) ? ReadFields(f) : null,
            });
        }
        return result;
    }

    private static string DefaultText(JsonElement d) => d.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => d.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => d.GetRawText(),
    };

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;
}
