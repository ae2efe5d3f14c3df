namespace Samsa.Protocol.Primitives;

/// <summary>Writes the unknown tagged fields a message kept, interleaved by tag with the known ones.</summary>
public static class TaggedFields
{
    /// <summary>Writes the kept fields, in order, that come before <paramref name="tag"/>.</summary>
    public static void WriteUnknownBelow(ref KafkaWriter writer, List<TaggedField>? fields, ref int index, int tag)
    {
        if (fields is null) return;
        while (index < fields.Count && fields[index].Tag < tag)
        {
            Write(ref writer, fields[index]);
            index++;
        }
    }

    public static void WriteUnknown(ref KafkaWriter writer, List<TaggedField>? fields)
    {
        if (fields is null) return;
        foreach (TaggedField field in fields) Write(ref writer, field);
    }

    public static int SizeOfUnknown(List<TaggedField>? fields)
    {
        if (fields is null) return 0;
        int size = 0;
        foreach (TaggedField field in fields)
        {
            size += VarInt.SizeOfUnsigned((uint)field.Tag) + VarInt.SizeOfUnsigned((uint)field.Data.Length)
                + field.Data.Length;
        }
        return size;
    }

    private static void Write(ref KafkaWriter writer, TaggedField field)
    {
        writer.WriteUnsignedVarInt((uint)field.Tag);
        writer.WriteUnsignedVarInt((uint)field.Data.Length);
        writer.WriteRaw(field.Data);
    }
}
