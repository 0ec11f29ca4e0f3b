package dev.weaviatesync.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The worker's whole configuration, immutable and validated. Built from a flat map of
 * {@code key=value} (see {@link ConfigLoader} for where the values come from); every error names
 * the key that is wrong.
 */
public final class SyncConfig {
  private static final Pattern TYPE_KEY = Pattern.compile(
      "type\\.([^.]+)\\.(topic|collection|properties|vectorizer|vectorizer\\.base\\.url|vectorizer\\.model)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Map<String, String> raw;
  private final List<EntityType> types;
  private final Map<String, String> kafka;

  private SyncConfig(Map<String, String> raw) {
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    for (String key : raw.keySet()) {
      if (key.startsWith("kafka.") || TYPE_KEY.matcher(key).matches() || Keys.fixed(key).isPresent()) {
        continue;
      }
      throw new ConfigException(key, "unknown key (see `weaviate-sync run --help` for the list)");
    }
    this.types = parseTypes();
    this.kafka = kafkaProperties();
    validate();
  }

  /** Builds and validates a configuration from {@code key=value} pairs; missing keys take defaults. */
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

  public String get(ConfigKey key) {
    String v = raw.get(key.name());
    return v == null ? key.defaultValue() : v;
  }

  public List<EntityType> types() {
    return types;
  }

  public EntityType type(String name) {
    return types.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no entity type named '" + name + "'; configured: "
            + types.stream().map(EntityType::name).toList()));
  }

  public Optional<EntityType> typeByName(String name) {
    return types.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public String dlqTopic() {
    return get(Keys.DLQ_TOPIC);
  }

  public String bootstrapServers() {
    return get(Keys.BOOTSTRAP_SERVERS);
  }

  public String applicationId() {
    return get(Keys.APPLICATION_ID);
  }

  public int flushMaxRecords() {
    return intValue(Keys.FLUSH_MAX_RECORDS);
  }

  public Duration flushInterval() {
    return Duration.ofMillis(longValue(Keys.FLUSH_INTERVAL));
  }

  public int retryMaxAttempts() {
    return intValue(Keys.RETRY_MAX_ATTEMPTS);
  }

  public Duration retryInitialBackoff() {
    return Duration.ofMillis(longValue(Keys.RETRY_INITIAL_BACKOFF));
  }

  public Duration retryMaxBackoff() {
    return Duration.ofMillis(longValue(Keys.RETRY_MAX_BACKOFF));
  }

  public double retryJitter() {
    return doubleValue(Keys.RETRY_JITTER);
  }

  public Duration outageProbeInterval() {
    return Duration.ofMillis(longValue(Keys.OUTAGE_PROBE_INTERVAL));
  }

  public Duration deletedRetention() {
    return Duration.ofMillis(longValue(Keys.DELETED_RETENTION));
  }

  public Duration summaryInterval() {
    return Duration.ofMillis(longValue(Keys.SUMMARY_INTERVAL));
  }

  public Duration shutdownGrace() {
    return Duration.ofMillis(longValue(Keys.SHUTDOWN_GRACE));
  }

  public String adminHost() {
    return get(Keys.ADMIN_HOST);
  }

  /** -1 when the admin endpoint is off; 0 picks a free port. */
  public int adminPort() {
    return intValue(Keys.ADMIN_PORT);
  }

  public boolean topicsCreate() {
    return boolValue(Keys.TOPICS_CREATE);
  }

  public int topicsPartitions() {
    return intValue(Keys.TOPICS_PARTITIONS);
  }

  public short topicsReplicationFactor() {
    return (short) intValue(Keys.TOPICS_REPLICATION);
  }

  public boolean collectionsCreate() {
    return boolValue(Keys.COLLECTIONS_CREATE);
  }

  public String weaviateScheme() {
    return get(Keys.WEAVIATE_SCHEME);
  }

  public String weaviateHost() {
    return get(Keys.WEAVIATE_HOST);
  }

  public int weaviateHttpPort() {
    return intValue(Keys.WEAVIATE_HTTP_PORT);
  }

  public int weaviateGrpcPort() {
    return intValue(Keys.WEAVIATE_GRPC_PORT);
  }

  public int weaviateTimeoutSeconds() {
    return intValue(Keys.WEAVIATE_TIMEOUT);
  }

  /** The API key, if any. Never log it. */
  public Optional<String> weaviateApiKey() {
    String v = get(Keys.WEAVIATE_API_KEY);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
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
      p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), Long.toString(DEFAULT_TRANSACTION_TIMEOUT_MS));
    }
    // The worker's copies of a record (dead letter, pending write) are larger than the record.
    if (!kafka.containsKey("max.request.size") && !kafka.containsKey(StreamsConfig.producerPrefix("max.request.size"))) {
      // SyncTopology.OWN_DLQ_MAX_MESSAGE_BYTES (config does not depend on topology)
      p.put(StreamsConfig.producerPrefix("max.request.size"), Integer.toString(2 * 1_048_576 + 65_536));
    }
    return p;
  }

  /** Our transaction timeout under exactly-once, when none is configured. */
  public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

  private boolean exactlyOnce() {
    return StreamsConfig.EXACTLY_ONCE_V2.equals(kafka.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
  }

  private String transactionTimeoutSetting() {
    String prefixed = kafka.get(StreamsConfig.producerPrefix("transaction.timeout.ms"));
    return prefixed != null ? prefixed : kafka.get("transaction.timeout.ms");
  }

  /**
   * How long one flush may hold its stream thread: half of the smaller of
   * {@code max.poll.interval.ms} and, under exactly-once, the producer's
   * {@code transaction.timeout.ms} (the flush runs inside a transaction; past its timeout the
   * producer is fenced and the tasks are closed dirty). The other half is the margin for the rest
   * of the transaction. Retries, bisection and further batches stop at this deadline and leave the
   * rest pending for the next flush.
   */
  public Duration flushDeadline() {
    long limit = parseLong(Keys.MAX_POLL_INTERVAL.name(), kafka.get("max.poll.interval.ms"));
    if (exactlyOnce()) {
      String tx = transactionTimeoutSetting();
      limit = Math.min(limit, tx == null ? DEFAULT_TRANSACTION_TIMEOUT_MS : parseLong("kafka.transaction.timeout.ms", tx));
    }
    return Duration.ofMillis(limit / 2);
  }

  /** Plain client properties (admin, producer, consumer) for the same cluster and security settings. */
  public Properties clientProperties() {
    var p = new Properties();
    Set<String> streamsOnly = new HashSet<>(StreamsConfig.configDef().names());
    var common = new HashSet<>(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    kafka.forEach((k, v) -> {
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
    for (ConfigKey k : Keys.FIXED) {
      out.put(k.name(), mask(k.name(), get(k)));
    }
    raw.forEach((k, v) -> out.put(k, mask(k, v)));
    for (EntityType t : types) {
      out.put("type." + t.name() + ".topic", t.topic());
      out.put("type." + t.name() + ".collection", t.collection());
      out.put("type." + t.name() + ".properties", t.properties().stream()
          .map(p -> p.name() + ":" + p.dataType()).reduce((a, b) -> a + "," + b).orElse(""));
      out.put("type." + t.name() + ".vectorizer", t.vectorizer().module());
      if (t.vectorizer().baseUrl() != null) {
        out.put("type." + t.name() + ".vectorizer.base.url", t.vectorizer().baseUrl());
      }
      if (t.vectorizer().model() != null) {
        out.put("type." + t.name() + ".vectorizer.model", t.vectorizer().model());
      }
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

  private List<EntityType> parseTypes() {
    var names = new ArrayList<String>();
    for (String n : get(Keys.TYPES).split(",")) {
      String name = n.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(Keys.TYPES.name(), "'" + name + "' is not a valid type name (letters, digits, _)");
      }
      if (names.stream().anyMatch(x -> x.equalsIgnoreCase(name))) {
        throw new ConfigException(Keys.TYPES.name(), "type '" + name + "' is listed twice");
      }
      names.add(name);
    }
    if (names.isEmpty()) {
      throw new ConfigException(Keys.TYPES.name(), "at least one event type is required");
    }
    for (String key : raw.keySet()) {
      var m = TYPE_KEY.matcher(key);
      if (m.matches() && names.stream().noneMatch(n -> n.equals(m.group(1)))) {
        throw new ConfigException(key, "type '" + m.group(1) + "' is not listed in " + Keys.TYPES.name() + "=" + names);
      }
    }
    var result = new ArrayList<EntityType>();
    var topics = new LinkedHashMap<String, String>();
    for (String name : names) {
      String topicKey = "type." + name + ".topic";
      String collectionKey = "type." + name + ".collection";
      String propsKey = "type." + name + ".properties";
      String topic = raw.getOrDefault(topicKey, defaultTopic(name));
      if (!TOPIC.matcher(topic).matches()) {
        throw new ConfigException(topicKey, "'" + topic + "' is not a valid Kafka topic name");
      }
      String other = topics.putIfAbsent(topic, name);
      if (other != null) {
        throw new ConfigException(topicKey, "topic '" + topic + "' is already used by type " + other
            + "; each type needs a topic of its own");
      }
      String collection = raw.getOrDefault(collectionKey, defaultCollection(name));
      if (!NAME.matcher(collection).matches() || !Character.isUpperCase(collection.charAt(0))) {
        throw new ConfigException(collectionKey,
            "'" + collection + "' is not a valid Weaviate collection name (starts with a capital letter)");
      }
      result.add(new EntityType(name, topic, collection, parseProperties(propsKey, raw.getOrDefault(propsKey, "")),
          parseVectorizer(name)));
    }
    return List.copyOf(result);
  }

  private EntityType.Vectorizer parseVectorizer(String type) {
    String moduleKey = "type." + type + ".vectorizer";
    String urlKey = moduleKey + ".base.url";
    String modelKey = moduleKey + ".model";
    String module = raw.getOrDefault(moduleKey, Keys.TYPE_VECTORIZER.defaultValue()).trim().toLowerCase(Locale.ROOT);
    String url = blankToNull(raw.get(urlKey));
    String model = blankToNull(raw.get(modelKey));
    if (!EntityType.Vectorizer.MODULES.contains(module)) {
      throw new ConfigException(moduleKey, "unknown vectorizer '" + raw.get(moduleKey) + "'; one of "
          + EntityType.Vectorizer.MODULES);
    }
    if (module.equals(EntityType.Vectorizer.MODULE_NONE)) {
      if (url != null) {
        throw new ConfigException(urlKey, "is set, but " + moduleKey + "=none; set " + moduleKey + "=text2vec-openai or remove it");
      }
      if (model != null) {
        throw new ConfigException(modelKey, "is set, but " + moduleKey + "=none; set " + moduleKey + "=text2vec-openai or remove it");
      }
      return EntityType.Vectorizer.NONE;
    }
    if (url != null) {
      java.net.URI uri = null;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        // reported below
      }
      if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(urlKey, "'" + url + "' must be an http:// or https:// URL with a host");
      }
    }
    if (model != null && !model.matches("[A-Za-z0-9._:/-]+")) {
      throw new ConfigException(modelKey, "'" + model + "' is not a model name (letters, digits, . _ : / -)");
    }
    return new EntityType.Vectorizer(module, url, model);
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static List<EntityType.PropertySpec> parseProperties(String key, String value) {
    var out = new ArrayList<EntityType.PropertySpec>();
    for (String part : value.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      if (colon <= 0) {
        throw new ConfigException(key, "'" + p + "' must be name:datatype");
      }
      String name = p.substring(0, colon).trim();
      String type = p.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(key, "'" + name + "' is not a valid property name");
      }
      if (!EntityType.PropertySpec.TYPES.contains(type)) {
        throw new ConfigException(key, "unknown datatype '" + type + "' for property " + name
            + "; one of " + EntityType.PropertySpec.TYPES);
      }
      out.add(new EntityType.PropertySpec(name, type));
    }
    return out;
  }

  /** ItemChanged → item-changed. */
  static String defaultTopic(String type) {
    return type.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** ItemChanged → Item; Invoice → Invoice. */
  static String defaultCollection(String type) {
    String base = type.endsWith("Changed") && type.length() > "Changed".length()
        ? type.substring(0, type.length() - "Changed".length()) : type;
    return Character.toUpperCase(base.charAt(0)) + base.substring(1);
  }

  private Map<String, String> kafkaProperties() {
    var p = new LinkedHashMap<String, String>();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Keys.BOOTSTRAP_SERVERS.defaultValue());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, Keys.APPLICATION_ID.defaultValue());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, Keys.PROCESSING_GUARANTEE.defaultValue());
    p.put("max.poll.interval.ms", Keys.MAX_POLL_INTERVAL.defaultValue());
    raw.forEach((k, v) -> {
      if (k.startsWith("kafka.")) {
        p.put(k.substring("kafka.".length()), v);
      }
    });
    return Collections.unmodifiableMap(p);
  }

  private void validate() {
    String guarantee = kafka.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw new ConfigException(Keys.PROCESSING_GUARANTEE.name(), "must be exactly_once_v2 or at_least_once, not '" + guarantee + "'");
    }
    if (kafka.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG).isBlank()) {
      throw new ConfigException(Keys.BOOTSTRAP_SERVERS.name(), "must not be empty");
    }
    String scheme = weaviateScheme();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(Keys.WEAVIATE_SCHEME.name(), "must be http or https, not '" + scheme + "'");
    }
    port(Keys.WEAVIATE_HTTP_PORT);
    int admin = intValue(Keys.ADMIN_PORT);
    if (admin < -1 || admin > 65535) {
      throw new ConfigException(Keys.ADMIN_PORT.name(), "must be a port number, 0 (any free port) or -1 (off), not " + admin);
    }
    port(Keys.WEAVIATE_GRPC_PORT);
    positive(Keys.WEAVIATE_TIMEOUT);
    positive(Keys.FLUSH_MAX_RECORDS);
    positive(Keys.FLUSH_INTERVAL);
    positive(Keys.RETRY_MAX_ATTEMPTS);
    positive(Keys.RETRY_INITIAL_BACKOFF);
    positive(Keys.RETRY_MAX_BACKOFF);
    positive(Keys.OUTAGE_PROBE_INTERVAL);
    positive(Keys.DELETED_RETENTION);
    positive(Keys.TOPICS_PARTITIONS);
    positive(Keys.TOPICS_REPLICATION);
    positive(Keys.SHUTDOWN_GRACE);
    if (longValue(Keys.SUMMARY_INTERVAL) < 0) {
      throw new ConfigException(Keys.SUMMARY_INTERVAL.name(), "must be 0 (off) or positive");
    }
    double jitter = doubleValue(Keys.RETRY_JITTER);
    if (jitter < 0 || jitter > 1) {
      throw new ConfigException(Keys.RETRY_JITTER.name(), "must be between 0 and 1, not " + jitter);
    }
    if (retryMaxBackoff().compareTo(retryInitialBackoff()) < 0) {
      throw new ConfigException(Keys.RETRY_MAX_BACKOFF.name(), "must be at least " + Keys.RETRY_INITIAL_BACKOFF.name());
    }
    boolValue(Keys.TOPICS_CREATE);
    boolValue(Keys.COLLECTIONS_CREATE);
    long deadline = flushDeadline().toMillis();
    long call = weaviateTimeoutSeconds() * 1000L;
    if (call + retryMaxBackoff().toMillis() >= deadline) {
      throw new ConfigException(Keys.WEAVIATE_TIMEOUT.name(), "one Weaviate call (" + call + " ms) plus "
          + Keys.RETRY_MAX_BACKOFF.name() + " (" + retryMaxBackoff().toMillis() + " ms) must fit in the flush deadline ("
          + deadline + " ms: half of the smaller of " + Keys.MAX_POLL_INTERVAL.name()
          + (exactlyOnce() ? " and kafka.transaction.timeout.ms" : "") + "); lower them or raise those");
    }
  }

  private void port(ConfigKey key) {
    int p = intValue(key);
    if (p < 1 || p > 65535) {
      throw new ConfigException(key.name(), "must be a port number 1-65535, not " + p);
    }
  }

  private void positive(ConfigKey key) {
    if (longValue(key) <= 0) {
      throw new ConfigException(key.name(), "must be positive, not " + get(key));
    }
  }

  private int intValue(ConfigKey key) {
    long v = longValue(key);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new ConfigException(key.name(), "is out of range: " + v);
    }
    return (int) v;
  }

  private long longValue(ConfigKey key) {
    return parseLong(key.name(), get(key));
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(key, "must be an integer, not '" + value + "'");
    }
  }

  private double doubleValue(ConfigKey key) {
    try {
      return Double.parseDouble(get(key).trim());
    } catch (RuntimeException e) {
      throw new ConfigException(key.name(), "must be a number, not '" + get(key) + "'");
    }
  }

  private boolean boolValue(ConfigKey key) {
    String v = get(key).trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ConfigException(key.name(), "must be true or false, not '" + get(key) + "'");
  }
}
