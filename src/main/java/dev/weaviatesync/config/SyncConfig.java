package dev.weaviatesync.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The worker's whole configuration, immutable and validated. Built from a flat map of {@code
 * key=value} (see {@link ConfigLoader} for where the values come from) with the declarations of
 * {@link Keys}; every error names the key that is wrong.
 */
public final class SyncConfig {
  private static final Map<Type, String> TYPE_WORDS =
      Map.of(
          Type.INT,
          "an integer",
          Type.LONG,
          "an integer",
          Type.SHORT,
          "an integer",
          Type.DOUBLE,
          "a number",
          Type.BOOLEAN,
          "true or false");

  private final Map<String, String> raw;
  private final AbstractConfig app;
  private final List<EntityType> types;
  private final Map<String, String> kafka;
  private final Map<String, List<String>> maskByType = new LinkedHashMap<>();

  private SyncConfig(Map<String, String> raw) {
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    for (String key : raw.keySet()) {
      if (key.startsWith("kafka.")) {
        if (!Keys.DEF.names().contains(key)
            && !ConfigLoader.isKafkaSetting(key.substring("kafka.".length()))) {
          // A misspelt Kafka setting would silently fall back to its default (another cluster,
          // no TLS): refuse it like any other unknown key.
          throw new ConfigException(
              key,
              "unknown Kafka setting (kafka.<setting> takes the settings of Kafka Streams, its"
                  + " clients and topics, optionally prefixed with producer., consumer.,"
                  + " main.consumer., restore.consumer., global.consumer., admin. or topic.)");
        }
      } else if (!Keys.DEF.names().contains(key) && typeOf(key) == null) {
        throw new ConfigException(key, "unknown key (see `weaviate-sync run --help` for the list)");
      }
    }
    this.app = parse(Keys.DEF, raw, "");
    this.types = parseTypes();
    this.kafka = kafkaProperties();
    kafka.forEach(ConfigLoader::checkKafkaValue);
    validate();
  }

  /**
   * Builds and validates a configuration from {@code key=value} pairs; missing keys take defaults.
   */
  public static SyncConfig of(Map<String, String> values) {
    return new SyncConfig(values);
  }

  public static SyncConfig defaults() {
    return of(Map.of());
  }

  /** A copy with some values replaced. */
  public SyncConfig with(Map<String, String> overrides) {
    var merged = new LinkedHashMap<>(raw);
    merged.putAll(overrides);
    return of(merged);
  }

  // ---- typed accessors -------------------------------------------------------------------

  public List<EntityType> types() {
    return types;
  }

  public EntityType type(String name) {
    return types.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no entity type named '"
                        + name
                        + "'; configured: "
                        + types.stream().map(EntityType::name).toList()));
  }

  public String dlqTopic() {
    return app.getString(Keys.DLQ_TOPIC);
  }

  /**
   * The field names whose values {@code dlq show} and {@code dlq list} mask in a dead-letter record
   * of {@code type}: {@code dlq.mask.properties} and {@code type.<type>.dlq.mask.properties}; for a
   * type that is null or not configured, those of every type. Empty: masking is off.
   */
  public Set<String> dlqMaskProperties(String type) {
    var out = new java.util.LinkedHashSet<String>(names(app.getList(Keys.DLQ_MASK_PROPERTIES)));
    if (type != null && maskByType.containsKey(type)) {
      out.addAll(maskByType.get(type));
    } else {
      maskByType.values().forEach(out::addAll);
    }
    return Collections.unmodifiableSet(out);
  }

  /** Whether any dead-letter record would have something masked. */
  public boolean dlqMaskingOn() {
    return !dlqMaskProperties(null).isEmpty();
  }

  private static List<String> names(List<String> list) {
    return list.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
  }

  public String bootstrapServers() {
    return app.getString(Keys.BOOTSTRAP_SERVERS);
  }

  public String applicationId() {
    return app.getString(Keys.APPLICATION_ID);
  }

  public int flushMaxRecords() {
    return app.getInt(Keys.FLUSH_MAX_RECORDS);
  }

  public Duration flushInterval() {
    return millis(Keys.FLUSH_INTERVAL);
  }

  public int retryMaxAttempts() {
    return app.getInt(Keys.RETRY_MAX_ATTEMPTS);
  }

  public Duration retryInitialBackoff() {
    return millis(Keys.RETRY_INITIAL_BACKOFF);
  }

  public Duration retryMaxBackoff() {
    return millis(Keys.RETRY_MAX_BACKOFF);
  }

  public double retryJitter() {
    return app.getDouble(Keys.RETRY_JITTER);
  }

  public Duration outageProbeInterval() {
    return millis(Keys.OUTAGE_PROBE_INTERVAL);
  }

  public Duration deletedRetention() {
    return millis(Keys.DELETED_RETENTION);
  }

  public Duration summaryInterval() {
    return millis(Keys.SUMMARY_INTERVAL);
  }

  public Duration shutdownGrace() {
    return millis(Keys.SHUTDOWN_GRACE);
  }

  public String adminHost() {
    return app.getString(Keys.ADMIN_HOST);
  }

  /** -1 when the admin endpoint is off; 0 picks a free port. */
  public int adminPort() {
    return app.getInt(Keys.ADMIN_PORT);
  }

  public boolean topicsCreate() {
    return app.getBoolean(Keys.TOPICS_CREATE);
  }

  public int topicsPartitions() {
    return app.getInt(Keys.TOPICS_PARTITIONS);
  }

  public short topicsReplicationFactor() {
    return app.getInt(Keys.TOPICS_REPLICATION).shortValue();
  }

  public boolean collectionsCreate() {
    return app.getBoolean(Keys.COLLECTIONS_CREATE);
  }

  public String weaviateScheme() {
    return app.getString(Keys.WEAVIATE_SCHEME);
  }

  public String weaviateHost() {
    return app.getString(Keys.WEAVIATE_HOST);
  }

  public int weaviateHttpPort() {
    return app.getInt(Keys.WEAVIATE_HTTP_PORT);
  }

  public int weaviateGrpcPort() {
    return app.getInt(Keys.WEAVIATE_GRPC_PORT);
  }

  public int weaviateTimeoutSeconds() {
    return app.getInt(Keys.WEAVIATE_TIMEOUT);
  }

  /** The API key, if any. Never log it. */
  public Optional<String> weaviateApiKey() {
    Password v = app.getPassword(Keys.WEAVIATE_API_KEY);
    return v == null || v.value().isBlank() ? Optional.empty() : Optional.of(v.value());
  }

  private Duration millis(String key) {
    return Duration.ofMillis(app.getLong(key));
  }

  /**
   * Kafka Streams properties: our defaults plus every {@code kafka.*} key without its prefix. Under
   * exactly-once, the producer's transaction timeout is {@link #DEFAULT_TRANSACTION_TIMEOUT_MS}
   * unless set: Kafka Streams' own default (10 s) is shorter than one Weaviate call may take.
   */
  public Properties streamsProperties() {
    var p = new Properties();
    p.putAll(kafka);
    if (exactlyOnce() && transactionTimeoutSetting() == null) {
      p.put(
          StreamsConfig.producerPrefix("transaction.timeout.ms"),
          Long.toString(DEFAULT_TRANSACTION_TIMEOUT_MS));
    }
    // The worker's copies of a record (dead letter, pending write) are larger than the record.
    if (!kafka.containsKey("max.request.size")
        && !kafka.containsKey(StreamsConfig.producerPrefix("max.request.size"))) {
      // SyncTopology.OWN_DLQ_MAX_MESSAGE_BYTES (config does not depend on topology)
      p.put(
          StreamsConfig.producerPrefix("max.request.size"),
          Integer.toString(2 * 1_048_576 + 65_536));
    }
    return p;
  }

  /** Our transaction timeout under exactly-once, when none is configured. */
  public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

  private boolean exactlyOnce() {
    return StreamsConfig.EXACTLY_ONCE_V2.equals(
        kafka.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
  }

  private String transactionTimeoutSetting() {
    String prefixed = kafka.get(StreamsConfig.producerPrefix("transaction.timeout.ms"));
    return prefixed != null ? prefixed : kafka.get("transaction.timeout.ms");
  }

  /**
   * How long one flush may hold its stream thread: half of the smaller of {@code
   * max.poll.interval.ms} and, under exactly-once, the producer's {@code transaction.timeout.ms}
   * (the flush runs inside a transaction; past its timeout the producer is fenced and the tasks are
   * closed dirty). The other half is the margin for the rest of the transaction. Retries, bisection
   * and further batches stop at this deadline and leave the rest pending for the next flush.
   */
  public Duration flushDeadline() {
    long limit = app.getInt(Keys.MAX_POLL_INTERVAL);
    if (exactlyOnce()) {
      String tx = transactionTimeoutSetting();
      limit =
          Math.min(
              limit,
              tx == null
                  ? DEFAULT_TRANSACTION_TIMEOUT_MS
                  : parseLong("kafka.transaction.timeout.ms", tx));
    }
    return Duration.ofMillis(limit / 2);
  }

  /**
   * Plain client properties (admin, producer, consumer) for the same cluster and security settings.
   */
  public Properties clientProperties() {
    var p = new Properties();
    Set<String> streamsOnly = new HashSet<>(StreamsConfig.configDef().names());
    var common = new HashSet<>(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    kafka.forEach(
        (k, v) -> {
          if (common.contains(k) || !streamsOnly.contains(k)) {
            p.put(k, v);
          }
        });
    return p;
  }

  /**
   * Producer properties for the CLI's own sends (publish, dlq replay): the client settings with
   * idempotence and {@code acks=all}, so per-key order holds and retries never duplicate.
   */
  public Properties producerProperties() {
    Properties p = clientProperties();
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    p.put("max.block.ms", "30000");
    return p;
  }

  /** Every effective key and value, secrets masked; for start-up logs and diagnostics. */
  public Map<String, String> describe() {
    var out = new TreeMap<String, String>();
    raw.forEach((k, v) -> out.put(k, mask(k, v)));
    for (ConfigDef.ConfigKey k : Keys.DEF.configKeys().values()) {
      Object v = app.values().get(k.name);
      out.put(
          k.name,
          mask(k.name, v instanceof Password p ? p.value() : ConfigDef.convertToString(v, k.type)));
    }
    for (EntityType t : types) {
      String prefix = "type." + t.name() + ".";
      out.put(prefix + Keys.TOPIC, t.topic());
      out.put(prefix + Keys.COLLECTION, t.collection());
      out.put(
          prefix + Keys.PROPERTIES,
          String.join(
              ",", t.properties().stream().map(p -> p.name() + ":" + p.dataType()).toList()));
      out.put(prefix + Keys.VECTORIZER, t.vectorizer().module());
      if (t.vectorizer().baseUrl() != null) {
        out.put(prefix + Keys.VECTORIZER_BASE_URL, t.vectorizer().baseUrl());
      }
      if (t.vectorizer().model() != null) {
        out.put(prefix + Keys.VECTORIZER_MODEL, t.vectorizer().model());
      }
      out.put(prefix + Keys.TYPE_DLQ_MASK_PROPERTIES, String.join(",", maskByType.get(t.name())));
    }
    return out;
  }

  private static String mask(String key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    return Keys.isSecret(key) ? "********" : value;
  }

  @Override
  public String toString() {
    return "SyncConfig" + describe();
  }

  // ---- parsing and validation ------------------------------------------------------------

  /**
   * {@code def} applied to {@code values} (the keys without {@code prefix}): a value of the wrong
   * type says what was expected, in our words rather than ConfigDef's ("Not a number of type INT");
   * a validator's error is named with the whole key.
   */
  private static AbstractConfig parse(ConfigDef def, Map<String, ?> values, String prefix) {
    for (ConfigDef.ConfigKey k : def.configKeys().values()) {
      try {
        ConfigDef.parseType(k.name, values.get(k.name), k.type);
      } catch (org.apache.kafka.common.config.ConfigException e) {
        throw new ConfigException(
            prefix + k.name,
            "must be "
                + TYPE_WORDS.getOrDefault(k.type, k.type.toString().toLowerCase(Locale.ROOT))
                + ", not "
                + Allowed.shown(values.get(k.name)));
      }
    }
    try {
      return new AbstractConfig(def, values, false);
    } catch (ConfigException e) {
      throw prefix.isEmpty() ? e : new ConfigException(prefix + e.key(), e.problem());
    }
  }

  /** The type of a per-type key {@code type.<Type>.<key>}, or null if {@code key} is none. */
  private static String typeOf(String key) {
    int dot = key.indexOf('.', "type.".length());
    if (!key.startsWith("type.")
        || dot < 0
        || !Keys.TYPE_DEF.names().contains(key.substring(dot + 1))) {
      return null;
    }
    return key.substring("type.".length(), dot);
  }

  private List<EntityType> parseTypes() {
    List<String> names = app.getList(Keys.TYPES).stream().filter(n -> !n.isEmpty()).toList();
    for (String key : raw.keySet()) {
      String type = typeOf(key);
      if (type != null && !names.contains(type)) {
        throw new ConfigException(
            key, "type '" + type + "' is not listed in " + Keys.TYPES + "=" + names);
      }
    }
    var result = new ArrayList<EntityType>();
    var topics = new LinkedHashMap<String, String>();
    for (String name : names) {
      String prefix = "type." + name + ".";
      AbstractConfig t = parse(Keys.TYPE_DEF, app.originalsWithPrefix(prefix), prefix);
      String topic = Objects.requireNonNullElse(t.getString(Keys.TOPIC), defaultTopic(name));
      String other = topics.putIfAbsent(topic, name);
      if (other != null) {
        throw new ConfigException(
            prefix + Keys.TOPIC,
            "topic '"
                + topic
                + "' is already used by type "
                + other
                + "; each type needs a topic of its own");
      }
      String collection =
          Objects.requireNonNullElse(t.getString(Keys.COLLECTION), defaultCollection(name));
      var properties =
          t.getList(Keys.PROPERTIES).stream()
              .filter(p -> !p.isEmpty())
              .map(EntityType.PropertySpec::parse)
              .toList();
      result.add(new EntityType(name, topic, collection, properties, vectorizer(t, prefix)));
      maskByType.put(name, names(t.getList(Keys.TYPE_DLQ_MASK_PROPERTIES)));
    }
    return List.copyOf(result);
  }

  private static EntityType.Vectorizer vectorizer(AbstractConfig t, String prefix) {
    String module = t.getString(Keys.VECTORIZER).toLowerCase(Locale.ROOT);
    String url = t.getString(Keys.VECTORIZER_BASE_URL);
    String model = t.getString(Keys.VECTORIZER_MODEL);
    if (module.equals(EntityType.Vectorizer.MODULE_NONE)) {
      for (String key : new String[] {Keys.VECTORIZER_BASE_URL, Keys.VECTORIZER_MODEL}) {
        if (!t.getString(key).isEmpty()) {
          throw new ConfigException(
              prefix + key,
              "is set, but "
                  + prefix
                  + Keys.VECTORIZER
                  + "=none; set "
                  + prefix
                  + Keys.VECTORIZER
                  + "=text2vec-openai or remove it");
        }
      }
      return EntityType.Vectorizer.NONE;
    }
    return new EntityType.Vectorizer(
        module, url.isEmpty() ? null : url, model.isEmpty() ? null : model);
  }

  /** ItemChanged → item-changed. */
  static String defaultTopic(String type) {
    return type.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** ItemChanged → Item; Invoice → Invoice. */
  static String defaultCollection(String type) {
    String base =
        type.endsWith("Changed") && type.length() > "Changed".length()
            ? type.substring(0, type.length() - "Changed".length())
            : type;
    return Character.toUpperCase(base.charAt(0)) + base.substring(1);
  }

  /** Every {@code kafka.*} key without its prefix, the declared ones with their defaults. */
  private Map<String, String> kafkaProperties() {
    var p = new LinkedHashMap<String, String>();
    app.originalsWithPrefix("kafka.").forEach((k, v) -> p.put(k, (String) v));
    for (ConfigDef.ConfigKey k : Keys.DEF.configKeys().values()) {
      if (k.name.startsWith("kafka.")) {
        p.put(
            k.name.substring("kafka.".length()),
            ConfigDef.convertToString(app.values().get(k.name), k.type));
      }
    }
    return Collections.unmodifiableMap(p);
  }

  /** What the declarations cannot say: limits between keys. */
  private void validate() {
    if (retryMaxBackoff().compareTo(retryInitialBackoff()) < 0) {
      throw new ConfigException(
          Keys.RETRY_MAX_BACKOFF, "must be at least " + Keys.RETRY_INITIAL_BACKOFF);
    }
    long deadline = flushDeadline().toMillis();
    long call = weaviateTimeoutSeconds() * 1000L;
    if (call + retryMaxBackoff().toMillis() >= deadline) {
      throw new ConfigException(
          Keys.WEAVIATE_TIMEOUT,
          "one Weaviate call ("
              + call
              + " ms) plus "
              + Keys.RETRY_MAX_BACKOFF
              + " ("
              + retryMaxBackoff().toMillis()
              + " ms) must fit in the flush deadline ("
              + deadline
              + " ms: half of the smaller of "
              + Keys.MAX_POLL_INTERVAL
              + (exactlyOnce() ? " and kafka.transaction.timeout.ms" : "")
              + "); lower them or raise those");
    }
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(key, "must be an integer, not '" + value + "'");
    }
  }
}
