package dev.weaviatesync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.SinkAvailability;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stats.SyncStats;
import dev.weaviatesync.testing.InMemorySink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology with TopologyTestDriver and an in-memory sink: fast, deterministic, no servers. */
class SyncTopologyTest {
  private final InMemorySink sink = new InMemorySink();
  private final SyncStats stats = new SyncStats();
  private SinkAvailability availability;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> items;
  private TestOutputTopic<byte[], byte[]> dlq;

  @BeforeEach
  void start() throws IOException {
    start(
        SyncTopology.Services.DEFAULT_MAX_RECORD_BYTES,
        SyncTopology.Services.DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * Starts the topology with the given record size limits of the dead-letter topic and the
   * changelogs.
   */
  void start(int dlqBytes, int changelogBytes) throws IOException {
    var config =
        SyncConfig.of(
            Map.of(
                "flush.max.records",
                "100",
                "flush.interval.ms",
                "1000",
                "retry.max.attempts",
                "2",
                "retry.initial.backoff.ms",
                "1",
                "retry.max.backoff.ms",
                "2",
                "kafka.state.dir",
                Files.createTempDirectory("sync-topology-test").toString()));
    availability = new SinkAvailability(() -> sink.ready, Duration.ofMillis(50));
    var services =
        new SyncTopology.Services(
            new BatchWriter(sink, config, stats), availability, stats, dlqBytes, changelogBytes);
    var props = config.streamsProperties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    driver = new TopologyTestDriver(SyncTopology.build(config, services), props);
    items =
        driver.createInputTopic(
            "item-changed", new ByteArraySerializer(), new ByteArraySerializer());
    dlq =
        driver.createOutputTopic(
            "weaviate-sync-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    availability.close();
  }

  private void send(String id, String json) {
    items.pipeInput(
        id.getBytes(StandardCharsets.UTF_8),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  private void tick() {
    driver.advanceWallClockTime(Duration.ofMillis(1000));
  }

  private String title(String id) {
    var o = sink.collection("Item").get(id);
    return o == null ? null : (String) o.properties().get("title");
  }

  @Test
  void shouldWriteOnlyTheLatestEventPerIdWithinAFlush() {
    String id = UUID.randomUUID().toString();
    for (long v = 1; v <= 50; v++) {
      send(id, Events.upsert("ItemChanged", id, v, Map.of("title", "v" + v)));
    }
    tick();
    assertThat(title(id)).isEqualTo("v50");
    assertThat(sink.objectWrites).isEqualTo(1);
    assertThat(stats.deduped()).isEqualTo(49);
  }

  @Test
  void shouldNotResurrectADeletedItemWithinOrAcrossFlushes() {
    String id = UUID.randomUUID().toString();
    send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "v1")));
    send(id, Events.delete("ItemChanged", id, 2L));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "late v1")));
    send(id, Events.upsert("ItemChanged", id, 2L, Map.of("title", "same version as the delete")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    assertThat(stats.stale()).isEqualTo(2);
    send(id, Events.upsert("ItemChanged", id, 3L, Map.of("title", "recreated")));
    tick();
    assertThat(title(id)).isEqualTo("recreated");
  }

  @Test
  void shouldDropAnOlderVersionArrivingAfterANewerOne() {
    String id = UUID.randomUUID().toString();
    send(id, Events.upsert("ItemChanged", id, 9L, Map.of("title", "v9")));
    send(id, Events.upsert("ItemChanged", id, 3L, Map.of("title", "v3")));
    tick();
    assertThat(title(id)).isEqualTo("v9");
    send(id, Events.upsert("ItemChanged", id, 8L, Map.of("title", "v8")));
    tick();
    assertThat(title(id)).isEqualTo("v9");
    assertThat(stats.stale()).isEqualTo(2);
  }

  @Test
  void shouldDeleteOnTombstone() {
    String id = UUID.randomUUID().toString();
    send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "v1")));
    tick();
    send(id, null);
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
  }

  @Test
  void shouldFlushBySizeWithoutWaitingForTheInterval() {
    for (int i = 0; i < 100; i++) {
      String id = UUID.randomUUID().toString();
      send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "n" + i)));
    }
    assertThat(sink.collection("Item")).hasSize(100);
    assertThat(sink.calls).containsExactly("upsert Item 100");
  }

  @Test
  void shouldDeadLetterInvalidRecordsWithRawBytesAndReason() {
    send(UUID.randomUUID().toString(), "{oops");
    var r = dlq.readRecord();
    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{oops");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("INVALID_EVENT");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE)).startsWith("malformed JSON");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.TOPIC)).isEqualTo("item-changed");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.PARTITION)).isEqualTo("0");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.OFFSET)).isEqualTo("0");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterOnlyTheRejectedObject() {
    String bad = UUID.randomUUID().toString();
    String good = UUID.randomUUID().toString();
    sink.rejectIds.put(bad, "invalid number property 'price'");
    send(bad, Events.upsert("ItemChanged", bad, 1L, Map.of("price", "x")));
    send(good, Events.upsert("ItemChanged", good, 1L, Map.of("title", "fine")));
    tick();
    assertThat(title(good)).isEqualTo("fine");
    var r = dlq.readRecord();
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(bad);
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("REJECTED");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE))
        .contains("invalid number property 'price'");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldKeepPendingWritesAndDeadLetterNothingWhileWeaviateIsDown() {
    sink.failWith = () -> new UncheckedIOException(new IOException("connection refused"));
    sink.ready = false;
    String id = UUID.randomUUID().toString();
    send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "held")));
    tick();
    assertThat(availability.isDown()).isTrue();
    tick();
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(sink.collection("Item")).isEmpty();

    sink.failWith = null;
    sink.ready = true;
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !availability.isDown());
    tick();
    assertThat(title(id)).isEqualTo("held");
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(stats.retriesTotal()).isPositive();
  }

  @Test
  void shouldKeepAnIdDeletedWhenALateUpsertFollowsATombstone() {
    // Hole 1: a tombstone (no version) used to reset the guard, and a late v5 resurrected the
    // object.
    String id = UUID.randomUUID().toString();
    send(id, Events.upsert("ItemChanged", id, 7L, Map.of("title", "v7")));
    send(id, null);
    send(id, Events.upsert("ItemChanged", id, 5L, Map.of("title", "late v5")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    send(id, Events.upsert("ItemChanged", id, 6L, Map.of("title", "late v6, after the flush")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    assertThat(stats.stale()).isEqualTo(2);
  }

  @Test
  void shouldKeepAnIdDeletedWhenATombstoneFollowsAVersionedDeleteAndAnOlderUpsertArrives() {
    String id = UUID.randomUUID().toString();
    // All within one flush: the tombstone replaces the pending delete and must keep its version.
    send(id, Events.upsert("ItemChanged", id, 3L, Map.of("title", "v3")));
    send(id, Events.delete("ItemChanged", id, 4L));
    send(id, null);
    send(id, Events.upsert("ItemChanged", id, 2L, Map.of("title", "v2")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    // And across flushes.
    String other = UUID.randomUUID().toString();
    send(other, Events.upsert("ItemChanged", other, 3L, Map.of("title", "v3")));
    tick();
    send(other, Events.delete("ItemChanged", other, 4L));
    tick();
    send(other, null);
    tick();
    send(other, Events.upsert("ItemChanged", other, 2L, Map.of("title", "v2")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(other);
  }

  @Test
  void shouldNotResurrectADeletedItemWhenADeadLetteredUpsertIsReplayedAfterATombstone() {
    // The README's DLQ workflow: rejected upsert, the item is deleted (tombstone), the cause is
    // fixed,
    // `dlq replay` sends the upsert again: it must stay deleted.
    String id = UUID.randomUUID().toString();
    sink.rejectIds.put(id, "no such prop with name 'color' found in class 'Item'");
    String rejected = Events.upsert("ItemChanged", id, 1L, Map.of("title", "lamp", "color", "red"));
    send(id, rejected);
    tick();
    assertThat(DlqHeaders.text(dlq.readRecord().headers(), DlqHeaders.CATEGORY))
        .isEqualTo("REJECTED");
    send(id, null);
    tick();
    sink.rejectIds.clear();
    send(id, rejected);
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldApplyAReplayOfADeadLetteredUpsertOnceItsCauseIsFixed() {
    String id = UUID.randomUUID().toString();
    sink.rejectIds.put(id, "no such prop with name 'color' found in class 'Item'");
    String rejected = Events.upsert("ItemChanged", id, 1L, Map.of("title", "lamp", "color", "red"));
    send(id, rejected);
    tick();
    dlq.readRecord();
    sink.rejectIds.clear();
    send(id, rejected);
    tick();
    assertThat(title(id)).isEqualTo("lamp");
  }

  @Test
  void shouldTreatARepeatOfTheWrittenVersionAsANoOp() {
    // Hole 7: the README said repeats are no-ops; a repeat of the written version was written
    // again.
    String id = UUID.randomUUID().toString();
    String v3 = Events.upsert("ItemChanged", id, 3L, Map.of("title", "v3"));
    send(id, v3);
    send(id, v3);
    tick();
    send(id, v3);
    tick();
    assertThat(title(id)).isEqualTo("v3");
    assertThat(sink.objectWrites).isEqualTo(1);
    assertThat(stats.repeated()).isEqualTo(2);
    assertThat(stats.stale()).isZero();
  }

  @Test
  void shouldDeadLetterAPoisonObjectThatFailsItsWholeBatchOnAHealthyWeaviate() {
    // Hole 3: gRPC INTERNAL for the whole batch on a live server was treated as an outage, forever.
    String poison = UUID.randomUUID().toString();
    sink.poisonIds.add(poison);
    var good = new java.util.ArrayList<String>();
    for (int i = 0; i < 20; i++) {
      String id = UUID.randomUUID().toString();
      good.add(id);
      send(id, Events.upsert("ItemChanged", id, 1L, Map.of("title", "fine " + i)));
      if (i == 11) {
        send(poison, Events.upsert("ItemChanged", poison, 1L, Map.of("title", "poison")));
      }
    }
    tick();
    assertThat(sink.collection("Item"))
        .containsKeys(good.toArray(String[]::new))
        .doesNotContainKey(poison);
    var r = dlq.readRecord();
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(poison);
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("TRANSIENT_EXHAUSTED");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE)).contains("INTERNAL");
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(availability.isDown()).isFalse();
  }

  @Test
  void shouldKeepAFlushWithinItsDeadlineWhenWeaviateHangs() throws IOException {
    // Hole 4: a flush looped over every batch and retry with no bound but the retry budget; under
    // exactly-once the stream thread was fenced. Deadline here: min(max.poll 300 s, tx 4 s) / 2 = 2
    // s.
    var slow = new InMemorySink();
    slow.delayMs = 700;
    slow.failWith = () -> new UncheckedIOException(new IOException("deadline exceeded"));
    slow.ready = false;
    var config =
        SyncConfig.of(
            Map.of(
                "flush.max.records",
                "10",
                "flush.interval.ms",
                "1000",
                "retry.max.attempts",
                "5",
                "retry.initial.backoff.ms",
                "1",
                "retry.max.backoff.ms",
                "2",
                "weaviate.timeout.seconds",
                "1",
                "kafka.transaction.timeout.ms",
                "4000",
                "kafka.state.dir",
                Files.createTempDirectory("sync-deadline-test").toString()));
    assertThat(config.flushDeadline()).isEqualTo(Duration.ofSeconds(2));
    var slowStats = new SyncStats();
    try (var avail = new SinkAvailability(() -> slow.ready, Duration.ofMillis(50))) {
      var services =
          new SyncTopology.Services(
              new BatchWriter(slow, avail::healthy, config, slowStats), avail, slowStats);
      var props = config.streamsProperties();
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
      try (var d = new TopologyTestDriver(SyncTopology.build(config, services), props)) {
        var in =
            d.createInputTopic(
                "item-changed", new ByteArraySerializer(), new ByteArraySerializer());
        var out =
            d.createOutputTopic(
                "weaviate-sync-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (int i = 0; i < 5; i++) {
          String id = UUID.randomUUID().toString();
          in.pipeInput(
              id.getBytes(StandardCharsets.UTF_8),
              Events.upsert("ItemChanged", id, 1L, Map.of("title", "t"))
                  .getBytes(StandardCharsets.UTF_8));
        }
        long t0 = System.nanoTime();
        d.advanceWallClockTime(Duration.ofMillis(1000));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        // Without the deadline: 5 attempts x 700 ms. With it: no attempt starts that could end
        // after 2 s.
        assertThat(slow.calls).hasSizeLessThanOrEqualTo(2);
        assertThat(tookMs).as("flush time, ms").isLessThan(4000);
        assertThat(out.isEmpty()).isTrue();
        assertThat(avail.isDown()).isTrue();
        assertThat(d.getKeyValueStore("pending.ItemChanged").approximateNumEntries()).isEqualTo(5);
      }
    }
  }

  @Test
  void shouldDeadLetterARecordNearTheSizeLimitWithShortenedHeadersAndTheSameBytes() {
    // Hole 2: a 1,048,000-byte invalid record got a 1,050,568-byte DLQ copy; the producer refused
    // it,
    // the stream thread died, and the restarted worker read the same record again.
    String id = UUID.randomUUID().toString();
    String head = "{\"type\":\"ItemChanged\",\"padding\":\"";
    byte[] value = (head + "x".repeat(1_048_000 - head.length())).getBytes(StandardCharsets.UTF_8);
    items.pipeInput(id.getBytes(StandardCharsets.UTF_8), value);
    var r = dlq.readRecord();
    assertThat(r.value()).isEqualTo(value);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(id);
    assertThat(DlqHeaders.size(r.key(), r.value(), r.headers()))
        .isLessThanOrEqualTo(SyncTopology.Services.DEFAULT_MAX_RECORD_BYTES);
    assertThat(value.length).isEqualTo(1_048_000);
    // What replay and the filters need stays; the rest was shortened or dropped to make it fit.
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("INVALID_EVENT");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.EXCEPTION))
        .endsWith("InvalidEventException");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.TOPIC)).isEqualTo("item-changed");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.OFFSET)).isEqualTo("0");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.STACKTRACE)).isNull();

    String next = UUID.randomUUID().toString();
    send(next, Events.upsert("ItemChanged", next, 1L, Map.of("title", "after the big one")));
    tick();
    assertThat(title(next)).isEqualTo("after the big one");
  }

  @Test
  void shouldDeadLetterAValidRecordTooLargeToKeepPendingAndGoOn() throws IOException {
    // The pending store's changelog copy is the record plus framing: near the limit it cannot be
    // kept.
    // Here the dead-letter topic was created by the worker (2 MiB), the changelog before this
    // release with Kafka's default (1 MiB).
    stop();
    start(SyncTopology.OWN_TOPIC_MAX_MESSAGE_BYTES, SyncTopology.Services.DEFAULT_MAX_RECORD_BYTES);
    String id = UUID.randomUUID().toString();
    // 1,048,400 bytes: accepted by a broker with the default 1 MiB limit, too large with the
    // pending write's framing and key for a changelog with the same limit.
    String shape = Events.upsert("ItemChanged", id, 4L, Map.of("title", ""));
    String big =
        Events.upsert(
            "ItemChanged", id, 4L, Map.of("title", "y".repeat(1_048_400 - shape.length())));
    assertThat(big.length()).isEqualTo(1_048_400);
    send(id, big);
    var r = dlq.readRecord();
    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(big);
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("TOO_LARGE");
    assertThat(DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE))
        .contains("bytes the worker's changelog accepts");
    // Remembered like any dead-lettered event: a tombstone after it still orders a late replay.
    send(id, null);
    tick();
    send(id, Events.upsert("ItemChanged", id, 3L, Map.of("title", "older")));
    tick();
    assertThat(sink.collection("Item")).doesNotContainKey(id);
    assertThat(stats.stale()).isEqualTo(1);
  }

  @Test
  void shouldSkipAndCountARecordThatEvenBareExceedsTheDeadLetterTopicsLimit() {
    String id = UUID.randomUUID().toString();
    byte[] value = ("{" + "z".repeat(1_048_576)).getBytes(StandardCharsets.UTF_8);
    items.pipeInput(id.getBytes(StandardCharsets.UTF_8), value);
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(stats.unsendable()).isEqualTo(1);
    String next = UUID.randomUUID().toString();
    send(next, Events.upsert("ItemChanged", next, 1L, Map.of("title", "still syncing")));
    tick();
    assertThat(title(next)).isEqualTo("still syncing");
  }
}
