package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * KAFKA-15591: an idempotent producer writing to a partition the moment it was created can have its
 * first request refused and the second appended; the first then fails with
 * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires. Produces at once to freshly created topics, many
 * times: through {@link Topics#createAndAwait} every record is acknowledged and on the topic; the
 * unguarded path (create, then produce at once) is run beside it and its failures are reported.
 */
@ExtendWith(LocalStack.class)
class NewTopicRaceIT {
  private static final int ROUNDS = 6;
  private static final int PARTITIONS = 8;
  private static final int RECORDS = 4_000;

  private final LocalStack stack = LocalStack.get();

  /** Many small batches in flight at once: what makes the reordering possible. */
  private KafkaProducer<byte[], byte[]> producer() {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "256");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Produces RECORDS records at once; returns how many the broker did not acknowledge. */
  private static int produce(KafkaProducer<byte[], byte[]> producer, String topic)
      throws InterruptedException {
    var futures = new ArrayList<Future<RecordMetadata>>();
    for (int i = 0; i < RECORDS; i++) {
      futures.add(
          producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, ("r" + i).getBytes())));
    }
    int failed = 0;
    for (var f : futures) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        failed++;
      }
    }
    return failed;
  }

  private static long onTopic(Admin admin, String topic) throws Exception {
    var specs = new java.util.HashMap<TopicPartition, OffsetSpec>();
    IntStream.range(0, PARTITIONS)
        .forEach(p -> specs.put(new TopicPartition(topic, p), OffsetSpec.latest()));
    return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(o -> o.offset())
        .sum();
  }

  @Test
  void shouldAcknowledgeEveryRecordProducedAtOnceToTopicsCreatedThroughTopics() throws Exception {
    // The unguarded producer retries thousands of times by design; its WARN lines would drown the
    // log.
    var sender =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.producer.internals.Sender");
    sender.setLevel(ch.qos.logback.classic.Level.ERROR);
    int unguardedFailures = 0;
    int unguardedRoundsFailing = 0;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrap()));
        var producer = producer();
        var unguardedProducer = producer()) {
      for (int round = 0; round < ROUNDS; round++) {
        String guarded = "race-guarded-" + UUID.randomUUID();
        Topics.createAndAwait(
            admin, List.of(new NewTopic(guarded, PARTITIONS, (short) 1)), Duration.ofSeconds(60));
        assertThat(produce(producer, guarded))
            .as("records not acknowledged, round %d", round)
            .isZero();
        assertThat(onTopic(admin, guarded)).as("records on %s", guarded).isEqualTo(RECORDS);

        String unguarded = "race-unguarded-" + UUID.randomUUID();
        admin
            .createTopics(List.of(new NewTopic(unguarded, PARTITIONS, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
        int failed = produce(unguardedProducer, unguarded);
        unguardedFailures += failed;
        unguardedRoundsFailing += failed > 0 ? 1 : 0;
      }
    }
    SyncWorkerIT.report(
        "new-topic race: "
            + ROUNDS
            + " rounds x "
            + RECORDS
            + " records to "
            + PARTITIONS
            + " new partitions: through Topics.createAndAwait 0 lost; create-then-produce-at-once lost "
            + unguardedFailures
            + " records in "
            + unguardedRoundsFailing
            + " of "
            + ROUNDS
            + " rounds");
  }
}
