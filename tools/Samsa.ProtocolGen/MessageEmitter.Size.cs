namespace Samsa.ProtocolGen;

// GetSize (the bytes Write produces, computed without writing) and value equality.
public sealed partial class MessageEmitter
{
    private void EmitSize(StructSpec s, Versions within)
    {
        _local = 0;
        var body = new CodeWriter(_w.Indent + 1);
        body.Line("int size = 0;");
        foreach (FieldSpec f in s.Fields)
        {
            string cond = Cond(f.MandatoryVersions, within);
            if (cond == "false") continue;
            body.If(cond);
            EmitSizeValue(body, f, f.Name, "size", within.Intersect(f.MandatoryVersions), CompactExpr(f, within));
            body.EndIf(cond);
        }
        string flexCond = Cond(_spec.FlexibleVersions, within);
        if (flexCond != "false")
        {
            List<FieldSpec> tagged = TaggedFields(s, within);
            body.If(flexCond);
            body.Line("int taggedCount = UnknownTaggedFields?.Count ?? 0;");
            body.Line("size += TaggedFields.SizeOfUnknown(UnknownTaggedFields);");
            foreach (FieldSpec f in tagged)
            {
                body.Line($"if ({TaggedPresent(f, within)})");
                body.Open();
                body.Line("taggedCount++;");
                string t = NewLocal("tagSize");
                body.Line($"int {t} = 0;");
                EmitSizeValue(body, f, f.Name, t, within.Intersect(f.TaggedVersions), "true");
                body.Line($"size += VarInt.SizeOfUnsigned({f.Tag}u) + VarInt.SizeOfUnsigned((uint){t}) + {t};");
                body.Close();
            }
            body.Line("size += VarInt.SizeOfUnsigned((uint)taggedCount);");
            body.EndIf(flexCond);
        }
        body.Line("return size;");
        _w.Line("public int GetSize(short version)");
        _w.Open();
        EmitFlexibleLocal(body, within);
        _w.Append(body);
        _w.Close();
        _w.Line();
    }

    private void EmitSizeValue(CodeWriter b, FieldSpec f, string value, string acc, Versions within, string compact)
    {
        FieldType t = f.Type;
        if (t.IsArray)
        {
            FieldType e = t.Element!;
            b.Line($"if ({value} is null)");
            b.Line($"    {acc} += VarInt.SizeOfArrayLength(-1, {compact});");
            b.Line("else");
            b.Open();
            b.Line($"{acc} += VarInt.SizeOfArrayLength({value}.Count, {compact});");
            int? fixedSize = FixedSize(e);
            if (fixedSize is { } fs)
            {
                b.Line($"{acc} += {value}.Count * {fs};");
            }
            else
            {
                string i = NewLocal("i");
                b.Line($"for (int {i} = 0; {i} < {value}.Count; {i}++)");
                b.Line($"    {acc} += {ElementSize(e, $"{value}[{i}]", compact)};");
            }
            b.Close();
            return;
        }
        switch (t.Name)
        {
            case "string":
                b.Line($"{acc} += VarInt.SizeOfString({value}, {compact});");
                return;
            case "bytes":
                b.Line($"{acc} += VarInt.SizeOfBytes({value}?.Length ?? -1, {compact});");
                return;
            case "records":
                b.Line($"{acc} += VarInt.SizeOfRecords({value}, {compact});");
                return;
            default:
                if (t.IsStruct)
                {
                    string nullCond = Cond(f.NullableVersions, within);
                    if (nullCond != "false")
                    {
                        // A marker precedes a nullable struct: int8 when mandatory, an unsigned varint when tagged.
                        b.If(nullCond);
                        b.Line($"{acc} += 1;");
                        b.EndIf(nullCond);
                    }
                    b.Line($"if ({value} is not null) {acc} += {value}.GetSize(version);");
                    return;
                }
                b.Line($"{acc} += {FixedSize(t)};");
                return;
        }
    }

    private static int? FixedSize(FieldType t) => t.IsArray ? null : t.Name switch
    {
        "bool" or "int8" => 1,
        "int16" or "uint16" => 2,
        "int32" or "uint32" => 4,
        "int64" or "float64" => 8,
        "uuid" => 16,
        _ => null,
    };

    private static string ElementSize(FieldType e, string value, string compact) => e.Name switch
    {
        "string" => $"VarInt.SizeOfString({value}, {compact})",
        "bytes" => $"VarInt.SizeOfBytes({value}.Length, {compact})",
        _ => $"{value}.GetSize(version)",
    };

    // ---- equality ----------------------------------------------------------------------------------------------

    private void EmitEquality(StructSpec s, string name)
    {
        _w.Line($"public bool Equals({name}? other)");
        _w.Open();
        _w.Line("if (other is null) return false;");
        _w.Line("if (ReferenceEquals(this, other)) return true;");
        foreach (FieldSpec f in s.Fields)
        {
            string a = f.Name;
            string o = $"other.{f.Name}";
            string expr = f.Type.IsArray ? $"Equality.ListEquals({a}, {o})" : f.Type.Name switch
            {
                "string" => $"string.Equals({a}, {o}, StringComparison.Ordinal)",
                "bytes" => $"Equality.BytesEqual({a}, {o})",
                "records" => $"Equality.RecordsEqual({a}, {o})",
                "float64" => $"{a}.Equals({o})",
                _ when f.Type.IsStruct => $"Equals({a}, {o})",
                _ => $"{a} == {o}",
            };
            _w.Line($"if (!({expr})) return false;");
        }
        _w.Line("return Equality.TaggedFieldsEqual(UnknownTaggedFields, other.UnknownTaggedFields);");
        _w.Close();
        _w.Line();
        _w.Line($"public override bool Equals(object? obj) => Equals(obj as {name});");
        _w.Line();
        _w.Line("public override int GetHashCode()");
        _w.Open();
        _w.Line("var hash = new HashCode();");
        foreach (FieldSpec f in s.Fields.Where(f => IsValueType(f.Type) || f.Type.Name == "string"))
            _w.Line($"hash.Add({f.Name});");
        _w.Line("return hash.ToHashCode();");
        _w.Close();
    }
}
