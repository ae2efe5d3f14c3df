using System.Buffers;
using System.Collections;
using System.Reflection;
using Samsa.Protocol.Primitives;
using Samsa.ProtocolGen;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Enumerates every JSON definition and checks, at every valid version, that a message with a non-default value in
/// every field present at that version (tagged fields and unknown tags included) survives write → read → equal,
/// that re-writing gives the same bytes, and that GetSize predicts the length.
/// </summary>
public sealed class MessageRoundTripTests
{
    public static TheoryData<string, string> Definitions()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(Definitions_.MessagesFolder, "*.json").Order(StringComparer.Ordinal))
            data.Add("Messages", Path.GetFileName(file));
        foreach (string file in Directory.GetFiles(Definitions_.RecordsFolder, "*.json").Order(StringComparer.Ordinal))
            data.Add("CoordinatorRecords", Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Every_api_key_has_generated_request_and_response_types()
    {
        IReadOnlyList<MessageSpec> specs = Generator.ReadAll(Definitions_.MessagesFolder);
        var keys = specs.Where(s => s.Type == "request").Select(s => s.ApiKey!.Value).ToHashSet();
        Assert.Equal(keys.Count, specs.Count(s => s.Type == "response"));
        foreach (short key in keys)
        {
            ApiMessageInfo? info = ApiMessages.Find(key);
            Assert.NotNull(info);
            Assert.True(typeof(IKafkaMessage).IsAssignableFrom(info.RequestType));
            Assert.True(typeof(IKafkaMessage).IsAssignableFrom(info.ResponseType));
            Assert.Equal(key, (short)info.Key);
        }
        Assert.Equal(keys.Count, ApiMessages.All.Count);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Message_round_trips_at_every_version_with_every_field_set(string folder, string file)
    {
        MessageSpec spec = SchemaReader.Read(Path.Combine(
            folder == "Messages" ? Definitions_.MessagesFolder : Definitions_.RecordsFolder, file));
        string ns = folder == "Messages" ? Generator.MessagesNamespace : Generator.RecordsNamespace;
        Type type = typeof(ApiKey).Assembly.GetType($"{ns}.{spec.Name}")
            ?? throw new InvalidOperationException($"no generated type for {spec.Name}");
        var random = new Random(HashCode.Combine(spec.Name.Length, spec.Name[0], spec.Fields.Count));
        for (short version = spec.ValidVersions.Lowest; version <= spec.ValidVersions.Highest; version++)
        {
            foreach (bool nulls in new[] { false, true })
            {
                var filler = new MessageFiller(spec, random, version, useNulls: nulls);
                var message = (IKafkaMessage)filler.Fill(type, spec.Fields);
                AssertRoundTrips(type, message, version, $"{spec.Name} v{version}{(nulls ? " (nulls)" : "")}");
            }
        }
    }

    private static void AssertRoundTrips(Type type, IKafkaMessage message, short version, string label)
    {
        byte[] first = Write(message, version);
        Assert.True(first.Length == message.GetSize(version),
            $"{label}: GetSize {message.GetSize(version)} != {first.Length}");
        IKafkaMessage read = Read(type, first, version);
        Assert.True(message.Equals(read), $"{label}: read-back differs from what was written");
        byte[] second = Write(read, version);
        Assert.True(first.AsSpan().SequenceEqual(second), $"{label}: re-write is not byte-identical");
    }

    internal static byte[] Write(IKafkaMessage message, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    internal static IKafkaMessage Read(Type type, byte[] bytes, short version) =>
        (IKafkaMessage)typeof(MessageRoundTripTests)
            .GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [bytes, version])!;

    private static T ReadAs<T>(byte[] bytes, short version)
        where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(bytes));
        T value = T.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return value;
    }
}

/// <summary>Where the definitions live: protocol/ in the repository.</summary>
internal static class Definitions_
{
    public static string Root => Generator.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? Generator.FindRepositoryRoot(Directory.GetCurrentDirectory())
        ?? Generator.FindRepositoryRoot(SourceDirectory())
        ?? throw new InvalidOperationException("repository root not found");

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? ".";

    public static string MessagesFolder => Generator.MessageDefinitions(Root);

    public static string RecordsFolder => Generator.CoordinatorRecordDefinitions(Root);
}

/// <summary>
/// Builds a generated message by reflection with a non-default value in every field present at one version.
/// With <c>useNulls</c>, nullable fields get null instead, to cover the null encodings.
/// </summary>
internal sealed class MessageFiller(MessageSpec spec, Random random, short version, bool useNulls)
{
    public object Fill(Type type, List<FieldSpec> fields)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach (FieldSpec f in fields)
        {
            if (!f.Versions.Contains(version)) continue;
            if (f.IsTagged && !f.TaggedVersions.Contains(version)) continue;
            PropertyInfo property = type.GetProperty(f.Name)
                ?? throw new InvalidOperationException($"{type.Name} has no property {f.Name}");
            if (useNulls && f.NullableVersions.Contains(version) && !f.DefaultIsNull)
            {
                property.SetValue(instance, null);
                continue;
            }
            property.SetValue(instance, Value(f.Type, f, property.PropertyType));
        }
        if (spec.FlexibleVersions.Contains(version) && !useNulls)
        {
            // A tag no definition uses, to check that unknown tags survive.
            PropertyInfo unknown = type.GetProperty("UnknownTaggedFields")!;
            unknown.SetValue(instance, new List<TaggedField> { new(1000 + random.Next(100), [1, 2, 3]) });
        }
        return instance;
    }

    private object? Value(FieldType t, FieldSpec f, Type clrType)
    {
        if (t.IsArray)
        {
            Type elementClr = clrType.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementClr))!;
            int count = 1 + random.Next(2);
            for (int i = 0; i < count; i++) list.Add(Element(t.Element!, elementClr));
            return list;
        }
        return Element(t, Nullable.GetUnderlyingType(clrType) ?? clrType, f);
    }

    private object Element(FieldType t, Type clrType, FieldSpec? f = null)
    {
        long def = 0;
        if (f?.Default is { } d && t.Name is "int8" or "int16" or "int32" or "int64" or "uint16" or "uint32")
        {
            string text = d.Trim();
            bool neg = text.StartsWith('-');
            string digits = neg ? text[1..] : text;
            def = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? Convert.ToInt64(digits[2..], 16)
                : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            if (neg) def = -def;
        }
        long Pick(long min, long max)
        {
            long v;
            do v = random.NextInt64(min, max); while (v == def);
            return v;
        }
        switch (t.Name)
        {
            case "bool":
                return !(f?.Default is { } b && b.Equals("true", StringComparison.OrdinalIgnoreCase));
            case "int8": return (sbyte)Pick(sbyte.MinValue, sbyte.MaxValue);
            case "int16": return (short)Pick(short.MinValue, short.MaxValue);
            case "uint16": return (ushort)Pick(1, ushort.MaxValue);
            case "int32": return (int)Pick(int.MinValue, int.MaxValue);
            case "uint32": return (uint)Pick(1, uint.MaxValue);
            case "int64": return Pick(long.MinValue, long.MaxValue);
            case "float64": return random.NextDouble() * 1000 + 1;
            case "uuid": return new Guid(RandomBytes(16));
            case "string": return "s" + random.Next(1000) + (random.Next(2) == 0 ? "é漢" : "");
            case "bytes": return RandomBytes(1 + random.Next(5));
            case "records": return new ReadOnlySequence<byte>(RandomBytes(1 + random.Next(20)));
            default:
                StructSpec s = spec.Structs[t.Name];
                return Fill(clrType, s.Fields);
        }
    }

    private byte[] RandomBytes(int n)
    {
        byte[] bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }
}
