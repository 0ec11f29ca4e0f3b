package dev.weaviatesync.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every application configuration key, with its default and description. */
public final class Keys {
  private Keys() {}

  public static final ConfigKey BOOTSTRAP_SERVERS = ConfigKey.of("kafka.bootstrap.servers", "127.0.0.1:9092",
      "Kafka brokers. Every other Kafka Streams, consumer, producer or admin setting can be given as "
          + "kafka.<setting> (environment: KAFKA_<SETTING>), e.g. kafka.security.protocol.");
  public static final ConfigKey APPLICATION_ID = ConfigKey.of("kafka.application.id", "weaviate-sync",
      "Kafka Streams application id: consumer group, prefix of internal topics.");
  public static final ConfigKey PROCESSING_GUARANTEE = ConfigKey.of("kafka.processing.guarantee", "exactly_once_v2",
      "exactly_once_v2 (default) or at_least_once. Writes to Weaviate are idempotent upserts either way.");
  public static final ConfigKey MAX_POLL_INTERVAL = ConfigKey.of("kafka.max.poll.interval.ms", "300000",
      "Kafka's max.poll.interval.ms. The whole retry budget of one flush must stay below it.");

  public static final ConfigKey TYPES = ConfigKey.of("types", "ItemChanged,TaskChanged",
      "Comma-separated event types. Each has type.<Type>.topic / .collection / .properties / .vectorizer.");
  public static final ConfigKey TYPE_TOPIC = ConfigKey.of("type.<Type>.topic", "<type in kebab case>",
      "Input topic of that type (ItemChanged -> item-changed). One topic per type.");
  public static final ConfigKey TYPE_COLLECTION = ConfigKey.of("type.<Type>.collection", "<Type without 'Changed'>",
      "Weaviate collection of that type (ItemChanged -> Item).");
  public static final ConfigKey TYPE_PROPERTIES = ConfigKey.of("type.<Type>.properties", "",
      "Declared properties, name:datatype,... with datatypes " + EntityType.PropertySpec.TYPES
          + ". Used to create the collection when collections.create=true.");

  public static final ConfigKey TYPE_VECTORIZER = ConfigKey.of("type.<Type>.vectorizer", "none",
      "Vectorizer of the collection when the worker creates it: none (vectors are not computed by "
          + "Weaviate) or text2vec-openai (Weaviate embeds the text properties on insert; the server needs "
          + "ENABLE_MODULES=text2vec-openai and OPENAI_APIKEY). Provider 429/5xx are retried, other provider "
          + "4xx dead-letter the object (category REJECTED).");
  public static final ConfigKey TYPE_VECTORIZER_BASE_URL = ConfigKey.of("type.<Type>.vectorizer.base.url", "",
      "Base URL of the embeddings API for text2vec-openai (an OpenAI-compatible endpoint, e.g. "
          + "https://api.openai.com); empty: the module's default.");
  public static final ConfigKey TYPE_VECTORIZER_MODEL = ConfigKey.of("type.<Type>.vectorizer.model", "",
      "Embedding model for text2vec-openai (e.g. text-embedding-3-small); empty: the module's default.");

  public static final ConfigKey WEAVIATE_SCHEME = ConfigKey.of("weaviate.scheme", "http", "http or https.");
  public static final ConfigKey WEAVIATE_HOST = ConfigKey.of("weaviate.host", "127.0.0.1", "Weaviate host (REST and gRPC).");
  public static final ConfigKey WEAVIATE_HTTP_PORT = ConfigKey.of("weaviate.http.port", "8080", "Weaviate REST port.");
  public static final ConfigKey WEAVIATE_GRPC_PORT = ConfigKey.of("weaviate.grpc.port", "50051", "Weaviate gRPC port.");
  public static final ConfigKey WEAVIATE_API_KEY = ConfigKey.secret("weaviate.api.key",
      "Weaviate API key (secret; never logged). Empty: anonymous access.");
  public static final ConfigKey WEAVIATE_TIMEOUT = ConfigKey.of("weaviate.timeout.seconds", "10",
      "Timeout of one Weaviate call (connect, query and batch), in seconds.");
  public static final ConfigKey COLLECTIONS_CREATE = ConfigKey.of("collections.create", "true",
      "Create a missing collection at start-up from type.<Type>.properties. A collection that is missing "
          + "and cannot be created stops the start-up, so a typo never auto-creates a new collection.");

  public static final ConfigKey FLUSH_MAX_RECORDS = ConfigKey.of("flush.max.records", "500",
      "Flush a task's pending writes when this many distinct ids are pending (also the batch size).");
  public static final ConfigKey FLUSH_INTERVAL = ConfigKey.of("flush.interval.ms", "1000",
      "Flush pending writes at least this often (wall clock).");
  public static final ConfigKey RETRY_MAX_ATTEMPTS = ConfigKey.of("retry.max.attempts", "5",
      "Attempts per batch for transient Weaviate errors (first try included).");
  public static final ConfigKey RETRY_INITIAL_BACKOFF = ConfigKey.of("retry.initial.backoff.ms", "200",
      "First backoff between attempts; doubles each attempt, with jitter.");
  public static final ConfigKey RETRY_MAX_BACKOFF = ConfigKey.of("retry.max.backoff.ms", "5000",
      "Cap of the backoff between attempts.");
  public static final ConfigKey RETRY_JITTER = ConfigKey.of("retry.jitter", "0.5",
      "Randomization factor of the backoff, 0 to 1.");
  public static final ConfigKey OUTAGE_PROBE_INTERVAL = ConfigKey.of("outage.probe.interval.ms", "2000",
      "While Weaviate is unreachable, processing is paused and Weaviate is probed this often.");
  public static final ConfigKey DELETED_RETENTION = ConfigKey.of("deleted.retention.ms", "604800000",
      "How long the version of a deleted id is remembered, so an older UPSERT arriving later cannot undo the delete.");
  public static final ConfigKey DLQ_TOPIC = ConfigKey.of("dlq.topic", "weaviate-sync-dlq",
      "Dead-letter topic for records that cannot be written.");
  public static final ConfigKey TOPICS_CREATE = ConfigKey.of("topics.create", "false",
      "Create missing input and dead-letter topics at start-up.");
  public static final ConfigKey TOPICS_PARTITIONS = ConfigKey.of("topics.partitions", "3",
      "Partitions of topics created by topics.create.");
  public static final ConfigKey TOPICS_REPLICATION = ConfigKey.of("topics.replication.factor", "1",
      "Replication factor of topics created by topics.create.");
  public static final ConfigKey SUMMARY_INTERVAL = ConfigKey.of("summary.interval.ms", "30000",
      "Interval of the INFO summary line (events in, written, deleted, deduped, stale, DLQ, retries). 0 disables it.");
  public static final ConfigKey SHUTDOWN_GRACE = ConfigKey.of("shutdown.grace.ms", "30000",
      "Time given to Kafka Streams to commit and close on shutdown. Pending writes are kept in "
          + "the changelogged store and flushed by the next owner of the task.");

  public static final ConfigKey ADMIN_HOST = ConfigKey.of("admin.host", "0.0.0.0",
      "Address of the admin HTTP endpoint (/healthz, /readyz, /metrics).");
  public static final ConfigKey ADMIN_PORT = ConfigKey.of("admin.port", "8081",
      "Port of the admin HTTP endpoint; -1 turns it off.");

  /** Keys that have a fixed name (type.* keys are per type). */
  public static final List<ConfigKey> FIXED = List.of(
      BOOTSTRAP_SERVERS, APPLICATION_ID, PROCESSING_GUARANTEE, MAX_POLL_INTERVAL,
      TYPES,
      WEAVIATE_SCHEME, WEAVIATE_HOST, WEAVIATE_HTTP_PORT, WEAVIATE_GRPC_PORT, WEAVIATE_API_KEY,
      WEAVIATE_TIMEOUT, COLLECTIONS_CREATE,
      FLUSH_MAX_RECORDS, FLUSH_INTERVAL, RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF,
      RETRY_JITTER, OUTAGE_PROBE_INTERVAL, DELETED_RETENTION, DLQ_TOPIC, TOPICS_CREATE, TOPICS_PARTITIONS,
      TOPICS_REPLICATION, SUMMARY_INTERVAL, SHUTDOWN_GRACE, ADMIN_HOST, ADMIN_PORT);

  /** Every key in documentation order, per-type templates included. */
  public static final List<ConfigKey> ALL;

  static {
    var all = new java.util.ArrayList<>(FIXED);
    all.add(all.indexOf(TYPES) + 1, TYPE_VECTORIZER_MODEL);
    all.add(all.indexOf(TYPES) + 1, TYPE_VECTORIZER_BASE_URL);
    all.add(all.indexOf(TYPES) + 1, TYPE_VECTORIZER);
    all.add(all.indexOf(TYPES) + 1, TYPE_PROPERTIES);
    all.add(all.indexOf(TYPES) + 1, TYPE_COLLECTION);
    all.add(all.indexOf(TYPES) + 1, TYPE_TOPIC);
    ALL = List.copyOf(all);
  }

  private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

  static {
    FIXED.forEach(k -> BY_NAME.put(k.name(), k));
  }

  public static Optional<ConfigKey> fixed(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** True for keys whose values must never be printed. */
  public static boolean isSecret(String name) {
    var fixed = BY_NAME.get(name);
    if (fixed != null) {
      return fixed.secret();
    }
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.contains("password") || n.contains("jaas") || n.contains("secret") || n.contains("api.key")
        || n.contains("token") || n.endsWith(".key");
  }
}
