namespace Samsa.ProtocolGen;

// Read: each field at the versions it exists in, then the tagged fields of flexible versions.
public sealed partial class MessageEmitter
{
    private void EmitRead(StructSpec s, Versions within, string name)
    {
        _local = 0;
        var body = new CodeWriter(_w.Indent + 1);
        body.Line($"var result = new {name}();");
        foreach (FieldSpec f in s.Fields)
        {
            string cond = Cond(f.MandatoryVersions, within);
            if (cond == "false") continue;
            body.If(cond);
            EmitReadValue(body, f, $"result.{f.Name}", "reader", within.Intersect(f.MandatoryVersions),
                CompactExpr(f, within), f.NullableVersions);
            body.EndIf(cond);
        }
        EmitReadTagged(body, s, within);
        body.Line("return result;");
        _w.Line($"public static {name} Read(ref KafkaReader reader, short version)");
        _w.Open();
        EmitFlexibleLocal(body, within);
        _w.Append(body);
        _w.Close();
        _w.Line();
    }

    private void EmitFlexibleLocal(CodeWriter body, Versions within)
    {
        if (body.ToString().Contains("flexible", StringComparison.Ordinal))
            _w.Line($"bool flexible = {Cond(_spec.FlexibleVersions, within)};");
    }

    private void EmitReadValue(CodeWriter b, FieldSpec f, string target, string reader, Versions within, string compact,
        Versions nullable)
    {
        FieldType t = f.Type;
        string nullCond = Cond(nullable, within);
        string nullCheck = Guarded(Not(nullCond), $"ThrowHelper.NullNotAllowed(\"{f.Name}\", version);");
        if (t.IsArray)
            EmitReadArray(b, t.Element!, target, reader, compact, nullCond, nullCheck);
        else if (t.Name is "string" or "bytes" or "records")
            EmitReadReference(b, t, target, reader, compact, nullCond, nullCheck);
        else if (t.IsStruct)
            EmitReadStruct(b, f, target, reader, nullCond);
        else
            b.Line($"{target} = {PrimitiveRead(t, reader)};");
    }

    private void EmitReadArray(CodeWriter b, FieldType e, string target, string reader, string compact, string nullCond,
        string nullCheck)
    {
        string n = NewLocal("n");
        string list = NewLocal("list");
        string i = NewLocal("i");
        b.Line($"int {n} = {reader}.ReadArrayLength({compact});");
        b.Line($"if ({n} < 0)");
        b.Open();
        if (nullCond != "true") b.Line(nullCheck);
        b.Line($"{target} = null!;");
        b.Close();
        b.Line("else");
        b.Open();
        b.Line($"var {list} = new List<{ElementType(e)}>({n});");
        b.Line($"for (int {i} = 0; {i} < {n}; {i}++)");
        b.Line($"    {list}.Add({ElementRead(e, reader, compact)});");
        b.Line($"{target} = {list};");
        b.Close();
    }

    /// <summary>A string, bytes or records field: read as nullable, then checked when null is not allowed.</summary>
    private void EmitReadReference(CodeWriter b, FieldType t, string target, string reader, string compact,
        string nullCond, string nullCheck)
    {
        string method = t.Name switch { "string" => "ReadString", "bytes" => "ReadBytes", _ => "ReadRecords" };
        if (nullCond == "true")
        {
            b.Line($"{target} = {reader}.{method}({compact});");
            return;
        }
        string v = NewLocal("v");
        b.Line($"var {v} = {reader}.{method}({compact});");
        b.Line($"if ({v} is null) {{ {nullCheck} }}");
        b.Line($"{target} = {v}!;");
    }

    private void EmitReadStruct(CodeWriter b, FieldSpec f, string target, string reader, string nullCond)
    {
        string type = Qualified(StructOf(f.Type));
        if (nullCond == "false")
        {
            b.Line($"{target} = {type}.Read(ref {reader}, version);");
            return;
        }
        b.If(nullCond);
        string marker = f.IsTagged ? $"{reader}.ReadUnsignedVarInt() == 0" : $"{reader}.ReadInt8() < 0";
        b.Line($"{target} = {marker} ? null! : {type}.Read(ref {reader}, version);");
        b.EndIf(nullCond);
        if (nullCond != "true")
        {
            b.Line("else");
            b.Line($"    {target} = {type}.Read(ref {reader}, version);");
        }
    }

    private string ElementRead(FieldType e, string reader, string compact) => e.Name switch
    {
        "string" => $"{reader}.ReadRequiredString({compact})",
        "bytes" => $"{reader}.ReadBytes({compact}) ?? throw new ProtocolException(\"null bytes in array\")",
        _ when e.IsStruct => $"{Qualified(StructOf(e))}.Read(ref {reader}, version)",
        _ => PrimitiveRead(e, reader),
    };

    private static string PrimitiveRead(FieldType t, string reader) => t.Name switch
    {
        "bool" => $"{reader}.ReadBool()",
        "int8" => $"{reader}.ReadInt8()",
        "int16" => $"{reader}.ReadInt16()",
        "uint16" => $"{reader}.ReadUInt16()",
        "int32" => $"{reader}.ReadInt32()",
        "uint32" => $"{reader}.ReadUInt32()",
        "int64" => $"{reader}.ReadInt64()",
        "float64" => $"{reader}.ReadFloat64()",
        "uuid" => $"{reader}.ReadUuid()",
        _ => throw new InvalidDataException($"not a primitive: {t.Name}"),
    };

    private void EmitReadTagged(CodeWriter b, StructSpec s, Versions within)
    {
        string flexCond = Cond(_spec.FlexibleVersions, within);
        if (flexCond == "false") return;
        List<FieldSpec> tagged = s.Fields.Where(f => f.IsTagged).OrderBy(f => f.Tag).ToList();
        b.If(flexCond);
        b.Line("int taggedCount = reader.ReadTaggedLength();");
        b.Line("for (int t = 0; t < taggedCount; t++)");
        b.Open();
        b.Line("int tag = (int)reader.ReadUnsignedVarInt();");
        b.Line("int tagSize = reader.ReadTaggedLength();");
        bool any = false;
        foreach (FieldSpec f in tagged)
        {
            string cond = Cond(f.TaggedVersions.Intersect(f.Versions), within);
            if (cond == "false") continue;
            string guard = cond == "true" ? "" : $" && {cond}";
            b.Line($"{(any ? "else " : "")}if (tag == {f.Tag}{guard})");
            b.Open();
            b.Line("var tagReader = reader.ReadSlice(tagSize);");
            EmitReadValue(b, f, $"result.{f.Name}", "tagReader", within.Intersect(f.TaggedVersions), "true",
                f.NullableVersions);
            b.Line($"tagReader.EnsureEnd(\"tagged field {f.Name}\");");
            b.Close();
            any = true;
        }
        if (any) b.Line("else");
        b.Line($"{(any ? "    " : "")}(result.UnknownTaggedFields ??= [])"
            + ".Add(reader.ReadUnknownTaggedField(tag, tagSize));");
        b.Close();
        b.EndIf(flexCond);
    }
}
