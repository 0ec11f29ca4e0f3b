package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker end to end, in this JVM, against the real broker and the real Weaviate. */
@ExtendWith(LocalStack.class)
class SyncWorkerIT {
  private final LocalStack stack = LocalStack.get();

  @Test
  void shouldCreateMissingObjectOnUpdateAndReplaceExistingOne() throws Exception {
    try (var s = new Scenario(stack, "upsert", 1);
        var worker = Worker.start(s.config())) {
      String missing = UUID.randomUUID().toString();
      // The original bug: an update for an object Weaviate has never seen answered 404.
      s.send(
          s.itemTopic,
          missing,
          Events.upsert(s.itemType, missing, 7L, Map.of("title", "first sync", "price", 10.5)));
      s.flush();
      await("object created by an update")
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).containsKey(missing));

      s.send(
          s.itemTopic, missing, Events.upsert(s.itemType, missing, 8L, Map.of("title", "renamed")));
      s.flush();
      await("object replaced")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  "renamed"
                      .equals(
                          s.weaviate()
                              .objects(s.itemCollection)
                              .get(missing)
                              .path("title")
                              .asText()));
      JsonNode props = s.weaviate().objects(s.itemCollection).get(missing);
      // Full-state replace, not a merge: the price of version 7 is gone.
      assertThat(props.has("price") && !props.get("price").isNull()).isFalse();
      assertThat(s.dlqRecords()).isEmpty();
    }
  }

  @Test
  void shouldConvergeOnLatestStateOf500IdsFrom10000InterleavedEvents() throws Exception {
    try (var s = new Scenario(stack, "bulk", 3).set("flush.max.records", "200")) {
      var expected = new HashMap<String, Map<String, Object>>();
      var events = generate(s, 10_000, 500, new Random(42), expected);
      try (var worker = Worker.start(s.config())) {
        long start = System.nanoTime();
        events.forEach(e -> s.send(e[0], e[1], e[2]));
        s.flush();
        await("Weaviate holds the latest state of every id")
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> sameState(s.weaviate().objects(s.itemCollection), expected));
        double seconds = (System.nanoTime() - start) / 1e9;
        long writes = worker.stats().written() + worker.stats().deleted();
        double ratio = writes / 10_000.0;
        report(
            String.format(
                "bulk: 10000 events over 500 ids, 3 partitions: %.1f s, %.0f events/s, "
                    + "%d Weaviate object writes (upserts %d + deletes %d), writes/events = %.3f, deduped %d, flushes %d",
                seconds,
                10_000 / seconds,
                writes,
                worker.stats().written(),
                worker.stats().deleted(),
                ratio,
                worker.stats().deduped(),
                worker.stats().flushes()));
        assertThat(worker.stats().eventsIn()).isEqualTo(10_000);
        assertThat(ratio).isLessThan(0.5);
        assertThat(s.dlqRecords()).isEmpty();
      }
    }
  }

  @Test
  void shouldNeverLetAnOlderVersionOverwriteANewerOneOrUndoADelete() throws Exception {
    try (var s = new Scenario(stack, "versions", 1)) {
      String a = UUID.randomUUID().toString();
      String b = UUID.randomUUID().toString();
      try (var worker = Worker.start(s.config())) {
        s.send(s.itemTopic, a, Events.upsert(s.itemType, a, 5L, Map.of("title", "v5")));
        s.send(s.itemTopic, b, Events.upsert(s.itemType, b, 1L, Map.of("title", "b1")));
        s.send(s.itemTopic, b, Events.delete(s.itemType, b, 2L));
        s.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    worker.stats().written() + worker.stats().deleted() >= 2
                        && s.weaviate().objects(s.itemCollection).containsKey(a));
        // Arrive late, after the newer state was written (a separate flush).
        s.send(s.itemTopic, a, Events.upsert(s.itemType, a, 4L, Map.of("title", "v4 (late)")));
        s.send(
            s.itemTopic, b, Events.upsert(s.itemType, b, 1L, Map.of("title", "b1 again (late)")));
        s.flush();
        await("late events counted as stale")
            .atMost(Duration.ofSeconds(60))
            .until(() -> worker.stats().stale() == 2);
        Thread.sleep(1000); // one more flush interval: nothing may be written for them
        var objects = s.weaviate().objects(s.itemCollection);
        assertThat(objects.get(a).path("title").asText()).isEqualTo("v5");
        assertThat(objects).doesNotContainKey(b);
      }
    }
  }

  @Test
  void shouldDeadLetterARejectedObjectAloneAndWriteTheRestOfItsBatch() throws Exception {
    try (var s = new Scenario(stack, "rejected", 1).set("flush.interval.ms", "1500")) {
      try (var worker = Worker.start(s.config())) {
        var good = new ArrayList<String>();
        String bad = UUID.randomUUID().toString();
        for (int i = 0; i < 20; i++) {
          String id = UUID.randomUUID().toString();
          good.add(id);
          s.send(
              s.itemTopic,
              id,
              Events.upsert(s.itemType, id, 1L, Map.of("title", "ok " + i, "price", i)));
          if (i == 10) {
            // price is declared as a number: Weaviate rejects this one object.
            s.send(
                s.itemTopic,
                bad,
                Events.upsert(
                    s.itemType, bad, 1L, Map.of("title", "bad", "price", "not a number")));
          }
        }
        s.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    s.dlqRecords().size() == 1
                        && s.weaviate().objects(s.itemCollection).keySet().containsAll(good));
        assertThat(worker.stats().flushes()).isLessThanOrEqualTo(3);
        assertThat(s.weaviate().objects(s.itemCollection)).hasSize(20).doesNotContainKey(bad);
        ConsumerRecord<byte[], byte[]> dead = s.dlqRecords().get(0);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("not a number");
        assertThat(DlqHeaders.text(dead.headers(), DlqHeaders.CATEGORY)).isEqualTo("REJECTED");
        assertThat(DlqHeaders.text(dead.headers(), DlqHeaders.MESSAGE))
            .contains(bad)
            .containsIgnoringCase("price");
        assertThat(DlqHeaders.text(dead.headers(), DlqHeaders.TOPIC)).isEqualTo(s.itemTopic);
        assertThat(DlqHeaders.text(dead.headers(), DlqHeaders.COLLECTION))
            .isEqualTo(s.itemCollection);
        assertThat(DlqHeaders.text(dead.headers(), DlqHeaders.STACKTRACE))
            .contains("WeaviateRejectedException");
        report("rejected: Weaviate said: " + DlqHeaders.text(dead.headers(), DlqHeaders.MESSAGE));
      }
    }
  }

  @Test
  void shouldDeadLetterEveryKindOfInvalidRecordAndKeepProcessing() throws Exception {
    try (var s = new Scenario(stack, "invalid", 1)) {
      try (var worker = Worker.start(s.config())) {
        String id = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        var headers = new RecordHeaders();
        headers.add("trace-id", new byte[] {1, 2, 3});
        byte[] malformed = "{\"type\":\"ItemChanged\",".getBytes(StandardCharsets.UTF_8);
        s.sendBytes(s.itemTopic, id.getBytes(StandardCharsets.UTF_8), malformed, headers);
        s.send(
            s.itemTopic,
            id,
            "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"occurredAt\":\"2026-11-29T10:00:00Z\","
                + "\"properties\":{}}");
        s.send(
            s.itemTopic, other, Events.upsert(s.itemType, id, 1L, Map.of("title", "key differs")));
        s.send(
            s.itemTopic,
            id,
            Events.upsert("InvoiceChanged", id, 1L, Map.of("title", "unknown type")));
        s.send(
            s.itemTopic,
            id,
            Events.upsert(s.itemType, id, 1L, Map.of()).replace("\"UPSERT\"", "\"MERGE\""));
        String valid = UUID.randomUUID().toString();
        s.send(
            s.itemTopic,
            valid,
            Events.upsert(s.itemType, valid, 1L, Map.of("title", "still processed")));
        s.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    s.dlqRecords().size() == 5
                        && s.weaviate().objects(s.itemCollection).containsKey(valid));
        Map<String, String> reasons = new LinkedHashMap<>();
        for (var r : s.dlqRecords()) {
          reasons.put(Long.toString(r.offset()), DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE));
          assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)).isEqualTo("INVALID_EVENT");
          assertThat(DlqHeaders.text(r.headers(), DlqHeaders.EXCEPTION))
              .isEqualTo("dev.weaviatesync.event.InvalidEventException");
        }
        assertThat(reasons.values())
            .satisfiesExactly(
                m -> assertThat(m).startsWith("malformed JSON"),
                m -> assertThat(m).startsWith("id: is missing"),
                m -> assertThat(m).startsWith("key: the record key"),
                m -> assertThat(m).startsWith("type: unknown type 'InvoiceChanged'"),
                m -> assertThat(m).startsWith("op: unknown op 'MERGE'"));
        ConsumerRecord<byte[], byte[]> first = s.dlqRecords().get(0);
        assertThat(first.value()).isEqualTo(malformed);
        assertThat(first.headers().lastHeader("trace-id").value()).isEqualTo(new byte[] {1, 2, 3});
        assertThat(DlqHeaders.text(first.headers(), DlqHeaders.OFFSET)).isEqualTo("0");
        assertThat(worker.stats().dlqByCategory()).containsEntry("INVALID_EVENT", 5L);
      }
    }
  }

  @Test
  void shouldHoldWritesWhileWeaviateIsDownAndLoseNothing() throws Exception {
    try (var s = new Scenario(stack, "outage", 3).set("flush.max.records", "100")) {
      var expected = new HashMap<String, Map<String, Object>>();
      var events = generate(s, 3_000, 150, new Random(7), expected);
      try (var worker = Worker.start(s.config())) {
        int third = events.size() / 3;
        events.subList(0, third).forEach(e -> s.send(e[0], e[1], e[2]));
        s.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().written() > 0);
        stack.stopWeaviate();
        long stoppedAt = System.nanoTime();
        try {
          // Keep the stream going while Weaviate is away.
          for (var e : events.subList(third, events.size())) {
            s.send(e[0], e[1], e[2]);
          }
          s.flush();
          await("the worker notices the outage")
              .atMost(Duration.ofSeconds(60))
              .until(worker::weaviateDown);
          long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - stoppedAt);
          if (left > 0) {
            Thread.sleep(left / 1_000_000);
          }
        } finally {
          stack.startWeaviate();
        }
        await("Weaviate holds the latest state of every id")
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> sameState(s.weaviate().objects(s.itemCollection), expected));
        assertThat(worker.stats().dlqTotal()).isZero();
        assertThat(s.dlqRecords()).isEmpty();
        report(
            "outage: Weaviate stopped 30 s mid-stream; retries "
                + worker.stats().retriesByCause()
                + ", nothing dead-lettered, final state complete");
      }
    }
  }

  @Test
  void shouldReturnToBaselineThreadsAfterRepeatedStartAndStop() throws Exception {
    try (var s = new Scenario(stack, "leaks", 1)) {
      // Warm up once: JVM-wide pools (Kafka metrics, gRPC's shared executors) start on first use.
      try (var w = Worker.start(s.config())) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> w.streams().state().isRunningOrRebalancing());
      }
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).until(() -> true);
      int baseline = liveThreads();
      for (int i = 0; i < 5; i++) {
        String id = UUID.randomUUID().toString();
        try (var w = Worker.start(s.config())) {
          s.send(s.itemTopic, id, Events.upsert(s.itemType, id, 1L, Map.of("title", "round " + i)));
          s.flush();
          await().atMost(Duration.ofSeconds(60)).until(() -> w.stats().written() == 1);
        }
      }
      await("threads back to the baseline of " + baseline)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> liveThreads() <= baseline);
      report(
          "leaks: live threads after 5 start/stop cycles: "
              + liveThreads()
              + " (baseline "
              + baseline
              + ")");
    }
  }

  private static int liveThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
  }

  /**
   * Random interleaving of upserts and deletes over {@code ids} ids with growing versions per id.
   * Fills {@code expected} with the final state: the last event of each id, absent when deleted.
   */
  static List<String[]> generate(
      Scenario s, int count, int ids, Random rnd, Map<String, Map<String, Object>> expected) {
    var idList = new ArrayList<String>();
    for (int i = 0; i < ids; i++) {
      idList.add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
    }
    var version = new HashMap<String, Long>();
    var out = new ArrayList<String[]>(count);
    for (int i = 0; i < count; i++) {
      String id = idList.get(rnd.nextInt(ids));
      long v = version.merge(id, 1L, Long::sum);
      if (rnd.nextInt(10) == 0) {
        out.add(new String[] {s.itemTopic, id, Events.delete(s.itemType, id, v)});
        expected.remove(id);
      } else {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("title", "item " + id.substring(0, 8) + " v" + v);
        props.put("price", v * 1.5);
        props.put("stock", v);
        props.put("tags", List.of("t" + v % 3, "v" + v));
        out.add(new String[] {s.itemTopic, id, Events.upsert(s.itemType, id, v, props)});
        expected.put(id, props);
      }
    }
    return out;
  }

  /** Object by object: same ids, and each object's title, price, stock and tags as expected. */
  static boolean sameState(
      Map<String, JsonNode> actual, Map<String, Map<String, Object>> expected) {
    if (!actual.keySet().equals(expected.keySet())) {
      return false;
    }
    for (var e : expected.entrySet()) {
      JsonNode a = actual.get(e.getKey());
      Map<String, Object> x = e.getValue();
      if (!a.path("title").asText().equals(x.get("title"))
          || a.path("price").asDouble() != ((Number) x.get("price")).doubleValue()
          || a.path("stock").asLong() != ((Number) x.get("stock")).longValue()) {
        return false;
      }
      var tags = new ArrayList<String>();
      a.path("tags").forEach(t -> tags.add(t.asText()));
      if (!tags.equals(x.get("tags"))) {
        return false;
      }
    }
    return true;
  }

  static void report(String line) throws Exception {
    System.out.println("[it-report] " + line);
    Path f = LocalStack.root().resolve("target/it-report.txt");
    Files.writeString(
        f, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
