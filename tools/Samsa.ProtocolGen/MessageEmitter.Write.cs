namespace Samsa.ProtocolGen;

// Write: the mirror of Read, tagged fields written only when present.
public sealed partial class MessageEmitter
{
    private void EmitWrite(StructSpec s, Versions within)
    {
        _local = 0;
        var body = new CodeWriter(_w.Indent + 1);
        foreach (FieldSpec f in s.Fields)
        {
            string cond = Cond(f.MandatoryVersions, within);
            if (cond != "false")
            {
                body.If(cond);
                EmitWriteValue(body, f, f.Name, within.Intersect(f.MandatoryVersions), CompactExpr(f, within),
                    f.NullableVersions);
                body.EndIf(cond);
            }
            string present = Cond(f.Versions, within);
            if (!f.Ignorable && present != "true")
            {
                string check = NonDefaultCheck(f, f.Name);
                if (present == "false")
                    body.Line($"if ({check})");
                else
                    body.Line($"if ({Not(present)} && ({check}))");
                body.Line($"    ThrowHelper.CannotWrite($\"a non-default {f.Name} cannot be written at version "
                    + "{version}\");");
            }
        }
        EmitWriteTagged(body, s, within);
        _w.Line("public void Write(ref KafkaWriter writer, short version)");
        _w.Open();
        EmitFlexibleLocal(body, within);
        _w.Append(body);
        _w.Close();
        _w.Line();
    }

    private void EmitWriteValue(CodeWriter b, FieldSpec f, string value, Versions within, string compact,
        Versions nullable)
    {
        FieldType t = f.Type;
        string nullCond = Cond(nullable, within);
        string cannotNull = $"ThrowHelper.CannotWrite($\"{f.Name} is null but not nullable at version {{version}}\");";
        string nullGuard = Guarded(Not(nullCond), cannotNull);
        if (t.IsArray)
            EmitWriteArray(b, t.Element!, value, compact, nullCond, nullGuard);
        else if (t.Name is "string" or "records")
            EmitWriteStringOrRecords(b, t, value, compact, nullCond, nullGuard);
        else if (t.Name == "bytes")
            EmitWriteBytes(b, value, compact, nullCond, nullGuard);
        else if (t.IsStruct)
            EmitWriteStruct(b, f, value, nullCond, nullGuard);
        else
            b.Line($"{PrimitiveWrite(t, value)};");
    }

    private void EmitWriteArray(CodeWriter b, FieldType e, string value, string compact, string nullCond,
        string nullGuard)
    {
        string i = NewLocal("i");
        b.Line($"if ({value} is null)");
        b.Open();
        if (nullCond != "true") b.Line(nullGuard);
        b.Line($"writer.WriteArrayLength(-1, {compact});");
        b.Close();
        b.Line("else");
        b.Open();
        b.Line($"writer.WriteArrayLength({value}.Count, {compact});");
        b.Line($"for (int {i} = 0; {i} < {value}.Count; {i}++)");
        b.Line($"    {ElementWrite(e, $"{value}[{i}]", compact)};");
        b.Close();
    }

    /// <summary>WriteString and WriteRecords take null themselves; only a non-nullable version refuses it.</summary>
    private static void EmitWriteStringOrRecords(CodeWriter b, FieldType t, string value, string compact,
        string nullCond, string nullGuard)
    {
        if (nullCond != "true") b.Line($"if ({value} is null) {{ {nullGuard} }}");
        string method = t.Name == "string" ? "WriteString" : "WriteRecords";
        b.Line($"writer.{method}({value}, {compact});");
    }

    private static void EmitWriteBytes(CodeWriter b, string value, string compact, string nullCond, string nullGuard)
    {
        b.Line($"if ({value} is null)");
        b.Open();
        if (nullCond != "true") b.Line(nullGuard);
        b.Line($"writer.WriteNullBytes({compact});");
        b.Close();
        b.Line("else");
        b.Line($"    writer.WriteBytes({value}, {compact});");
    }

    /// <summary>A nullable struct is preceded by a marker: -1/1 as int8, or 0/1 as a varint when tagged.</summary>
    private static void EmitWriteStruct(CodeWriter b, FieldSpec f, string value, string nullCond, string nullGuard)
    {
        b.Line($"if ({value} is null)");
        b.Open();
        if (nullCond != "true") b.Line(nullGuard);
        if (nullCond != "false")
            b.Line(f.IsTagged ? "writer.WriteUnsignedVarInt(0);" : "writer.WriteInt8(-1);");
        b.Close();
        b.Line("else");
        b.Open();
        if (nullCond != "false")
        {
            b.If(nullCond);
            b.Line(f.IsTagged ? "writer.WriteUnsignedVarInt(1);" : "writer.WriteInt8(1);");
            b.EndIf(nullCond);
        }
        b.Line($"{value}.Write(ref writer, version);");
        b.Close();
    }

    private static string ElementWrite(FieldType e, string value, string compact) => e.Name switch
    {
        "string" => $"writer.WriteString({value}, {compact})",
        "bytes" => $"writer.WriteBytes({value}, {compact})",
        _ when e.IsStruct => $"{value}.Write(ref writer, version)",
        _ => PrimitiveWrite(e, value),
    };

    private static string PrimitiveWrite(FieldType t, string value) => t.Name switch
    {
        "bool" => $"writer.WriteBool({value})",
        "int8" => $"writer.WriteInt8({value})",
        "int16" => $"writer.WriteInt16({value})",
        "uint16" => $"writer.WriteUInt16({value})",
        "int32" => $"writer.WriteInt32({value})",
        "uint32" => $"writer.WriteUInt32({value})",
        "int64" => $"writer.WriteInt64({value})",
        "float64" => $"writer.WriteFloat64({value})",
        "uuid" => $"writer.WriteUuid({value})",
        _ => throw new InvalidDataException($"not a primitive: {t.Name}"),
    };

    /// <summary>True when the field holds something other than its default (used for absent and tagged
    /// fields).</summary>
    private string NonDefaultCheck(FieldSpec f, string value)
    {
        FieldType t = f.Type;
        if (f.DefaultIsNull) return $"{value} is not null";
        if (t.IsArray) return $"({value} is null || {value}.Count != 0)";
        switch (t.Name)
        {
            case "bytes":
                return $"({value} is null || {value}.Length != 0)";
            case "records":
                return $"{value} is not null";
            case "string":
                return $"!string.Equals({value}, {DefaultLiteral(f)}, StringComparison.Ordinal)";
            case "uuid":
                return $"{value} != Guid.Empty";
            case "bool":
                return DefaultLiteral(f) == "true" ? $"!{value}" : value;
            default:
                if (t.IsStruct) return $"({value} is null || !{value}.Equals({Qualified(StructOf(t))}.EmptyInstance))";
                return $"{value} != {DefaultLiteral(f)}";
        }
    }

    private static List<FieldSpec> TaggedFields(StructSpec s, Versions within) =>
        s.Fields.Where(f => f.IsTagged && Cond(f.TaggedVersions.Intersect(f.Versions), within) != "false")
            .OrderBy(f => f.Tag).ToList();

    /// <summary>Whether a tagged field goes on the wire: non-null when its default is null, else non-default.</summary>
    private string TaggedPresent(FieldSpec f, Versions within)
    {
        string cond = Cond(f.TaggedVersions.Intersect(f.Versions), within);
        string check = NonDefaultCheck(f, f.Name);
        return cond == "true" ? check : $"({cond}) && ({check})";
    }

    private void EmitWriteTagged(CodeWriter b, StructSpec s, Versions within)
    {
        string flexCond = Cond(_spec.FlexibleVersions, within);
        List<FieldSpec> tagged = TaggedFields(s, within);
        if (flexCond != "false")
        {
            b.If(flexCond);
            b.Line("int taggedCount = UnknownTaggedFields?.Count ?? 0;");
            foreach (FieldSpec f in tagged) b.Line($"if ({TaggedPresent(f, within)}) taggedCount++;");
            b.Line("writer.WriteUnsignedVarInt((uint)taggedCount);");
            if (tagged.Count > 0) b.Line("int unknownIndex = 0;");
            foreach (FieldSpec f in tagged)
            {
                b.Line($"TaggedFields.WriteUnknownBelow(ref writer, UnknownTaggedFields, ref unknownIndex, {f.Tag});");
                b.Line($"if ({TaggedPresent(f, within)})");
                b.Open();
                b.Line($"writer.WriteUnsignedVarInt({f.Tag});");
                string size = NewLocal("tagSize");
                b.Line($"int {size} = 0;");
                EmitSizeValue(b, f, f.Name, size, within.Intersect(f.TaggedVersions), "true");
                b.Line($"writer.WriteUnsignedVarInt((uint){size});");
                EmitWriteValue(b, f, f.Name, within.Intersect(f.TaggedVersions), "true", f.NullableVersions);
                b.Close();
            }
            b.Line(tagged.Count > 0
                ? "TaggedFields.WriteUnknownBelow(ref writer, UnknownTaggedFields, ref unknownIndex, int.MaxValue);"
                : "TaggedFields.WriteUnknown(ref writer, UnknownTaggedFields);");
            b.EndIf(flexCond);
        }
        if (flexCond != "true")
        {
            string notFlex = flexCond == "false" ? "" : $"{Not(flexCond)} && ";
            b.Line($"if ({notFlex}UnknownTaggedFields is {{ Count: > 0 }})");
            b.Line("    ThrowHelper.CannotWrite($\"tagged fields cannot be written at version {version}\");");
        }
    }
}
