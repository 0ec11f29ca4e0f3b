package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Paths of the promise nobody had scripted (issue 9), against the real broker and the real
 * Weaviate.
 */
@ExtendWith(LocalStack.class)
class PromiseIT {
  private final LocalStack stack = LocalStack.get();

  private static int cli(Scenario s, StringWriter out, String... args) {
    var all = new ArrayList<>(List.of(args));
    all.addAll(s.cliArgs());
    return ItOutput.cli(out, out, all.toArray(String[]::new));
  }

  @Test
  void shouldNotResurrectADeletedItemWhenTheReadmesDlqWorkflowReplaysItsRejectedUpsert()
      throws Exception {
    try (var s = new Scenario(stack, "resurrect", 1);
        var worker = Worker.start(s.config())) {
      String id = UUID.randomUUID().toString();
      String other = UUID.randomUUID().toString();
      // Rejected: 'color' is not a property and auto-schema is off.
      s.send(
          s.itemTopic,
          id,
          Events.upsert(s.itemType, id, 1L, Map.of("title", "lamp", "color", "red")));
      s.send(
          s.itemTopic,
          other,
          Events.upsert(s.itemType, other, 1L, Map.of("title", "chair", "color", "blue")));
      s.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> s.dlqRecords().size() == 2);
      // The item is deleted in the application: a tombstone.
      s.send(s.itemTopic, id, null);
      s.flush();
      assertThat(
              s.weaviate()
                  .send(
                      "POST",
                      "/v1/schema/" + s.itemCollection + "/properties",
                      "{\"name\":\"color\",\"dataType\":[\"text\"]}"))
          .isEqualTo(200);
      var out = new StringWriter();
      assertThat(cli(s, out, "dlq", "replay", "--category", "REJECTED"))
          .as(out.toString())
          .isZero();
      assertThat(out.toString()).contains("replay: 2 sent");
      await("the other replayed item appears")
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).containsKey(other));
      Thread.sleep(
          1000); // two more flush intervals: the deleted one would have been written by now
      assertThat(s.weaviate().object(s.itemCollection, id))
          .as("deleted item after the replay")
          .isNull();
      assertThat(worker.stats().stale()).isEqualTo(1);
      SyncWorkerIT.report(
          "resurrection: rejected upsert, tombstone, property added, dlq replay: the deleted "
              + "item stayed absent (stale dropped 1), the other replayed item was written");
    }
  }

  @Test
  void shouldDeadLetterARecordNearTheSizeLimitAndKeepSyncing() throws Exception {
    try (var s = new Scenario(stack, "bigrecord", 1);
        var worker = Worker.start(s.config())) {
      String id = UUID.randomUUID().toString();
      String head = "{\"type\":\"ItemChanged\",\"padding\":\"";
      byte[] value =
          (head + "x".repeat(1_048_000 - head.length())).getBytes(StandardCharsets.UTF_8);
      s.sendBytes(s.itemTopic, id.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders());
      String next = UUID.randomUUID().toString();
      s.send(
          s.itemTopic,
          next,
          Events.upsert(s.itemType, next, 1L, Map.of("title", "after the big one")));
      s.flush();
      await("the next event is written")
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).containsKey(next));
      // The flush writes to Weaviate before the transaction that holds the dead-letter record
      // commits, and the DLQ is read read_committed: wait for the commit, then look.
      var dlq =
          await("the dead-letter record is committed")
              .atMost(Duration.ofSeconds(30))
              .until(s::dlqRecords, records -> !records.isEmpty());
      Thread.sleep(500); // one more commit interval: a second record would show up now
      dlq = s.dlqRecords();
      assertThat(dlq).hasSize(1);
      assertThat(dlq.get(0).value()).isEqualTo(value);
      assertThat(DlqHeaders.text(dlq.get(0).headers(), DlqHeaders.CATEGORY))
          .isEqualTo("INVALID_EVENT");
      assertThat(worker.failure()).isNull();
      assertThat(worker.streams().state().isRunningOrRebalancing()).isTrue();
      SyncWorkerIT.report(
          "size limit: a 1,048,000-byte invalid record on a topic with the broker's 1 MiB limit was "
              + "dead-lettered byte for byte ("
              + DlqHeaders.size(dlq.get(0).key(), dlq.get(0).value(), dlq.get(0).headers())
              + " bytes with headers), the worker kept running and wrote the next event");
    }
  }

  @Test
  void shouldExitNonZeroAndDeadLetterNothingWhenItsApiKeyIsRevokedWhileRunning() throws Exception {
    String keyA = ItSecrets.register("key-a-" + UUID.randomUUID());
    String keyB = ItSecrets.register("key-b-" + UUID.randomUUID());
    var dir = LocalStack.dir("weaviate-auth");
    int[] ports =
        LocalStack.startExtraWeaviate(
            dir, Map.of("WEAVIATE_API_KEYS", keyA, "WEAVIATE_API_USERS", "sync"));
    try (var s = new Scenario(stack, "revoked", 1)) {
      s.set("weaviate.http.port", Integer.toString(ports[0]))
          .set("weaviate.grpc.port", Integer.toString(ports[1]))
          .set("weaviate.api.key", keyA);
      try (var worker = dev.weaviatesync.stack.WorkerProcess.start(s.writeConfig())) {
        String first = UUID.randomUUID().toString();
        s.send(
            s.itemTopic,
            first,
            Events.upsert(s.itemType, first, 1L, Map.of("title", "with key a")));
        s.flush();
        var authed = new dev.weaviatesync.stack.WeaviateRest(ports[0], keyA);
        await("written with key a")
            .atMost(Duration.ofSeconds(90))
            .until(() -> authed.objects(s.itemCollection).containsKey(first));
        // Revoke: the server now accepts key b only.
        LocalStack.stopExtraWeaviate(dir);
        LocalStack.startExtraWeaviate(
            dir, Map.of("WEAVIATE_API_KEYS", keyB, "WEAVIATE_API_USERS", "sync"));
        String second = UUID.randomUUID().toString();
        s.send(
            s.itemTopic,
            second,
            Events.upsert(s.itemType, second, 1L, Map.of("title", "after the revocation")));
        s.flush();
        await("the worker stops by itself")
            .atMost(Duration.ofSeconds(120))
            .until(() -> !worker.isAlive());
        int exit = worker.terminate(5);
        String out = worker.output();
        assertThat(exit).as("exit code; log:%n%s", out).isEqualTo(1);
        assertThat(out).contains("credentials").doesNotContain(keyA).doesNotContain(keyB);
        assertThat(s.dlqRecords()).isEmpty();
        SyncWorkerIT.report(
            "revoked key: Weaviate restarted with another API key under a running worker: exit "
                + exit
                + ", DLQ empty, neither key in the output");
      }
    } finally {
      LocalStack.stopExtraWeaviate(dir);
    }
  }

  @Test
  void shouldDeadLetterTheObjectThatPoisonsItsBatchOnALiveWeaviateAndWriteTheRest()
      throws Exception {
    // Hole 3 against the real server: every gRPC request carrying the poison object fails as a
    // whole
    // (the relay drops the connection: UNAVAILABLE), while REST readiness and the probe's gRPC read
    // answer. Before, pause/resume/fail repeated forever and nothing was written.
    try (var proxy =
            new dev.weaviatesync.stack.PoisonProxy(stack.weaviateGrpcPort(), "poison-pill-7f3a");
        var s = new Scenario(stack, "poison", 1)) {
      s.set("weaviate.grpc.port", Integer.toString(proxy.port()))
          .set("retry.max.attempts", "3")
          .set("retry.initial.backoff.ms", "50")
          .set("retry.max.backoff.ms", "200");
      try (var worker = Worker.start(s.config())) {
        var good = new ArrayList<String>();
        String poison = UUID.randomUUID().toString();
        for (int i = 0; i < 30; i++) {
          String id = UUID.randomUUID().toString();
          good.add(id);
          s.send(s.itemTopic, id, Events.upsert(s.itemType, id, 1L, Map.of("title", "fine " + i)));
          if (i == 17) {
            s.send(
                s.itemTopic,
                poison,
                Events.upsert(s.itemType, poison, 1L, Map.of("title", "poison-pill-7f3a")));
          }
        }
        s.flush();
        await("the poison object is dead-lettered, the rest written")
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    s.dlqRecords().size() == 1
                        && s.weaviate().objects(s.itemCollection).keySet().containsAll(good));
        var r = s.dlqRecords().get(0);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(poison);
        assertThat(DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY))
            .isEqualTo("TRANSIENT_EXHAUSTED");
        assertThat(s.weaviate().objects(s.itemCollection)).doesNotContainKey(poison);
        assertThat(proxy.drops()).isPositive();
        await("processing is not paused")
            .atMost(Duration.ofSeconds(10))
            .until(() -> !worker.weaviateDown());
        String next = UUID.randomUUID().toString();
        s.send(
            s.itemTopic,
            next,
            Events.upsert(s.itemType, next, 1L, Map.of("title", "after the poison")));
        s.flush();
        await("the next event is written")
            .atMost(Duration.ofSeconds(60))
            .until(() -> s.weaviate().objects(s.itemCollection).containsKey(next));
        SyncWorkerIT.report(
            "poison batch: real Weaviate behind a relay that drops every gRPC request carrying one "
                + "object ("
                + proxy.drops()
                + " drops): that object dead-lettered TRANSIENT_EXHAUSTED, the other 30 and "
                + "the next event written, "
                + worker.stats().retriesTotal()
                + " retries");
      }
    }
  }
}
