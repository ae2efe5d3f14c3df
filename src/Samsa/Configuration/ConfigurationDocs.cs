using System.Globalization;
using System.Text;

namespace Samsa.Configuration;

/// <summary>
/// Writes <c>docs/configuration.md</c> from the definitions (<c>samsa config docs</c>); a test fails when the
/// committed file differs from what this produces.
/// </summary>
internal static class ConfigurationDocs
{
    public const string RelativePath = "docs/configuration.md";

    public static string Generate()
    {
        var md = new StringBuilder();
        md.Append(Introduction);
        md.Append("## Kafka settings Samsa does not read\n\n");
        md.Append("They are ignored with a warning that says why.\n\n| key | why |\n|---|---|\n");
        var notUsed = KafkaSettingsNotUsed.Reasons.OrderBy(r => r.Key, StringComparer.Ordinal);
        foreach ((string key, string reason) in notUsed)
            md.Append(CultureInfo.InvariantCulture, $"| `{key}` | {reason} |\n");
        md.Append("\nTopic keys Samsa refuses (CreateTopics and AlterConfigs answer INVALID_CONFIG): "
            + "`flush.messages` and `flush.ms` (use `flush.mode`), `file.delete.delay.ms`, `segment.jitter.ms`, "
            + "`segment.index.bytes`, `preallocate`, and the tiered-storage and throttled-replica keys.\n\n");

        md.Append("## Broker settings\n\n");
        md.Append("Read at start-up from the sources above. Those marked *cluster-wide* can also be changed while the "
            + "cluster runs, with AlterConfigs on a broker (`kafka-configs.sh --entity-type brokers --entity-name 1`) "
            + "or on the cluster default (`--entity-default`); the rest are *read-only*.\n\n");
        foreach (ConfigSection section in BrokerConfigs.Sections)
        {
            md.Append(CultureInfo.InvariantCulture, $"### {section.Title}\n\n");
            foreach (ConfigDef config in section.Configs) AppendKey(md, config, broker: true);
        }

        md.Append("## Topic settings\n\n");
        md.Append("Set per topic in `topics.yaml`, CreateTopics or AlterConfigs "
            + "(`kafka-configs.sh --entity-type topics`). A topic without its own value takes the first broker key of "
            + "its *broker default* column that is set (dynamic values for this broker, then cluster-wide dynamic "
            + "values, then the node's configuration), and otherwise the default; DescribeConfigs lists each of those "
            + "as a synonym with its source.\n\n");
        foreach (ConfigDef config in TopicConfigs.All) AppendKey(md, config, broker: false);
        return md.ToString();
    }

    private static void AppendKey(StringBuilder md, ConfigDef config, bool broker)
    {
        string extension = config.IsSamsaExtension ? " (Samsa)" : "";
        md.Append(CultureInfo.InvariantCulture, $"#### `{config.Name}`{extension}\n\n");
        md.Append(config.Documentation).Append("\n\n");
        string type = config.Type.ToString().ToLowerInvariant();
        string defaultText = config.DefaultText is null ? "none" : "`" + config.DefaultText + "`" + Humanize(config);
        string valid = config.ValidValues is null ? "any" : Escape(config.ValidValues);
        if (broker)
        {
            md.Append("| type | default | valid values | update | environment |\n|---|---|---|---|---|\n");
            string update = config.IsDynamic ? "cluster-wide" : "read-only";
            string variable = EnvironmentNames.SamsaVariable(config.Name);
            md.Append(CultureInfo.InvariantCulture,
                $"| {type} | {defaultText} | {valid} | {update} | `{variable}` |\n\n");
        }
        else
        {
            string synonyms = string.Join(", ", TopicConfigs.SynonymsOf(config).Select(s => "`" + s.Broker.Name + "`"));
            md.Append("| type | default | valid values | broker default |\n|---|---|---|---|\n");
            md.Append(CultureInfo.InvariantCulture, $"| {type} | {defaultText} | {valid} | {synonyms} |\n\n");
        }
    }

    // "604800000" → " (7 days)", "1073741824" → " (1 GiB)" for keys in milliseconds or bytes.
    private static string Humanize(ConfigDef config)
    {
        if (!long.TryParse(config.DefaultText, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            || value < 1000)
            return "";
        if (value == long.MaxValue) return " (no limit)";
        string name = config.Name;
        if (name.EndsWith(".ms", StringComparison.Ordinal))
            return Unit(value, [(86_400_000, "day"), (3_600_000, "hour"), (60_000, "minute"), (1000, "second")]);
        if (name.EndsWith(".minutes", StringComparison.Ordinal))
            return Unit(value, [(1440, "day"), (60, "hour")]);
        if (name.EndsWith(".bytes", StringComparison.Ordinal))
            return Unit(value, [(1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")], plural: false);
        return "";
    }

    private static string Unit(long value, (long Size, string Name)[] units, bool plural = true)
    {
        foreach ((long size, string unit) in units)
        {
            if (value % size == 0)
            {
                long count = value / size;
                string suffix = plural && count != 1 ? "s" : "";
                return string.Create(CultureInfo.InvariantCulture, $" ({count} {unit}{suffix})");
            }
        }

        return "";
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    // Too wide for the source line it is quoted on; the page shows it whole, as samsa prints it.
    private const string UnmappedListenerError = "samsa: listeners=PLAINTEXT://:9092,EXTERNAL://:9093 "
        + "(from server.properties:4) names listener EXTERNAL, which listener.security.protocol.map does not map";

    private const string Introduction = $$"""
        # Configuration

        <!-- Generated by `samsa config docs` from src/Samsa.Metadata/Configs and src/Samsa/Configuration; do not edit.
             A test fails when this file is stale. -->

        Samsa reads Kafka's property names (`node.id`, `listeners`, `log.dirs`, `min.insync.replicas`, ...) with
        Kafka's types and defaults, except where this page says otherwise. `samsa config print` shows the effective
        configuration and where each value came from, with the same sources as `samsa broker`.

        ## Sources and precedence

        Lowest first; a later source overrides an earlier one, key by key:

        1. the defaults below;
        2. a properties file: `--config server.properties`;
        3. an env file: `--env-file .env`;
        4. environment variables;
        5. flags: `--node.id=1`, `--listeners=PLAINTEXT://127.0.0.1:9092`, or Kafka's `--override node.id=1`. When
           the same key is given twice on the command line, the later one wins.

        At start-up the node logs every key with its value and source (those set by some source first; the defaults
        at Debug level), masking passwords, and then what each listener binds and advertises.

        ## Environment variables

        `SAMSA_<NAME>` sets a key: upper-case it and write `.` as `_` (`min.insync.replicas` is
        `SAMSA_MIN_INSYNC_REPLICAS`). As in Kafka's own image, `_` in a key is written `__` and `-` is written `___`.
        Samsa's own keys named `samsa.*` drop the repeated prefix: `samsa.memory` is `SAMSA_MEMORY`.

        So that an existing `.env` keeps working, these are read as aliases:

        | variable | as | rule |
        |---|---|---|
        | `KAFKA_<NAME>` | Kafka's image (apache/kafka) | same as `SAMSA_` |
        | `KAFKA_CFG_<NAME>` | Bitnami's image | every `_` is a `.`; cannot express `_` or `-` |
        | `CLUSTER_ID`, `KAFKA_KRAFT_CLUSTER_ID` | the images' cluster id | `cluster.id` |

        When several of them set one key in the same source, `SAMSA_` wins over `KAFKA_CFG_`, which wins over
        `KAFKA_`, which wins over the cluster-id variables, and a warning names the ignored one. An empty value
        (`SAMSA_LOG_DIRS=`) counts as unset, as compose files use it. Variables of the images that are not broker
        properties (`KAFKA_HEAP_OPTS`, `KAFKA_OPTS`, `KAFKA_JMX_OPTS`, `KAFKA_LOG4J_*`, ...) are ignored; any other
        `SAMSA_`, `KAFKA_` or `KAFKA_CFG_` variable that names no key gets a warning.

        ## Env files

        `--env-file` reads the file Docker Compose reads with `env_file:`, so one file serves both: `NAME=VALUE`
        lines using the variable names above (`SAMSA_NODE_ID=1`), optionally prefixed by `export`; `#` comments and
        blank lines; values bare (surrounding spaces and a trailing ` # comment` removed), in double quotes (with
        `\n`, `\t`, `\"` and `\\` escapes) or in single quotes (taken literally). There is no `${VAR}` substitution
        and no multi-line value. Values from the environment override the file's.

        ## Properties files

        `--config` reads a Java properties file as Kafka does: `key=value`, `key:value` or `key value`; `#` and `!`
        comment lines; a line ending in `\` continues on the next; escapes `\t`, `\n`, `\uXXXX`, and `\` before any
        other character for that character. A key given twice takes its last value. The file is read as UTF-8.

        ## Errors and warnings

        A bad value stops start-up with one line that names the key, the value and its source:

        ```
        samsa: min.insync.replicas=0 (from SAMSA_MIN_INSYNC_REPLICAS) must be at least 1
        {{UnmappedListenerError}}
        samsa: server.properties: line 7: malformed \uXXXX escape
        ```

        Sources are named `default`, `FILE:LINE` (properties and env files), the variable (`SAMSA_NODE_ID`,
        `KAFKA_CFG_NODE_ID`), `--node.id` or `--override`. An unknown key is a one-line warning and is ignored, so a
        Kafka configuration can be tried as it is.

        ## Advertised listeners

        Clients connect to the addresses a broker advertises, not to the one they bootstrapped from. When
        `advertised.listeners` is unset, each broker listener advertises its own address, and a listener that binds
        every interface (`PLAINTEXT://:9092`, `PLAINTEXT://0.0.0.0:9092`) advertises this machine's host name. A
        listener that binds other interfaces but advertises a loopback address (`localhost`, `127.0.0.1`) gets a
        warning: clients elsewhere would connect to themselves. Behind Docker, use two listeners, one for the
        containers' network and one for the host, as Kafka's images do:

        ```
        SAMSA_LISTENERS=PLAINTEXT://:9092,PLAINTEXT_HOST://:29092
        SAMSA_ADVERTISED_LISTENERS=PLAINTEXT://kafka1:9092,PLAINTEXT_HOST://localhost:29092
        SAMSA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT
        ```

        ## Where Samsa's defaults differ from Kafka's

        - `process.roles` defaults to `broker,controller` (Kafka has no default), so one node needs only `node.id`.
        - `log.dir` defaults to `./data` (Kafka's `/tmp/kafka-logs` does not survive a reboot).
        - `message.max.bytes` and `max.message.bytes` default to 1 MiB + 4 KiB, which admits a 1 MiB record with
          its batch overhead (Kafka's 1,048,588 admits a 1 MiB batch).
        - `fetch.max.bytes` defaults to 2 MiB (Kafka: 55 MiB): a consumer's fetch response is copied through memory
          before it is sent, and smaller responses start flowing sooner; consumers fetch again at once.
        - `queued.max.request.bytes=-1` means a quarter of `samsa.memory` (Kafka: unbounded).
        - `offsets.topic.replication.factor` is lowered to the number of live brokers, with a warning, rather than
          blocking consumer groups on a small cluster; `__consumer_offsets` grows to the configured factor as brokers
          join.
        - `compression.type` other than `producer` recompresses on the leader as Kafka does, but a batch whose
          records inflate past `max.message.bytes` is refused with MESSAGE_TOO_LARGE rather than decompressed
          whole (Kafka inflates it without a bound).
        - `log.flush.mode` (`flush.mode` per topic) replaces `log.flush.interval.messages` and `log.flush.interval.ms`.
        - Samsa's own keys: `cluster.id`, `http.listeners`, `log.flush.mode` / `flush.mode`, `samsa.memory`.


        """;
}
