package dev.weaviatesync.producer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes {@link Change}s to their type's topic with the id as record key, over one Kafka
 * producer with idempotence on and {@code acks=all}: per id, events arrive in the order they were
 * published, without duplicates from retries. Thread-safe: share one instance per process and close
 * it at shutdown.
 */
public final class ChangePublisher implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final Map<String, String> topics;
  private final Duration sendTimeout;

  private ChangePublisher(
      Producer<byte[], byte[]> producer, Map<String, String> topics, Duration sendTimeout) {
    this.producer = producer;
    this.topics = Map.copyOf(topics);
    this.sendTimeout = sendTimeout;
  }

  /**
   * A builder with the default types: {@code ItemChanged → item-changed}, {@code TaskChanged →
   * task-changed}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends asynchronously.
   *
   * @return completes with the record's partition and offset, or exceptionally when Kafka refused
   *     it
   * @throws InvalidChangeException when the change's type has no topic here; nothing is sent
   */
  public CompletableFuture<RecordMetadata> publish(Change change) {
    Objects.requireNonNull(change, "change");
    String topic = topics.get(change.type());
    if (topic == null) {
      throw new InvalidChangeException(
          "type",
          "type: unknown type '" + change.type() + "'; configured types: " + topics.keySet());
    }
    var future = new CompletableFuture<RecordMetadata>();
    producer.send(
        new ProducerRecord<>(
            topic, change.key(), change.json().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        (meta, error) -> {
          if (error != null) {
            future.completeExceptionally(error);
          } else {
            future.complete(meta);
          }
        });
    return future;
  }

  /**
   * Sends and waits for the broker's acknowledgement.
   *
   * @throws InvalidChangeException when the change's type has no topic here; nothing is sent
   * @throws PublishException when Kafka did not acknowledge it within the send timeout
   */
  public RecordMetadata publishAndWait(Change change) {
    try {
      return publish(change).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException(
          "interrupted while publishing " + change.type() + " " + change.id(), e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new PublishException(
          "could not publish " + change.type() + " " + change.id() + ": " + cause, cause);
    }
  }

  /** Waits until every record sent so far is acknowledged (or failed). */
  public void flush() {
    producer.flush();
  }

  /** Flushes and closes the producer. */
  @Override
  public void close() {
    producer.close(sendTimeout);
  }

  /** Kafka did not take a record. */
  public static final class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Configures a {@link ChangePublisher}. */
  public static final class Builder {
    private final Map<String, String> topics = new LinkedHashMap<>();
    private final Map<String, String> kafka = new LinkedHashMap<>();
    private Duration sendTimeout = Duration.ofSeconds(60);

    private Builder() {
      topics.put("ItemChanged", "item-changed");
      topics.put("TaskChanged", "task-changed");
    }

    /** Kafka brokers, {@code host:port,...}. */
    public Builder bootstrapServers(String servers) {
      kafka.put(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(servers, "servers"));
      return this;
    }

    /** The topic of an entity type (adds the type, or changes its topic). */
    public Builder topic(String type, String topic) {
      topics.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(topic, "topic"));
      return this;
    }

    /**
     * Exactly these types and topics, instead of the defaults ({@code ItemChanged → item-changed},
     * {@code TaskChanged → task-changed}): a type missing here is refused by {@link #publish}.
     */
    public Builder topics(Map<String, String> typeToTopic) {
      topics.clear();
      typeToTopic.forEach(this::topic);
      return this;
    }

    /**
     * Any Kafka producer setting (security, linger, ...). Idempotence and acks=all cannot be turned
     * off.
     */
    public Builder kafkaProperty(String name, String value) {
      kafka.put(name, value);
      return this;
    }

    /** Several Kafka producer settings at once (see {@link #kafkaProperty}). */
    public Builder kafkaProperties(Map<String, String> settings) {
      settings.forEach(this::kafkaProperty);
      return this;
    }

    /** How long {@link ChangePublisher#publishAndWait} and close wait (default 60 s). */
    public Builder sendTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("sendTimeout must be positive");
      }
      this.sendTimeout = timeout;
      return this;
    }

    /**
     * @throws IllegalStateException when no bootstrap servers were given
     */
    public ChangePublisher build() {
      if (!kafka.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      var p = new Properties();
      p.putAll(kafka);
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.putIfAbsent(
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          Long.toString(Math.max(sendTimeout.toMillis(), 30_000)));
      p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
      p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
      return new ChangePublisher(
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
          topics,
          sendTimeout);
    }
  }
}
