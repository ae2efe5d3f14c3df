using System.Text;

namespace Samsa.Configuration;

/// <summary>
/// How environment variables name configuration keys. <c>SAMSA_&lt;NAME&gt;</c> and Kafka's image's
/// <c>KAFKA_&lt;NAME&gt;</c> upper-case the key and write <c>.</c> as <c>_</c>, <c>_</c> as <c>__</c> and <c>-</c> as
/// <c>___</c> (the rule of Kafka's own image, KafkaDockerWrapper); Bitnami's <c>KAFKA_CFG_&lt;NAME&gt;</c> writes every
/// <c>.</c> as <c>_</c> and cannot express <c>_</c> or <c>-</c>. A key named <c>samsa.x</c> is <c>SAMSA_X</c>.
/// Kafka's image reads the cluster id from <c>CLUSTER_ID</c> and Bitnami's from <c>KAFKA_KRAFT_CLUSTER_ID</c>; both
/// are read as <c>cluster.id</c>.
/// </summary>
internal static class EnvironmentNames
{
    public const string SamsaPrefix = "SAMSA_";
    public const string KafkaPrefix = "KAFKA_";
    public const string BitnamiPrefix = "KAFKA_CFG_";
    private const string SamsaKeyPrefix = "samsa.";

    /// <summary>
    /// Variables of Kafka's and Bitnami's images that are not broker properties (JVM, log4j, image settings); they
    /// are ignored without a warning.
    /// </summary>
    public static readonly IReadOnlySet<string> NotProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS",
        "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS",
        "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME", "KAFKA_JMX_PORT", "KAFKA_HOME", "KAFKA_ENABLE_KRAFT",
        "KAFKA_SKIP_KRAFT_STORAGE_INIT", "KAFKA_MOUNTED_CONF_DIR", "KAFKA_CLIENT_USERS", "KAFKA_CLIENT_PASSWORDS",
        "KAFKA_CLIENT_LISTENER_NAME", "KAFKA_INTER_BROKER_USER", "KAFKA_INTER_BROKER_PASSWORD",
        "KAFKA_CONTROLLER_USER", "KAFKA_CONTROLLER_PASSWORD", "KAFKA_CERTIFICATE_PASSWORD", "KAFKA_TLS_TYPE",
        "KAFKA_ZOOKEEPER_PROTOCOL",
    };

    /// <summary>The <c>SAMSA_</c> variable of a key: <c>SAMSA_MIN_INSYNC_REPLICAS</c>, <c>SAMSA_MEMORY</c>.</summary>
    public static string SamsaVariable(string key) =>
        SamsaPrefix + Encode(key.StartsWith(SamsaKeyPrefix, StringComparison.Ordinal)
            ? key[SamsaKeyPrefix.Length..]
            : key);

    /// <summary>The <c>KAFKA_</c> variable of a key, as Kafka's image names it.</summary>
    public static string KafkaVariable(string key) => KafkaPrefix + Encode(key);

    /// <summary>The <c>KAFKA_CFG_</c> variable of a key; null when Bitnami's rule cannot express it.</summary>
    public static string? BitnamiVariable(string key) =>
        key.Contains('_', StringComparison.Ordinal) || key.Contains('-', StringComparison.Ordinal)
            ? null
            : BitnamiPrefix + key.Replace('.', '_').ToUpperInvariant();

    /// <summary>
    /// The key a variable names, and its rank among variables naming the same key (higher wins: <c>SAMSA_</c> 3,
    /// <c>KAFKA_CFG_</c> 2, <c>KAFKA_</c> 1, the images' cluster-id variables 0). False for a variable that is not
    /// configuration: no known prefix, or one of <see cref="NotProperties"/>. The key may still be unknown;
    /// <paramref name="isKey"/> only chooses between <c>x</c> and <c>samsa.x</c> for <c>SAMSA_X</c>.
    /// </summary>
    public static bool TryDecode(string variable, Func<string, bool> isKey, out string key, out int rank)
    {
        key = "";
        rank = 0;
        if (variable is "CLUSTER_ID" or "KAFKA_KRAFT_CLUSTER_ID")
        {
            key = "cluster.id";
            return true;
        }

        if (NotProperties.Contains(variable)) return false;
        if (variable.StartsWith(SamsaPrefix, StringComparison.Ordinal) && variable.Length > SamsaPrefix.Length)
        {
            key = Decode(variable[SamsaPrefix.Length..]);
            if (!isKey(key) && isKey(SamsaKeyPrefix + key)) key = SamsaKeyPrefix + key;
            rank = 3;
            return true;
        }

        if (variable.StartsWith(BitnamiPrefix, StringComparison.Ordinal) && variable.Length > BitnamiPrefix.Length)
        {
            key = variable[BitnamiPrefix.Length..].Replace('_', '.').ToLowerInvariant();
            rank = 2;
            return true;
        }

        if (variable.StartsWith(KafkaPrefix, StringComparison.Ordinal) && variable.Length > KafkaPrefix.Length)
        {
            key = Decode(variable[KafkaPrefix.Length..]);
            rank = 1;
            return true;
        }

        return false;
    }

    private static string Encode(string key)
    {
        var builder = new StringBuilder(key.Length + 4);
        foreach (char c in key)
        {
            builder.Append(c switch
            {
                '.' => "_",
                '_' => "__",
                '-' => "___",
                _ => char.ToUpperInvariant(c).ToString(),
            });
        }

        return builder.ToString();
    }

    // Kafka's image: every '_' becomes '.', then "..." becomes '-' and ".." becomes '_'.
    private static string Decode(string name) =>
        name.ToLowerInvariant().Replace('_', '.').Replace("...", "-", StringComparison.Ordinal)
            .Replace("..", "_", StringComparison.Ordinal);
}
