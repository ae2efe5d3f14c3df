namespace Samsa.ProtocolGen;

/// <summary>
/// Emits each request's <c>ErrorResponse(version, error)</c>: the response Kafka gives when the whole request fails,
/// as its Java client's <c>AbstractRequest.getErrorResponse</c> builds it. The rules come from the definitions:
/// <list type="bullet">
/// <item>Every error-code field of a struct the method builds (the response, and each element it mirrors) that
/// exists at the version carries the error.</item>
/// <item>A response array mirrors a request array of the same name, or the one Kafka's naming pairs with it
/// (<see cref="CollectionPairs"/>), element for element, when its elements carry an error code (themselves or in
/// an array they mirror) and say what they are about: with an identity field the request's elements also have (a
/// request list of names or indexes fills the response element's one identity field of that type), with a key
/// array of identity fields only, or by position (<see cref="PositionalPairs"/>). Each identity field that exists
/// in both at the version is copied.</item>
/// <item>Where Kafka leaves a field at an "unknown" value that the definitions do not make the default, the method
/// sets it (<see cref="UnknownValues"/>); record data is empty, not null; an error message is set only where Kafka
/// sets one (<see cref="ApisWithErrorMessages"/>).</item>
/// </list>
/// An API whose Kafka answer these rules cannot give implements the generated <c>OnErrorResponse</c> partial method
/// by hand, in src/Samsa.Protocol/ErrorResponses, saying why.
/// </summary>
public sealed class ErrorResponseEmitter
{
    /// <summary>(request array, response array) pairs that Kafka's getErrorResponse methods name differently.</summary>
    private static readonly HashSet<(string Request, string Response)> CollectionPairs =
    [
        ("TopicData", "Responses"),                 // Produce
        ("PartitionData", "PartitionResponses"),    // Produce
        ("Topics", "Responses"),                    // Fetch, AlterPartitionReassignments
        ("Topics", "Results"),                      // CreatePartitions, the share-group state APIs
        ("Resources", "Responses"),                 // AlterConfigs, IncrementalAlterConfigs
        ("Resources", "Results"),                   // DescribeConfigs
        ("TopicNames", "Responses"),                // DeleteTopics v0-5
        ("GroupsNames", "Results"),                 // DeleteGroups
        ("GroupIds", "Groups"),                     // ConsumerGroupDescribe, ShareGroupDescribe
        ("CoordinatorKeys", "Coordinators"),        // FindCoordinator v4+
        ("TransactionalIds", "TransactionStates"),  // DescribeTransactions
        ("PartitionIndexes", "Partitions"),         // DescribeProducers, WriteTxnMarkers, OffsetFetch v0-7
        ("TopicPartitions", "ReplicaElectionResults"), // ElectLeaders
        ("Partitions", "PartitionResult"),          // ElectLeaders
        ("V3AndBelowTopics", "ResultsByTopicV3AndBelow"), // AddPartitionsToTxn v0-3
        ("Partitions", "ResultsByPartition"),       // AddPartitionsToTxn v0-3
    ];

    /// <summary>
    /// (request array, response array) pairs whose elements Kafka matches by position alone: one result per ACL
    /// creation or deletion filter, or per user described, with nothing in it to say which.
    /// </summary>
    private static readonly HashSet<(string Request, string Response)> PositionalPairs =
    [
        ("Creations", "Results"),                   // CreateAcls
        ("Filters", "FilterResults"),               // DeleteAcls
        ("Users", "Results"),                       // DescribeUserScramCredentials
    ];

    /// <summary>Fields that say which topic, partition, resource, group or key an element is about.</summary>
    private static readonly HashSet<string> IdentityFields =
    [
        "Name", "Topic", "TopicName", "TopicId", "PartitionIndex", "Partition", "PartitionId", "Index",
        "ResourceType", "ResourceName", "GroupId", "Key", "TransactionalId", "ProducerId", "EntityType", "EntityName",
    ];

    /// <summary>Names Kafka gives the same identity on the two sides (Fetch's Partition is PartitionIndex).</summary>
    private static readonly string[][] IdentityAliases =
    [
        ["Name", "Topic", "TopicName"],
        ["PartitionIndex", "Partition", "PartitionId", "Index"],
    ];

    /// <summary>Error-code fields: ErrorCode, and AddPartitionsToTxn's PartitionErrorCode.</summary>
    private static readonly HashSet<string> ErrorCodeFields = ["ErrorCode", "PartitionErrorCode"];

    /// <summary>
    /// Kafka's "unknown" values where the definitions' default is 0: ProduceResponse.INVALID_OFFSET,
    /// FetchResponse.INVALID_HIGH_WATERMARK, DeleteRecordsResponse.INVALID_LOW_WATERMARK, OffsetFetchResponse's
    /// INVALID_OFFSET, Node.noNode() and RecordBatch.NO_PRODUCER_EPOCH.
    /// </summary>
    private static readonly Dictionary<string, string> UnknownValues = new(StringComparer.Ordinal)
    {
        ["BaseOffset"] = "-1",
        ["HighWatermark"] = "-1",
        ["LowWatermark"] = "-1",
        ["CommittedOffset"] = "-1",
        ["NodeId"] = "-1",
        ["Port"] = "-1",
        ["ProducerEpoch"] = "-1",
    };

    /// <summary>
    /// APIs whose getErrorResponse sets an error message (from ApiError.fromThrowable or Errors.message()) beside
    /// each error code; the others leave it null.
    /// </summary>
    private static readonly HashSet<string> ApisWithErrorMessages =
    [
        "Produce", "FindCoordinator", "CreateTopics", "CreatePartitions", "DescribeConfigs", "AlterConfigs",
        "IncrementalAlterConfigs", "DescribeCluster", "CreateAcls", "DeleteAcls", "DescribeAcls",
        "AlterPartitionReassignments", "ListPartitionReassignments", "ElectLeaders", "DescribeClientQuotas",
        "AlterClientQuotas", "DescribeUserScramCredentials", "AlterUserScramCredentials", "SaslAuthenticate",
        "UpdateFeatures", "DescribeQuorum", "AddRaftVoter", "RemoveRaftVoter", "ControllerRegistration",
        "ReadShareGroupState", "WriteShareGroupState", "ReadShareGroupStateSummary",
    ];

    private readonly MessageSpec _request;
    private readonly MessageSpec _response;
    private readonly string _namespace;
    private readonly bool _messages;
    private int _local;

    public ErrorResponseEmitter(MessageSpec request, MessageSpec response, string ns)
    {
        _request = request;
        _response = response;
        _namespace = ns;
        _messages = ApisWithErrorMessages.Contains(ApiKeyEmitter.KeyName(request));
    }

    /// <summary>One response array filled from one request array, with the arrays its elements fill in turn.</summary>
    private sealed record Mirror(FieldSpec Target, StructSpec TargetElement, FieldSpec Source,
        StructSpec? SourceElement, List<Mirror> Children);

    public void Emit(CodeWriter w)
    {
        string response = ResponseType(_response.Name);
        Versions within = _request.ValidVersions;
        w.Line("/// <inheritdoc cref=\"global::Samsa.Protocol.IKafkaRequest.ErrorResponse\"/>");
        w.Line($"public {response} ErrorResponse(short version, global::Samsa.Protocol.ErrorCode error)");
        w.Open();
        w.Line($"var response = new {response}();");
        _local = 0;
        EmitFill(w, "response", _response.Fields, within);
        foreach (Mirror m in Mirrors(_request.Fields, _response.Fields)) EmitMirror(w, m, null, "response", within);
        w.Line("OnErrorResponse(this, response, version, error);");
        w.Line("return response;");
        w.Close();
        w.Line();
        w.Line("global::Samsa.Protocol.IKafkaMessage global::Samsa.Protocol.IKafkaRequest.ErrorResponse(");
        w.Line("    short version, global::Samsa.Protocol.ErrorCode error) => ErrorResponse(version, error);");
        w.Line();
        w.Summary("Where Kafka answers this API otherwise than the generated rules, a hand-written part adjusts "
            + "the response.");
        w.Line($"static partial void OnErrorResponse({_request.Name} request, {response} response, short version,");
        w.Line("    global::Samsa.Protocol.ErrorCode error);");
    }

    private string ResponseType(string typeName) =>
        typeName == _response.Name
            ? $"global::{_namespace}.{typeName}"
            : $"global::{_namespace}.{_response.Name}.{typeName}";

    private string RequestType(StructSpec s) => $"global::{_namespace}.{_request.Name}.{s.TypeName}";

    // ---- matching ----------------------------------------------------------------------------------------------

    private List<Mirror> Mirrors(List<FieldSpec> request, List<FieldSpec> response)
    {
        var result = new List<Mirror>();
        var sameName = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldSpec f in request)
        {
            if (f.Type.IsArray && response.Any(r => r.Type.IsArray && r.Name == f.Name)) sameName.Add(f.Name);
        }
        foreach (FieldSpec target in response)
        {
            if (!target.Type.IsArray || !target.Type.Element!.IsStruct) continue;
            StructSpec element = _response.Structs[target.Type.Element.Name];
            foreach (FieldSpec source in request)
            {
                if (!source.Type.IsArray) continue;
                bool positional = PositionalPairs.Contains((source.Name, target.Name));
                bool paired = positional || source.Name == target.Name
                    || (!sameName.Contains(source.Name) && CollectionPairs.Contains((source.Name, target.Name)));
                if (!paired || source.Versions.Intersect(target.Versions).IsEmpty) continue;
                FieldType sourceType = source.Type.Element!;
                StructSpec? sourceElement = sourceType.IsStruct ? _request.Structs[sourceType.Name] : null;
                List<Mirror> children = sourceElement is null ? [] : Mirrors(sourceElement.Fields, element.Fields);
                List<Mirror> keys = sourceElement is null ? [] : KeyMirrors(sourceElement.Fields, element.Fields);
                bool identified = positional || keys.Count > 0 || (sourceElement is null
                    ? KeyFor(sourceType, element) is not null
                    : element.Fields.Any(f => IdentitySource(f, sourceElement) is not null));
                if (!identified || (!element.Fields.Any(IsErrorCode) && children.Count == 0)) continue;
                result.Add(new Mirror(target, element, source, sourceElement, [.. keys, .. children]));
            }
        }
        return result;
    }

    /// <summary>
    /// Arrays of the same name whose response elements hold identity fields only: a key made of parts, such as a
    /// client quota's entity, copied whole so the element it belongs to says what it is about.
    /// </summary>
    private List<Mirror> KeyMirrors(List<FieldSpec> request, List<FieldSpec> response)
    {
        var result = new List<Mirror>();
        foreach (FieldSpec target in response)
        {
            if (!target.Type.IsArray || !target.Type.Element!.IsStruct) continue;
            StructSpec element = _response.Structs[target.Type.Element.Name];
            FieldSpec? source = request.Find(f => f.Name == target.Name && f.Type.IsArray && f.Type.Element!.IsStruct);
            if (source is null || !element.Fields.TrueForAll(f => IdentityFields.Contains(f.Name))) continue;
            StructSpec sourceElement = _request.Structs[source.Type.Element!.Name];
            if (element.Fields.Exists(f => IdentitySource(f, sourceElement) is not null))
                result.Add(new Mirror(target, element, source, sourceElement, []));
        }
        return result;
    }

    private static bool IsErrorCode(FieldSpec f) => ErrorCodeFields.Contains(f.Name) && f.Type.Name == "int16";

    /// <summary>The request element's field that says what <paramref name="target"/> says, if any.</summary>
    private static FieldSpec? IdentitySource(FieldSpec target, StructSpec source)
    {
        if (!IdentityFields.Contains(target.Name) || !target.Type.IsPrimitive) return null;
        FieldSpec? same = source.Fields.Find(f => f.Name == target.Name && f.Type.Name == target.Type.Name);
        if (same is not null) return same;
        string[]? group = Array.Find(IdentityAliases, g => g.Contains(target.Name));
        if (group is null) return null;
        foreach (string alias in group)
        {
            FieldSpec? found = source.Fields.Find(f => f.Name == alias && f.Type.Name == target.Type.Name);
            if (found is not null) return found;
        }
        return null;
    }

    /// <summary>The one identity field of <paramref name="element"/> a list of <paramref name="type"/> fills.</summary>
    private FieldSpec? KeyFor(FieldType type, StructSpec element)
    {
        var keys = element.Fields.Where(f => IdentityFields.Contains(f.Name) && f.Type.Name == type.Name).ToList();
        if (keys.Count > 1)
        {
            string candidates = string.Join(", ", keys.Select(k => k.Name));
            throw new InvalidDataException(
                $"{_response.SourceFile}: a list of {type.Name} could fill any of {candidates}");
        }
        return keys.Count == 1 ? keys[0] : null;
    }

    // ---- emission ----------------------------------------------------------------------------------------------

    /// <summary>Sets the error codes, messages, unknown values and empty records of one built struct.</summary>
    private void EmitFill(CodeWriter w, string target, List<FieldSpec> fields, Versions within)
    {
        foreach (FieldSpec f in fields)
        {
            string? value = IsErrorCode(f) ? "(short)error"
                : f.Name == "ErrorMessage" && f.Type.Name == "string" && _messages && fields.Any(IsErrorCode)
                    ? "global::Samsa.Protocol.ErrorCodes.Message(error)"
                : f.Type.Name == "records" ? "ReadOnlySequence<byte>.Empty"
                : f.Type.IsPrimitive && UnknownValues.TryGetValue(f.Name, out string? unknown) ? unknown
                : null;
            if (value is null) continue;
            Assign(w, MessageEmitter.Cond(f.Versions, within), $"{target}.{f.Name} = {value};");
        }
    }

    private void EmitMirror(CodeWriter w, Mirror m, string? sourceOwner, string targetOwner, Versions within)
    {
        Versions versions = m.Source.Versions.Intersect(m.Target.Versions).Intersect(within);
        string cond = MessageEmitter.Cond(versions, within);
        if (cond == "false") return;
        w.If(cond);
        string source = sourceOwner is null ? m.Source.Name : $"{sourceOwner}.{m.Source.Name}";
        bool nullable = m.Source.IsNullableAnywhere || m.Source.DefaultIsNull;
        if (nullable)
        {
            w.Line($"if ({source} is not null)");
            w.Open();
        }
        string item = "item" + _local.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string built = "built" + _local.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _local++;
        string itemType = m.SourceElement is null ? ElementType(m.Source.Type.Element!) : RequestType(m.SourceElement);
        w.Line($"foreach ({itemType} {item} in {source})");
        w.Open();
        w.Line($"var {built} = new {ResponseType(m.TargetElement.TypeName)}();");
        if (m.SourceElement is null)
        {
            FieldSpec key = KeyFor(m.Source.Type.Element!, m.TargetElement)!;
            Assign(w, MessageEmitter.Cond(key.Versions, versions), $"{built}.{key.Name} = {item};");
        }
        else
        {
            foreach (FieldSpec f in m.TargetElement.Fields)
            {
                if (IdentitySource(f, m.SourceElement) is not { } from) continue;
                string value = $"{item}.{from.Name}";
                if (from.Type.Name == "string" && (from.IsNullableAnywhere || from.DefaultIsNull)
                    && !NullableThroughout(f, versions))
                {
                    value += " ?? \"\"";   // Kafka answers "" where the response cannot carry a null name
                }
                string both = MessageEmitter.Cond(from.Versions.Intersect(f.Versions), versions);
                Assign(w, both, $"{built}.{f.Name} = {value};");
            }
        }
        EmitFill(w, built, m.TargetElement.Fields, versions);
        foreach (Mirror child in m.Children) EmitMirror(w, child, item, built, versions);
        w.Line(m.Target.DefaultIsNull
            ? $"({targetOwner}.{m.Target.Name} ??= []).Add({built});"
            : $"{targetOwner}.{m.Target.Name}.Add({built});");
        w.Close();
        if (nullable) w.Close();
        w.EndIf(cond);
    }

    private static void Assign(CodeWriter w, string cond, string statement)
    {
        if (cond == "false") return;
        w.Line(cond == "true" ? statement : $"if ({cond}) {statement}");
    }

    /// <summary>Whether <paramref name="f"/> may be null at each version of <paramref name="within"/> it has.</summary>
    private static bool NullableThroughout(FieldSpec f, Versions within)
    {
        Versions present = f.Versions.Intersect(within);
        return present.IsEmpty || present.Intersect(f.NullableVersions) == present;
    }

    private static string ElementType(FieldType t) => t.Name switch
    {
        "string" => "string",
        "int8" => "sbyte",
        "int16" => "short",
        "int32" => "int",
        "int64" => "long",
        "uuid" => "Guid",
        _ => throw new InvalidDataException($"a list of {t.Name} cannot name what an error response is about"),
    };
}
