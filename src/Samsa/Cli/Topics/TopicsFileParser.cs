using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Samsa.Cli.Topics;

/// <summary>
/// Reads <c>topics.yaml</c>:
/// <code>
/// defaults:                      # optional; each topic may override each part
///   partitions: 3
///   replication-factor: ${TOPICS_REPLICATION_FACTOR:-1}
///   configs: { cleanup.policy: delete }
/// topics:
///   cv_parsing:                  # Kafka's topic-name rules
///     partitions: 6
///     configs:
///       retention.ms: 604800000  # Kafka's topic config names; values checked as the broker checks them
/// </code>
/// A scalar value may name an environment variable, as compose does: <c>${NAME}</c>, <c>${NAME:-default}</c> (the
/// default when unset or empty), <c>${NAME-default}</c> (when unset); <c>$$</c> is a literal <c>$</c>. Every
/// problem is reported, each as <c>FILE:LINE: what is wrong</c>; nothing is applied from a file with any.
/// </summary>
internal static class TopicsFileParser
{
    private const int MaxTopicNameLength = 249;
    private const string Partitions = "partitions";
    private const string ReplicationFactor = "replication-factor";
    private const string Configs = "configs";

    /// <summary>Parses <paramref name="text"/>; false with every problem in <paramref name="errors"/>.</summary>
    /// <param name="source">What messages call the file (its path).</param>
    /// <param name="text">The file's text.</param>
    /// <param name="environment">The variables <c>${NAME}</c> reads.</param>
    /// <param name="file">The topics, when there are no errors.</param>
    /// <param name="errors">One line each: <c>FILE:LINE: problem</c>.</param>
    public static bool TryParse(string source, string text, IReadOnlyDictionary<string, string> environment,
        [NotNullWhen(true)] out TopicsFile? file, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        file = null;
        var reader = new Reader(source, environment, problems);
        IReadOnlyList<TopicSpec> topics = reader.Read(text);
        if (problems.Count > 0) return false;
        file = new TopicsFile(source, topics);
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a legal Kafka topic name; if not, why.</summary>
    public static string? ValidateTopicName(string name)
    {
        if (name.Length == 0) return "a topic name must not be empty";
        if (name is "." or "..") return $"\"{name}\" is not a legal topic name";
        if (name.Length > MaxTopicNameLength)
            return string.Create(CultureInfo.InvariantCulture,
                $"topic name {name} is longer than {MaxTopicNameLength} characters");
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return $"topic name \"{name}\" may hold only ASCII letters, digits, '.', '_' and '-'";
        }

        return null;
    }

    private sealed class Reader(string source, IReadOnlyDictionary<string, string> environment, List<string> errors)
    {
        public IReadOnlyList<TopicSpec> Read(string text)
        {
            if (LoadRoot(text) is not { } root) return [];
            if (ReadSections(root, out Part defaults) is not { } topics) return [];

            var result = new List<TopicSpec>(topics.Children.Count);
            foreach ((YamlNode keyNode, YamlNode value) in topics.Children)
            {
                if (ReadTopic(keyNode, value, defaults) is { } topic) result.Add(topic);
            }

            if (result.Count == 0 && errors.Count == 0) Error(topics, "the topics: section lists no topics");
            return result;
        }

        /// <summary>The file's one document, a mapping; null (with the error added) otherwise.</summary>
        private YamlMappingNode? LoadRoot(string text)
        {
            if (!CheckSyntax(text)) return null;
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                // The syntax is checked; what is left is a key written twice in one mapping.
                const string Duplicate = "Duplicate key ";
                string message = Describe(e);
                if (message.StartsWith(Duplicate, StringComparison.Ordinal))
                    message = $"{message[Duplicate.Length..]} appears twice in the same mapping";
                errors.Add($"{source}:{Line(e.Start)}: {message}");
                return null;
            }

            if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
            {
                errors.Add($"{source}:1: the file is empty; it needs a topics: section");
                return null;
            }

            if (stream.Documents.Count > 1)
                Error(stream.Documents[1].RootNode, "expected one YAML document, found more");
            return TryMapping(stream.Documents[0].RootNode, "the file", out YamlMappingNode? root) ? root : null;
        }

        /// <summary>The <c>defaults:</c> and <c>topics:</c> sections; null without a usable topics section.</summary>
        private YamlMappingNode? ReadSections(YamlMappingNode root, out Part defaults)
        {
            defaults = new Part(null, null, new(StringComparer.Ordinal), HasPartitions: false,
                HasReplicationFactor: false);
            YamlMappingNode? topics = null;
            foreach ((YamlNode keyNode, YamlNode value) in root.Children)
            {
                switch (Key(keyNode))
                {
                    case "defaults":
                        defaults = ReadPart(value, "defaults");
                        break;
                    case "topics":
                        TryMapping(value, "topics", out topics);
                        break;
                    case var other:
                        Error(keyNode, $"unknown section {other}; expected defaults or topics");
                        break;
                }
            }

            if (topics is null && !root.Children.Keys.Any(k => Key(k) == "topics"))
                Error(root, "the file has no topics: section");
            return topics;
        }

        /// <summary>One entry of <c>topics:</c> over the defaults; null when its name is not legal.</summary>
        private TopicSpec? ReadTopic(YamlNode keyNode, YamlNode value, Part defaults)
        {
            string name = Key(keyNode);
            if (ValidateTopicName(name) is { } nameError)
            {
                Error(keyNode, nameError);
                return null;
            }

            Part part = ReadPart(value, "topic " + name);
            int line = Line(keyNode.Start);
            if (!part.HasPartitions && !defaults.HasPartitions)
                Error(keyNode, $"topic {name} needs partitions (here or under defaults)");
            if (!part.HasReplicationFactor && !defaults.HasReplicationFactor)
                Error(keyNode, $"topic {name} needs replication-factor (here or under defaults)");
            var configs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach ((string key, (string configValue, YamlNode _)) in defaults.Configs) configs[key] = configValue;
            foreach ((string key, (string configValue, YamlNode _)) in part.Configs) configs[key] = configValue;
            CheckTogether(name, configs, part, defaults, keyNode);
            return new TopicSpec(name, part.Partitions ?? defaults.Partitions ?? 0,
                part.ReplicationFactor ?? defaults.ReplicationFactor ?? 0, configs, line);
        }

        // Reads the events once to report a syntax error with its line: some of YamlDotNet's scanner errors are
        // InvalidOperationExceptions without a position, so the line is that of the last event read.
        private bool CheckSyntax(string text)
        {
            var parser = new Parser(new StringReader(text));
            Mark last = Mark.Empty;
            try
            {
                while (parser.MoveNext()) last = parser.Current!.End;
                return true;
            }
            catch (YamlException e)
            {
                errors.Add($"{source}:{Line(e.Start)}: {Describe(e)}");
            }
            catch (InvalidOperationException)
            {
                errors.Add($"{source}:{Line(last)}: not valid YAML after this line");
            }

            return false;
        }

        private Part ReadPart(YamlNode node, string what)
        {
            var configs = new Dictionary<string, (string, YamlNode)>(StringComparer.Ordinal);
            if (IsNull(node)) return new Part(null, null, configs, false, false);   // "name:" alone: all from defaults
            if (!TryMapping(node, what, out YamlMappingNode? mapping)) return new Part(null, null, configs, true, true);
            int? partitions = null;
            short? replicationFactor = null;
            bool hasPartitions = false;
            bool hasReplicationFactor = false;
            foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
            {
                switch (Key(keyNode))
                {
                    case Partitions:
                        hasPartitions = true;
                        if (TryScalar(value, $"{what}: partitions", out string? p))
                            partitions = Number(value, p, Partitions, max: 1_000_000);
                        break;
                    case ReplicationFactor:
                        hasReplicationFactor = true;
                        if (TryScalar(value, $"{what}: replication-factor", out string? r))
                            replicationFactor = (short?)Number(value, r, ReplicationFactor, max: short.MaxValue);
                        break;
                    case Configs:
                        ReadConfigs(value, what, configs);
                        break;
                    case var other:
                        Error(keyNode,
                            $"{what}: unknown key {other}; expected partitions, replication-factor or configs");
                        break;
                }
            }

            return new Part(partitions, replicationFactor, configs, hasPartitions, hasReplicationFactor);
        }

        private void ReadConfigs(YamlNode node, string what, Dictionary<string, (string, YamlNode)> configs)
        {
            if (IsNull(node)) return;
            if (!TryMapping(node, $"{what}: configs", out YamlMappingNode? mapping)) return;
            foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
            {
                string name = Key(keyNode);
                if (!TopicConfigs.TryGet(name, out ConfigDef? definition))
                {
                    Error(keyNode, $"{what}: unknown topic config {name}");
                    continue;
                }

                if (!TryScalar(value, $"{what}: {name}", out string? text)) continue;
                if (text.Length == 0)
                {
                    Error(value, $"{what}: {name} needs a value");
                    continue;
                }

                if (definition.Validate(text) is { } problem)
                {
                    Error(value, $"{what}: {name}={text.Trim()} {problem}");
                    continue;
                }

                configs[name] = (text.Trim(), value);
            }
        }

        // Each value was checked on its own; this adds the checks across keys (min.compaction.lag.ms <= max).
        private void CheckTogether(string topic, SortedDictionary<string, string> configs, Part part,
            Part defaults, YamlNode topicNode)
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach ((string key, string value) in configs) values[key] = value;
            foreach (ConfigError error in ConfigValidation.ValidateTopicConfigs(values))
            {
                YamlNode at = part.Configs.TryGetValue(error.Name, out (string, YamlNode) own) ? own.Item2
                    : defaults.Configs.TryGetValue(error.Name, out (string, YamlNode) inherited) ? inherited.Item2
                    : topicNode;
                Error(at, $"topic {topic}: {error.Message}");
            }
        }

        private int? Number(YamlNode node, string text, string what, int max)
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                    CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max)
            {
                return value;
            }

            Error(node, string.Create(CultureInfo.InvariantCulture,
                $"{what} must be a whole number from 1 to {max}, not \"{text}\""));
            return null;
        }

        private bool TryMapping(YamlNode node, string what, [NotNullWhen(true)] out YamlMappingNode? mapping)
        {
            mapping = node as YamlMappingNode;
            if (mapping is null) Error(node, $"{what} must be a mapping of name: value lines");
            return mapping is not null;
        }

        private bool TryScalar(YamlNode node, string what, [NotNullWhen(true)] out string? value)
        {
            value = null;
            if (node is not YamlScalarNode scalar)
            {
                Error(node, $"{what} must be a single value");
                return false;
            }

            return TrySubstitute(scalar, scalar.Value ?? "", out value);
        }

        // ${NAME}, ${NAME:-default}, ${NAME-default} and $$, as docker compose interpolates.
        private bool TrySubstitute(YamlNode node, string text, out string? value)
        {
            value = null;
            if (!text.Contains('$', StringComparison.Ordinal))
            {
                value = text;
                return true;
            }

            var result = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != '$')
                {
                    result.Append(text[i]);
                }
                else if (i + 1 < text.Length && text[i + 1] == '$')
                {
                    result.Append('$');
                    i++;
                }
                else if (i + 1 < text.Length && text[i + 1] == '{')
                {
                    int close = text.IndexOf('}', i + 2);
                    if (close < 0)
                    {
                        Error(node, $"unterminated ${{ in \"{text}\"");
                        return false;
                    }

                    if (!TryExpand(node, text[(i + 2)..close], result)) return false;
                    i = close;
                }
                else
                {
                    Error(node, $"a $ in \"{text}\" must start ${{NAME}}, or be written $$");
                    return false;
                }
            }

            value = result.ToString();
            return true;
        }

        private bool TryExpand(YamlNode node, string expression, StringBuilder result)
        {
            int dash = expression.IndexOf('-', StringComparison.Ordinal);
            bool orEmpty = dash > 0 && expression[dash - 1] == ':';
            string name = dash < 0 ? expression : expression[..(orEmpty ? dash - 1 : dash)];
            string? fallback = dash < 0 ? null : expression[(dash + 1)..];
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
                || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
            {
                Error(node, $"${{{expression}}} does not name a variable");
                return false;
            }

            bool isSet = environment.TryGetValue(name, out string? variable);
            if (isSet && !(orEmpty && variable!.Length == 0))
            {
                result.Append(variable);
                return true;
            }

            if (fallback is null)
            {
                Error(node, $"${{{name}}} is not set (write ${{{name}:-default}} to give a default)");
                return false;
            }

            result.Append(fallback);
            return true;
        }

        private static bool IsNull(YamlNode node) => node is YamlScalarNode
        {
            Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL",
        };

        private string Key(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : Unexpected(node);

        private string Unexpected(YamlNode node)
        {
            Error(node, "a key must be a plain name");
            return "";
        }

        private void Error(YamlNode node, string message) => errors.Add($"{source}:{Line(node.Start)}: {message}");

        private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the line is given separately.
        private static string Describe(YamlException e)
        {
            string message = e.Message;
            int colon = message.IndexOf("): ", StringComparison.Ordinal);
            return message.StartsWith('(') && colon > 0 ? message[(colon + 3)..] : message;
        }
    }

    // One topic's entries, or the defaults; Has* tell that the key was written, even if its value was refused.
    private sealed record Part(int? Partitions, short? ReplicationFactor,
        Dictionary<string, (string Text, YamlNode Node)> Configs, bool HasPartitions, bool HasReplicationFactor);
}
