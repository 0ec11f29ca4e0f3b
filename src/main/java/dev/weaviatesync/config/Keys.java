package dev.weaviatesync.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Every application configuration key, declared once: name, type, default, allowed values,
 * importance and documentation. {@link SyncConfig} parses with these declarations, and {@code run
 * --help} and the README's table are rendered from them ({@link #documented()}). Documentation may
 * use Markdown backticks (the help leaves them out).
 */
public final class Keys {
  private Keys() {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Validator TOPIC_NAME_VALIDATOR =
      Allowed.by(
          "a Kafka topic name (letters, digits, . _ -)",
          v ->
              TOPIC_NAME.matcher((String) v).matches()
                  ? null
                  : "'" + v + "' is not a valid Kafka topic name");

  /** Any names: a JSON field name may hold any character; empty entries are left out. */
  private static final Validator MASK_NAMES = Allowed.by("comma-separated field names", v -> null);

  private static final Validator PORT = Allowed.between(1, 65535, "a port number 1-65535");

  /**
   * The keys with a fixed name, in documentation order. Other {@code kafka.*} keys pass through to
   * Kafka.
   */
  public static final ConfigDef DEF = new ConfigDef();

  /** The keys of each type, {@code type.<Type>.<key>} (type names from {@link #TYPES}). */
  public static final ConfigDef TYPE_DEF = new ConfigDef();

  public static final String BOOTSTRAP_SERVERS =
      define(
          "kafka.bootstrap.servers",
          Type.STRING,
          "127.0.0.1:9092",
          Allowed.notEmpty(),
          HIGH,
          "Kafka brokers. Every other Kafka Streams, consumer, producer or admin setting can be "
              + "given as `kafka.<setting>` (environment: `KAFKA_<SETTING>`), e.g. `kafka.security.protocol`.");
  public static final String APPLICATION_ID =
      define(
          "kafka.application.id",
          Type.STRING,
          "weaviate-sync",
          Allowed.notEmpty(),
          MEDIUM,
          "Kafka Streams application id: the consumer group and the prefix of internal topics.");
  public static final String PROCESSING_GUARANTEE =
      define(
          "kafka.processing.guarantee",
          Type.STRING,
          "exactly_once_v2",
          Allowed.oneOf("exactly_once_v2", "at_least_once"),
          MEDIUM,
          "Kafka Streams processing guarantee. Writes to Weaviate are idempotent upserts either way.");
  public static final String MAX_POLL_INTERVAL =
      define(
          "kafka.max.poll.interval.ms",
          Type.INT,
          300_000,
          Allowed.positive(),
          LOW,
          "Kafka's `max.poll.interval.ms`. The whole retry budget of one flush must stay below it.");
  public static final String TYPES =
      define(
          "types",
          Type.LIST,
          "ItemChanged,TaskChanged",
          Allowed.by("type names (letters, digits, _), at least one", Keys::typesProblem),
          HIGH,
          "Comma-separated event types; a new entity type is configuration only. Each type has the `type.<Type>.*` keys "
              + "below.");

  public static final String TOPIC =
      perType(
          "topic",
          Type.STRING,
          null,
          "type in kebab case (`item-changed`)",
          TOPIC_NAME_VALIDATOR,
          MEDIUM,
          "Input topic of the type (`ItemChanged` -> `item-changed`); each type needs a topic of its own.");
  public static final String COLLECTION =
      perType(
          "collection",
          Type.STRING,
          null,
          "type without `Changed` (`Item`)",
          Allowed.by(
              "a name of letters, digits and _ starting with a capital letter",
              v ->
                  NAME.matcher((String) v).matches()
                          && Character.isUpperCase(((String) v).charAt(0))
                      ? null
                      : "'"
                          + v
                          + "' is not a valid Weaviate collection name (starts with a capital letter)"),
          MEDIUM,
          "Weaviate collection of the type (`ItemChanged` -> `Item`).");
  public static final String PROPERTIES =
      perType(
          "properties",
          Type.LIST,
          "",
          null,
          Allowed.by(
              "name:datatype,... with datatypes "
                  + String.join(", ", EntityType.PropertySpec.TYPES),
              Keys::propertiesProblem),
          MEDIUM,
          "Declared properties of the collection, used to create it when `collections.create=true`.");
  public static final String VECTORIZER =
      perType(
          "vectorizer",
          Type.STRING,
          EntityType.Vectorizer.MODULE_NONE,
          null,
          Allowed.by(
              String.join(" or ", EntityType.Vectorizer.MODULES),
              v ->
                  EntityType.Vectorizer.MODULES.contains(((String) v).toLowerCase(Locale.ROOT))
                      ? null
                      : "unknown vectorizer '" + v + "'; one of " + EntityType.Vectorizer.MODULES),
          MEDIUM,
          "Vectorizer of the collection when the worker creates it: `none` (vectors are not computed by Weaviate) or "
              + "`text2vec-openai` (Weaviate embeds the text properties on insert; the server needs "
              + "`ENABLE_MODULES=text2vec-openai` and `OPENAI_APIKEY`). Provider 429/5xx are retried, other provider 4xx "
              + "dead-letter the object (category `REJECTED`).");
  public static final String VECTORIZER_BASE_URL =
      perType(
          "vectorizer.base.url",
          Type.STRING,
          "",
          null,
          Allowed.by(
              "an http:// or https:// URL with a host",
              v ->
                  ((String) v).isEmpty() || isHttpUrl((String) v)
                      ? null
                      : "'" + v + "' must be an http:// or https:// URL with a host"),
          LOW,
          "Base URL of the OpenAI-compatible embeddings API of `text2vec-openai` (e.g. `https://api.openai.com`); empty: "
              + "the module's default.");
  public static final String VECTORIZER_MODEL =
      perType(
          "vectorizer.model",
          Type.STRING,
          "",
          null,
          Allowed.by(
              "letters, digits, . _ : / -",
              v ->
                  ((String) v).matches("[A-Za-z0-9._:/-]*")
                      ? null
                      : "'" + v + "' is not a model name (letters, digits, . _ : / -)"),
          LOW,
          "Embedding model of `text2vec-openai` (e.g. `text-embedding-3-small`); empty: the module's default.");

  public static final String TYPE_DLQ_MASK_PROPERTIES =
      perType(
          "dlq.mask.properties",
          Type.LIST,
          "",
          null,
          MASK_NAMES,
          MEDIUM,
          "More field names to mask in dead-letter records of this type, added to `dlq.mask.properties`.");

  public static final String WEAVIATE_SCHEME =
      define(
          "weaviate.scheme",
          Type.STRING,
          "http",
          Allowed.oneOf("http", "https"),
          HIGH,
          "Scheme of Weaviate's REST API.");
  public static final String WEAVIATE_HOST =
      define(
          "weaviate.host",
          Type.STRING,
          "127.0.0.1",
          Allowed.notEmpty(),
          HIGH,
          "Weaviate host (REST and gRPC).");
  public static final String WEAVIATE_HTTP_PORT =
      define("weaviate.http.port", Type.INT, 8080, PORT, HIGH, "Weaviate REST port.");
  public static final String WEAVIATE_GRPC_PORT =
      define("weaviate.grpc.port", Type.INT, 50051, PORT, HIGH, "Weaviate gRPC port.");
  public static final String WEAVIATE_API_KEY =
      define(
          "weaviate.api.key",
          Type.PASSWORD,
          null,
          null,
          HIGH,
          "Weaviate API key (secret: never printed). None: anonymous access.");
  public static final String WEAVIATE_TIMEOUT =
      define(
          "weaviate.timeout.seconds",
          Type.INT,
          10,
          Allowed.positive(),
          MEDIUM,
          "Timeout of one Weaviate call (connect, query and batch), in seconds.");
  public static final String COLLECTIONS_CREATE =
      define(
          "collections.create",
          Type.BOOLEAN,
          true,
          null,
          MEDIUM,
          "Create a missing collection at start-up from `type.<Type>.properties`. A collection that is missing and cannot "
              + "be created stops the start-up, so a typo never lets auto-schema create a new collection.");

  public static final String FLUSH_MAX_RECORDS =
      define(
          "flush.max.records",
          Type.INT,
          500,
          Allowed.positive(),
          MEDIUM,
          "Flush a task's pending writes when this many distinct ids are pending (also the batch size).");
  public static final String FLUSH_INTERVAL =
      define(
          "flush.interval.ms",
          Type.LONG,
          1000L,
          Allowed.positive(),
          MEDIUM,
          "Flush pending writes at least this often (wall clock).");
  public static final String RETRY_MAX_ATTEMPTS =
      define(
          "retry.max.attempts",
          Type.INT,
          5,
          Allowed.positive(),
          LOW,
          "Attempts per batch for transient Weaviate errors (first try included).");
  public static final String RETRY_INITIAL_BACKOFF =
      define(
          "retry.initial.backoff.ms",
          Type.LONG,
          200L,
          Allowed.positive(),
          LOW,
          "First backoff between attempts; doubles each attempt, with jitter.");
  public static final String RETRY_MAX_BACKOFF =
      define(
          "retry.max.backoff.ms",
          Type.LONG,
          5000L,
          Allowed.positive(),
          LOW,
          "Cap of the backoff between attempts; at least `retry.initial.backoff.ms`.");
  public static final String RETRY_JITTER =
      define(
          "retry.jitter",
          Type.DOUBLE,
          0.5,
          Allowed.when("between 0 and 1", v -> (Double) v >= 0 && (Double) v <= 1),
          LOW,
          "Randomization factor of the backoff.");
  public static final String OUTAGE_PROBE_INTERVAL =
      define(
          "outage.probe.interval.ms",
          Type.LONG,
          2000L,
          Allowed.positive(),
          LOW,
          "While Weaviate is unreachable, processing is paused and Weaviate is probed this often.");
  public static final String DELETED_RETENTION =
      define(
          "deleted.retention.ms",
          Type.LONG,
          604_800_000L,
          Allowed.positive(),
          LOW,
          "How long the version of a deleted id is remembered, so an older UPSERT arriving later "
              + "cannot undo the delete.");
  public static final String DLQ_TOPIC =
      define(
          "dlq.topic",
          Type.STRING,
          "weaviate-sync-dlq",
          TOPIC_NAME_VALIDATOR,
          MEDIUM,
          "Dead-letter topic for records that cannot be written.");
  public static final String DLQ_MASK_PROPERTIES =
      define(
          "dlq.mask.properties",
          Type.LIST,
          "",
          MASK_NAMES,
          MEDIUM,
          "Field names whose values `dlq show` and `dlq list` print as `***` (opt-in): fields of those names "
              + "anywhere in a dead-letter value, nested ones too, ignoring case; a value that is not a JSON object or "
              + "array is not shown. `dlq replay` still sends the original bytes.");
  public static final String TOPICS_CREATE =
      define(
          "topics.create",
          Type.BOOLEAN,
          false,
          null,
          MEDIUM,
          "Create missing input and dead-letter topics at start-up; the worker then waits until every partition accepts "
              + "writes (a broker up to Kafka 4.4 can lose the first writes to a partition created a moment ago, "
              + "KAFKA-15591).");
  public static final String TOPICS_PARTITIONS =
      define(
          "topics.partitions",
          Type.INT,
          3,
          Allowed.positive(),
          LOW,
          "Partitions of topics created by `topics.create`.");
  public static final String TOPICS_REPLICATION =
      define(
          "topics.replication.factor",
          Type.INT,
          1,
          Allowed.between(1, Short.MAX_VALUE, "1-" + Short.MAX_VALUE),
          LOW,
          "Replication factor of topics created by `topics.create`.");
  public static final String SUMMARY_INTERVAL =
      define(
          "summary.interval.ms",
          Type.LONG,
          30_000L,
          Allowed.when("0 (off) or positive", v -> (Long) v >= 0),
          LOW,
          "Interval of the INFO summary line (events in, written, deleted, deduped, stale, DLQ, retries).");
  public static final String SHUTDOWN_GRACE =
      define(
          "shutdown.grace.ms",
          Type.LONG,
          30_000L,
          Allowed.positive(),
          LOW,
          "Time given to Kafka Streams to commit and close on shutdown. Pending writes are kept in the changelogged store "
              + "and flushed by the next owner of the task.");
  public static final String ADMIN_HOST =
      define(
          "admin.host",
          Type.STRING,
          "0.0.0.0",
          Allowed.notEmpty(),
          LOW,
          "Address of the admin HTTP endpoint (`/healthz`, `/readyz`, `/metrics`).");
  public static final String ADMIN_PORT =
      define(
          "admin.port",
          Type.INT,
          8081,
          Allowed.between(-1, 65535, "-1 (off), 0 (any free port) or a port number 1-65535"),
          LOW,
          "Port of the admin HTTP endpoint.");

  /** Declares {@code name} in {@link #DEF}, and returns it. */
  private static String define(
      String name,
      Type type,
      Object defaultValue,
      Validator validator,
      Importance importance,
      String documentation) {
    DEF.define(name, type, defaultValue, validator, importance, documentation);
    return name;
  }

  /**
   * Declares {@code type.<Type>.<name>} in {@link #TYPE_DEF}, and returns {@code name}. A default
   * that follows from the type's name is null here, and {@code derived} says how it follows.
   */
  private static String perType(
      String name,
      Type type,
      Object defaultValue,
      String derived,
      Validator validator,
      Importance importance,
      String documentation) {
    TYPE_DEF.define(
        name,
        type,
        defaultValue,
        validator,
        importance,
        documentation,
        null,
        -1,
        Width.NONE,
        name,
        List.of(),
        null,
        derived);
    return name;
  }

  private static String typesProblem(Object value) {
    var seen = new ArrayList<String>();
    for (Object o : (List<?>) value) {
      String name = (String) o;
      if (name.isEmpty()) {
        continue;
      }
      if (!NAME.matcher(name).matches()) {
        return "'" + name + "' is not a valid type name (letters, digits, _)";
      }
      if (seen.stream().anyMatch(name::equalsIgnoreCase)) {
        return "type '" + name + "' is listed twice";
      }
      seen.add(name);
    }
    return seen.isEmpty() ? "at least one event type is required" : null;
  }

  private static String propertiesProblem(Object value) {
    for (Object entry : (List<?>) value) {
      if (!((String) entry).isEmpty()) {
        try {
          EntityType.PropertySpec.parse((String) entry);
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }
    }
    return null;
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * True for keys whose values must never be printed: declared passwords, and Kafka's by their
   * names.
   */
  public static boolean isSecret(String name) {
    var declared = DEF.configKeys().get(name);
    if (declared != null) {
      return declared.type == Type.PASSWORD;
    }
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("password")
        || n.contains("jaas")
        || n.contains("secret")
        || n.contains("api.key")
        || n.contains("token")
        || n.endsWith(".key");
  }

  /**
   * One key as documented: per-type keys as {@code type.<Type>.<key>}; {@code defaultValue} null
   * for none; {@code derivedDefault} non-null when the default is derived from the type's name
   * (then it says how); {@code allowed} null when anything goes.
   */
  public record Doc(
      String name,
      String envName,
      String defaultValue,
      String derivedDefault,
      String allowed,
      String documentation,
      boolean secret) {}

  /**
   * Every key in documentation order, the per-type keys after {@link #TYPES}: for the help and the
   * README.
   */
  public static List<Doc> documented() {
    var out = new ArrayList<Doc>();
    for (ConfigDef.ConfigKey k : DEF.configKeys().values()) {
      out.add(doc(k.name, k));
      if (k.name.equals(TYPES)) {
        TYPE_DEF.configKeys().values().forEach(t -> out.add(doc("type.<Type>." + t.name, t)));
      }
    }
    return out;
  }

  private static Doc doc(String name, ConfigDef.ConfigKey k) {
    return new Doc(
        name,
        ConfigLoader.envName(name),
        ConfigDef.convertToString(k.defaultValue, k.type),
        k.alternativeString,
        k.validator == null ? null : k.validator.toString(),
        k.documentation,
        k.type == Type.PASSWORD);
  }
}
