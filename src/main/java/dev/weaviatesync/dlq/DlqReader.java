package dev.weaviatesync.dlq;

import dev.weaviatesync.config.SyncConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the whole dead-letter topic as it is now, without joining a consumer group. */
public final class DlqReader {
  private DlqReader() {}

  /** The topic is missing, or the broker does not answer. */
  public static final class DlqException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DlqException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A consumer of the dead-letter topic that sees committed records only (the worker writes dead
   * letters inside its transactions) and never auto-commits; {@code group} may be null.
   */
  static KafkaConsumer<byte[], byte[]> consumer(SyncConfig config, String group) {
    Properties p = config.clientProperties();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The topic's partitions; a clear error when it does not exist or the broker does not answer. */
  static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, SyncConfig config) {
    String topic = config.dlqTopic();
    try {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        throw new DlqException(
            "dead-letter topic '" + topic + "' does not exist at " + config.bootstrapServers(),
            null);
      }
      return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new DlqException(
          "Kafka at " + config.bootstrapServers() + " did not answer within 15 s", e);
    }
  }

  public static void readAll(SyncConfig config, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    try (var consumer = consumer(config, null)) {
      List<TopicPartition> parts = partitions(consumer, config);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            each.accept(r);
          }
        }
      }
    }
  }
}
