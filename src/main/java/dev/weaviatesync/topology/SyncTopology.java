package dev.weaviatesync.topology;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.SinkAvailability;
import dev.weaviatesync.stats.SyncStats;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the worker's topology: a pure function of the configuration, with no I/O. The tests, the
 * worker and the generated description in {@code topology-docs/} all call {@link #build}.
 *
 * <p>One sub-topology per entity type, so types scale and fail independently: {@code source.<Type>}
 * → {@code sync.<Type>} (parse, validate, version guard, dedupe, flush to Weaviate; stores {@code
 * pending.<Type>} and {@code versions.<Type>}) → {@code dlq.<Type>} (sink to the dead-letter
 * topic).
 */
public final class SyncTopology {
  private SyncTopology() {}

  /**
   * What the processors need from outside the topology (named so as not to shadow {@link
   * java.lang.Runtime}); shared by every task of the process.
   *
   * @param maxDlqRecordBytes the largest record the worker may produce to the dead-letter topic
   *     (the smaller of the producer's {@code max.request.size} and the topic's {@code
   *     max.message.bytes}, found at start-up)
   * @param maxChangelogRecordBytes the same for the changelogs of the pending stores
   */
  public record Services(
      BatchWriter writer,
      SinkAvailability availability,
      SyncStats stats,
      int maxDlqRecordBytes,
      int maxChangelogRecordBytes) {
    /** Kafka's default limits (1 MiB). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;

    public Services(BatchWriter writer, SinkAvailability availability, SyncStats stats) {
      this(writer, availability, stats, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_BYTES);
    }
  }

  /**
   * {@code max.message.bytes} of the topics the worker creates for itself (dead-letter topic,
   * changelogs), and its producer's {@code max.request.size} unless configured: twice Kafka's
   * default, so that the copy of any record an input topic with the default limit accepted (the
   * record plus dead-letter headers, or plus a pending write's framing) fits.
   */
  public static final int OWN_TOPIC_MAX_MESSAGE_BYTES = 2 * 1_048_576;

  /**
   * {@code max.message.bytes} of the dead-letter topic the worker creates, and its producer's
   * {@code max.request.size} unless configured: 64 KiB above {@link #OWN_TOPIC_MAX_MESSAGE_BYTES},
   * so that the dead-letter copy of a record too large for a pending write (the record plus headers
   * that are never dropped, larger than its pending write) still fits: TOO_LARGE can be
   * dead-lettered.
   */
  public static final int OWN_DLQ_MAX_MESSAGE_BYTES = OWN_TOPIC_MAX_MESSAGE_BYTES + 65_536;

  /**
   * The header of a repair record ({@code weaviate-sync resync}): the source ({@code
   * topic:partition:offset}) of the state it repairs, or {@link #REPAIR_OF_NOTHING}.
   */
  public static final String REPAIR_HEADER = "weaviate-sync.repair-of";

  /** A repair of an id the worker knows nothing of (an object only Weaviate has). */
  public static final String REPAIR_OF_NOTHING = "none";

  /** The changelog of a type's versions store: the source of truth verify reads. */
  public static String stateTopic(String applicationId, EntityType t) {
    return applicationId + "-" + versionsStore(t) + "-changelog";
  }

  public static String sourceName(EntityType t) {
    return "source." + t.name();
  }

  public static String processorName(EntityType t) {
    return "sync." + t.name();
  }

  public static String dlqSinkName(EntityType t) {
    return "dlq." + t.name();
  }

  public static String pendingStore(EntityType t) {
    return "pending." + t.name();
  }

  public static String versionsStore(EntityType t) {
    return "versions." + t.name();
  }

  public static Topology build(SyncConfig config, Services services) {
    var topology = new Topology();
    for (EntityType type : config.types()) {
      topology.addSource(
          sourceName(type), new ByteArrayDeserializer(), new ByteArrayDeserializer(), type.topic());
      topology.addProcessor(
          processorName(type), () -> new SyncProcessor(config, type, services), sourceName(type));
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(pendingStore(type)),
                  Serdes.String(),
                  Serdes.ByteArray())
              .withLoggingEnabled(
                  Map.of("max.message.bytes", Integer.toString(OWN_TOPIC_MAX_MESSAGE_BYTES))),
          processorName(type));
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(versionsStore(type)),
                  Serdes.String(),
                  Serdes.ByteArray())
              // It keeps each id's latest event, as large as a pending write.
              .withLoggingEnabled(
                  Map.of("max.message.bytes", Integer.toString(OWN_TOPIC_MAX_MESSAGE_BYTES))),
          processorName(type));
      topology.addSink(
          dlqSinkName(type),
          config.dlqTopic(),
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          processorName(type));
    }
    return topology;
  }
}
