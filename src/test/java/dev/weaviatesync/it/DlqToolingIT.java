package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's worked example as a test: objects rejected by Weaviate (a property the collection
 * lacks), inspected with dlq list/show/stats, fixed, replayed, written; plus dry run, loop guard,
 * idempotent replay and purge. Real broker, real Weaviate (auto-schema off), the worker in-process.
 */
@ExtendWith(LocalStack.class)
class DlqToolingIT {
  private final LocalStack stack = LocalStack.get();

  private record Result(int code, String out, String err) {}

  private Result cli(Scenario s, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var all = new ArrayList<>(List.of(args));
    all.addAll(s.cliArgs());
    int code = ItOutput.cli(out, err, all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private static long endOffset(Scenario s, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", s.config().bootstrapServers()))) {
      var tps = new java.util.HashMap<TopicPartition, OffsetSpec>();
      for (int p = 0; p < 1; p++) {
        tps.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(tps).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(i -> i.offset())
          .sum();
    }
  }

  @Test
  void shouldListShowCountFixAndReplayRejectedRecordsIntoWeaviate() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    try (var s = new Scenario(stack, "dlqtool", 1);
        var worker = Worker.start(s.config())) {
      var rejected = new ArrayList<String>();
      for (int i = 0; i < 3; i++) {
        String id = UUID.randomUUID().toString();
        rejected.add(id);
        // 'color' is not a property of the collection, and auto-schema is off: Weaviate rejects it.
        s.send(
            s.itemTopic,
            id,
            Events.upsert(s.itemType, id, 1L, Map.of("title", "lamp " + i, "color", "red")));
      }
      String malformedKey = UUID.randomUUID().toString();
      s.send(s.itemTopic, malformedKey, "{\"type\": \"ItemChanged\", oops");
      String good = UUID.randomUUID().toString();
      s.send(s.itemTopic, good, Events.upsert(s.itemType, good, 1L, Map.of("title", "fine")));
      s.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  s.dlqRecords().size() == 4
                      && s.weaviate().objects(s.itemCollection).containsKey(good));

      // list, with each filter narrowing as documented
      Result list = cli(s, "dlq", "list");
      assertThat(list.code()).isZero();
      assertThat(list.out())
          .contains("4 records")
          .contains(rejected.get(0))
          .contains("REJECTED")
          .contains("INVALID_EVENT")
          .contains("WeaviateRejectedException");
      assertThat(cli(s, "dlq", "list", "--category", "REJECTED").out()).contains("3 records");
      assertThat(cli(s, "dlq", "list", "--exception", "InvalidEventException").out())
          .contains("1 records");
      assertThat(
              cli(s, "dlq", "list", "--exception", "dev.weaviatesync.event.InvalidEventException")
                  .out())
          .contains("1 records");
      assertThat(cli(s, "dlq", "list", "--id", rejected.get(1)).out()).contains("1 records");
      assertThat(cli(s, "dlq", "list", "--type", "TaskChanged").out()).contains("0 records");
      assertThat(cli(s, "dlq", "list", "--since", "1h").out()).contains("4 records");
      assertThat(cli(s, "dlq", "list", "--until", before.toString()).out()).contains("0 records");
      assertThat(cli(s, "dlq", "list", "--limit", "2").out()).contains("2 records");
      Result json = cli(s, "dlq", "list", "--json", "--category", "REJECTED");
      var lines = json.out().strip().split("\n");
      assertThat(lines).hasSize(3);
      var first = new ObjectMapper().readTree(lines[0]);
      assertThat(first.get("category").asText()).isEqualTo("REJECTED");
      assertThat(first.get("sourceTopic").asText()).isEqualTo(s.itemTopic);
      assertThat(first.get("message").asText()).contains("color");

      // show one record whole
      long rejectedOffset = first.get("offset").asLong();
      Result show = cli(s, "dlq", "show", "0:" + rejectedOffset);
      assertThat(show.code()).isZero();
      assertThat(show.out())
          .contains(DlqHeaders.CATEGORY + ": REJECTED")
          .contains(DlqHeaders.TOPIC + ": " + s.itemTopic)
          .contains("\"color\" : \"red\"")
          .contains("stack trace:")
          .contains("WeaviateRejectedException");
      assertThat(cli(s, "dlq", "show", "0:999").code()).isEqualTo(1);
      assertThat(cli(s, "dlq", "show", "zero").code()).isEqualTo(2);

      // stats
      Result stats = cli(s, "dlq", "stats");
      assertThat(stats.out())
          .containsPattern(
              "REJECTED\\s+dev.weaviatesync.sink.WeaviateRejectedException\\s+ItemChanged\\s+3")
          .containsPattern(
              "INVALID_EVENT\\s+dev.weaviatesync.event.InvalidEventException\\s+ItemChanged\\s+1")
          .contains("4 records");

      // dry run sends nothing
      long inputEnd = endOffset(s, s.itemTopic);
      Result dry = cli(s, "dlq", "replay", "--dry-run", "--category", "REJECTED");
      assertThat(dry.code()).isZero();
      assertThat(dry.out())
          .contains("would send 0:")
          .contains("3 would be sent")
          .contains("REJECTED WeaviateRejectedException");
      assertThat(endOffset(s, s.itemTopic)).isEqualTo(inputEnd);

      // the fix: add the missing property to the collection
      int status =
          s.weaviate()
              .send(
                  "POST",
                  "/v1/schema/" + s.itemCollection + "/properties",
                  "{\"name\":\"color\",\"dataType\":[\"text\"]}");
      assertThat(status).isEqualTo(200);

      Result replay = cli(s, "dlq", "replay", "--category", "REJECTED");
      assertThat(replay.code()).as(replay.err()).isZero();
      assertThat(replay.out())
          .contains("replay: 3 sent, 0 skipped by the loop guard, 0 failed, 1 not matching");
      await("replayed objects written")
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).keySet().containsAll(rejected));
      assertThat(s.weaviate().objects(s.itemCollection).get(rejected.get(0)).path("color").asText())
          .isEqualTo("red");

      // a second run sends nothing new
      Result again = cli(s, "dlq", "replay", "--category", "REJECTED");
      assertThat(again.out()).contains("replay: 0 sent, 0 skipped by the loop guard, 0 failed");
      assertThat(endOffset(s, s.itemTopic)).isEqualTo(inputEnd + 3);

      // the loop guard stops a record that keeps failing
      Result once = cli(s, "dlq", "replay", "--category", "INVALID_EVENT", "--max-replays", "1");
      assertThat(once.out()).contains("replay: 1 sent");
      await("the malformed record fails again")
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.dlqRecords().size() == 5);
      var back = s.dlqRecords().get(4);
      assertThat(DlqHeaders.text(back.headers(), DlqHeaders.REPLAY_COUNT)).isEqualTo("1");
      assertThat(new String(back.value(), StandardCharsets.UTF_8))
          .isEqualTo("{\"type\": \"ItemChanged\", oops");
      Result guarded = cli(s, "dlq", "replay", "--category", "INVALID_EVENT", "--max-replays", "1");
      assertThat(guarded.out()).contains("replay: 0 sent, 1 skipped by the loop guard");
      assertThat(guarded.err()).contains("replayed 1 times already");

      // purge up to a point and no further
      // (offsets are not dense: the worker writes dead letters in transactions, whose markers take
      // offsets)
      long third = s.dlqRecords().get(2).offset();
      Result purge = cli(s, "dlq", "purge", "--before", "0:" + third, "--yes");
      assertThat(purge.code()).as(purge.err()).isZero();
      var left = s.dlqRecords();
      assertThat(left).hasSize(3);
      assertThat(left.get(0).offset()).isEqualTo(third);
      assertThat(cli(s, "dlq", "purge", "--before", "0:" + third, "--yes").out())
          .contains("nothing to delete");
      Result unconfirmed = cli(s, "dlq", "purge", "--before", "0:" + (third + 1));
      assertThat(unconfirmed.code()).isEqualTo(1);
      assertThat(unconfirmed.out())
          .contains("not confirmed (no terminal to ask on; pass --yes); nothing deleted");
      assertThat(s.dlqRecords()).hasSize(3);
      SyncWorkerIT.report(
          "dlq: 3 rejected + 1 malformed listed/shown/counted; after adding the property, replay sent 3 "
              + "and Weaviate holds them; second replay sent 0; loop guard skipped 1; purge before the third record left "
              + left.size()
              + " records");
    }
  }

  /**
   * Issue 13: with {@code dlq.mask.properties}, show and list print the configured fields' values
   * as *** (also where Weaviate's message quotes one), a malformed value not at all, and say so;
   * replay still sends the original bytes.
   */
  @Test
  void shouldMaskConfiguredPropertiesInShowAndListWhileReplaySendsTheOriginalBytes()
      throws Exception {
    try (var s = new Scenario(stack, "dlqmask", 1).set("dlq.mask.properties", "email,Price");
        var worker = Worker.start(s.config())) {
      String tag = UUID.randomUUID().toString().substring(0, 8);
      String email = "alice-" + tag + "@example.com";
      String cheap = "cheap" + tag;
      String token = "bob" + tag;
      // 'email' is not a property of the collection (auto-schema off): rejected, kept whole.
      String withEmail = UUID.randomUUID().toString();
      // 'price' is a number: rejected, and Weaviate's message quotes the value.
      String withPrice = UUID.randomUUID().toString();
      String malformed = UUID.randomUUID().toString();
      var sent = new java.util.LinkedHashMap<String, String>();
      sent.put(
          withEmail,
          Events.upsert(s.itemType, withEmail, 1L, Map.of("title", "lamp", "email", email)));
      sent.put(
          withPrice,
          Events.upsert(s.itemType, withPrice, 1L, Map.of("title", "desk", "price", cheap)));
      sent.put(malformed, "{\"type\": \"ItemChanged\", \"email\": " + token + "}");
      sent.forEach((k, v) -> s.send(s.itemTopic, k, v));
      s.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> s.dlqRecords().size() == 3);
      var original = s.dlqRecords();
      var secrets = List.of(email, cheap, token);

      Result list = cli(s, "dlq", "list");
      assertThat(list.code()).isZero();
      assertThat(list.out())
          .contains("3 records; messages masked: values of email, Price (dlq.mask.properties)")
          .contains("'***'");
      secrets.forEach(v -> assertThat(list.out()).doesNotContain(v));
      Result json = cli(s, "dlq", "list", "--json");
      var lines = json.out().strip().split("\n");
      assertThat(lines).hasSize(3);
      for (String line : lines) {
        assertThat(new ObjectMapper().readTree(line).get("masked").asBoolean()).isTrue();
      }
      secrets.forEach(v -> assertThat(json.out()).doesNotContain(v));

      var shown = new java.util.HashMap<String, String>();
      for (var r : original) {
        Result show = cli(s, "dlq", "show", "0:" + r.offset());
        assertThat(show.code()).isZero();
        secrets.forEach(v -> assertThat(show.out()).doesNotContain(v));
        shown.put(new String(r.key(), StandardCharsets.UTF_8), show.out());
      }
      assertThat(shown.get(withEmail))
          .contains(
              "masked:  1 field of email, price shown as *** (dlq.mask.properties); "
                  + "dlq replay sends the original bytes")
          .contains("\"email\" : \"***\"")
          .contains("\"title\" : \"lamp\"");
      assertThat(shown.get(withPrice))
          .contains("\"price\" : \"***\"")
          .contains("the given value is '***'");
      assertThat(shown.get(malformed))
          .contains("masked:  the value is not shown")
          .contains(
              "<"
                  + sent.get(malformed).length()
                  + " bytes, not JSON, not shown while masking is on>")
          .contains("Unrecognized token '***'");

      // Replay: the original bytes go back, not what show printed.
      long inputEnd = endOffset(s, s.itemTopic);
      Result replay = cli(s, "dlq", "replay");
      assertThat(replay.code()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("replay: 3 sent");
      var replayed = read(s, s.itemTopic, inputEnd, 3);
      assertThat(replayed).hasSize(3);
      for (int i = 0; i < 3; i++) {
        var back = replayed.get(i);
        var dead = original.get(i);
        assertThat(back.key()).isEqualTo(dead.key());
        assertThat(back.value()).isEqualTo(dead.value());
        assertThat(back.value())
            .isEqualTo(
                sent.get(new String(back.key(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
      }
      SyncWorkerIT.report(
          "dlq masking: with dlq.mask.properties=email,Price, list/list --json/show of 3 records "
              + "(an unknown email property, a price Weaviate's message quotes, a malformed value) "
              + "printed none of the 3 values; replay sent the 3 values back byte for byte");
    }
  }

  /** {@code n} records of partition 0 of {@code topic} from {@code offset} on (read committed). */
  private static List<ConsumerRecord<byte[], byte[]>> read(
      Scenario s, String topic, long offset, int n) {
    var props = new java.util.Properties();
    props.put("bootstrap.servers", s.config().bootstrapServers());
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void shouldSayClearlyWhenTheTopicIsMissingOrTheBrokerUnreachable() throws Exception {
    try (var s = new Scenario(stack, "dlqmissing", 1)) {
      s.set("dlq.topic", "no-such-dlq-topic");
      Result r = cli(s, "dlq", "list");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("dead-letter topic 'no-such-dlq-topic' does not exist");
      s.set("kafka.bootstrap.servers", "127.0.0.1:1");
      Result down = cli(s, "dlq", "stats");
      assertThat(down.code()).isEqualTo(1);
      assertThat(down.err()).contains("did not answer");
    }
  }
}
