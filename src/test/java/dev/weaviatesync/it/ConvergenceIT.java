package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10 against the real broker and the real Weaviate: verify finds exactly the differences made
 * by hand through Weaviate's REST API, resync repairs them through the worker (also while events
 * arrive), and verify then finds none.
 */
@ExtendWith(LocalStack.class)
class ConvergenceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LocalStack stack = LocalStack.get();

  /**
   * The contract's reference: latest version per id; the DELETE is the highest where there is one.
   */
  static final class Model {
    final Map<String, Long> latest = new HashMap<>();
    final Map<String, Boolean> deleted = new HashMap<>();

    void accept(String id, long version, boolean delete) {
      Long h = latest.get(id);
      if (h == null || version > h || (version == h && delete)) {
        latest.put(id, version);
        deleted.put(id, delete);
      }
    }

    List<String> live() {
      return latest.keySet().stream().filter(id -> !deleted.get(id)).sorted().toList();
    }

    List<String> gone() {
      return latest.keySet().stream().filter(deleted::get).sorted().toList();
    }
  }

  static String title(String id, long version) {
    return "item " + id.substring(0, 8) + " v" + version;
  }

  /**
   * Publishes {@code ids} × {@code versions} events, versions shuffled per id; a quarter end
   * deleted.
   */
  static int publish(Scenario s, Model model, List<String> ids, int versions, Random rnd) {
    var events = new ArrayList<String[]>();
    for (String id : ids) {
      boolean endsDeleted = rnd.nextInt(4) == 0;
      var order = new ArrayList<Long>();
      for (long v = 1; v <= versions; v++) {
        order.add(v);
      }
      Collections.shuffle(order, rnd);
      for (long v : order) {
        boolean delete = endsDeleted && v == versions;
        model.accept(id, v, delete);
        events.add(
            new String[] {
              id,
              delete
                  ? Events.delete(s.itemType, id, v)
                  : Events.upsert(
                      s.itemType,
                      id,
                      v,
                      Map.of("title", title(id, v), "price", v * 1.5, "stock", (int) v))
            });
      }
    }
    // Interleave ids (each id's own order stays the shuffled one).
    Collections.shuffle(events, rnd);
    var perId = new HashMap<String, List<String>>();
    for (var e : events) {
      perId.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
    }
    var cursor = new HashMap<String, Integer>();
    for (var e : events) {
      int i = cursor.merge(e[0], 1, Integer::sum) - 1;
      s.send(s.itemTopic, e[0], perId.get(e[0]).get(i));
    }
    s.flush();
    return events.size();
  }

  record Run(int code, String output) {}

  private static Run cli(Scenario s, String... args) {
    var all = new ArrayList<>(List.of(args));
    all.addAll(s.cliArgs());
    var out = new StringWriter();
    int code = ItOutput.cli(out, out, all.toArray(String[]::new));
    return new Run(code, out.toString());
  }

  static JsonNode typeResult(Run r) throws Exception {
    String text = r.output();
    return JSON.readTree(text.substring(text.indexOf('{'), text.lastIndexOf('}') + 1))
        .path("types")
        .get(0);
  }

  private void awaitConverged(Scenario s, Model model) {
    var live = model.live();
    await("the worker wrote the latest version of every id")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Map<String, JsonNode> objs = s.weaviate().objects(s.itemCollection);
              return objs.size() == live.size()
                  && live.stream()
                      .allMatch(
                          id ->
                              objs.containsKey(id)
                                  && objs.get(id)
                                      .path("title")
                                      .asText()
                                      .equals(title(id, model.latest.get(id))));
            });
  }

  @Test
  void shouldFindExactlyTheHandMadeDifferencesAndRepairThemThroughTheWorker() throws Exception {
    var rnd = new Random(10);
    try (var s = new Scenario(stack, "converge", 3).set("flush.max.records", "500");
        var worker = Worker.start(s.config())) {
      var model = new Model();
      var ids = new ArrayList<String>();
      for (int i = 0; i < 4000; i++) {
        ids.add(UUID.randomUUID().toString());
      }
      int published = publish(s, model, ids, 5, rnd);
      assertThat(published).isGreaterThanOrEqualTo(20_000);
      awaitConverged(s, model);

      var clean = cli(s, "verify", "--json", "--rate", "0");
      assertThat(clean.code()).as(clean.output()).isZero();
      JsonNode r0 = typeResult(clean);
      assertThat(r0.path("checked").asLong()).isEqualTo(ids.size());
      assertThat(r0.path("differences").asLong()).isZero();

      // By hand, through Weaviate's REST API.
      var live = new ArrayList<>(model.live());
      var gone = new ArrayList<>(model.gone());
      Collections.shuffle(live, rnd);
      Collections.shuffle(gone, rnd);
      String c = s.itemCollection;
      var rest = s.weaviate();
      for (String id : live.subList(0, 50)) {
        assertThat(rest.send("DELETE", "/v1/objects/" + c + "/" + id, null)).isEqualTo(204);
      }
      for (String id : live.subList(50, 100)) {
        assertThat(
                rest.send(
                    "PATCH",
                    "/v1/objects/" + c + "/" + id,
                    "{\"class\":\"" + c + "\",\"properties\":{\"title\":\"edited by hand\"}}"))
            .isEqualTo(204);
      }
      var strays = new ArrayList<String>();
      for (int i = 0; i < 20; i++) {
        String id = UUID.randomUUID().toString();
        strays.add(id);
        assertThat(create(rest, c, id, "stray")).isEqualTo(200);
      }
      for (String id : gone.subList(0, 10)) {
        assertThat(create(rest, c, id, "back from the dead")).isEqualTo(200);
      }

      java.nio.file.Path metrics =
          java.nio.file.Files.createTempDirectory("verify-metrics").resolve("verify.prom");
      var found = cli(s, "verify", "--json", "--rate", "0", "--metrics-file", metrics.toString());
      assertThat(found.code()).as(found.output()).isEqualTo(1);
      JsonNode r1 = typeResult(found);
      assertThat(r1.path("missing").asLong()).isEqualTo(50);
      assertThat(r1.path("stale").asLong()).isEqualTo(50);
      assertThat(r1.path("unexpected").asLong()).isEqualTo(20);
      assertThat(r1.path("resurrected").asLong()).isEqualTo(10);
      assertThat(r1.path("checked").asLong()).isEqualTo(ids.size() + 20);
      assertThat(java.nio.file.Files.readAllLines(metrics))
          .contains(
              "weaviate_sync_verify_objects_checked{type=\"ItemChanged\"} " + (ids.size() + 20),
              "weaviate_sync_verify_differences{type=\"ItemChanged\",kind=\"missing\"} 50",
              "weaviate_sync_verify_differences{type=\"ItemChanged\",kind=\"stale\"} 50",
              "weaviate_sync_verify_differences{type=\"ItemChanged\",kind=\"unexpected\"} 20",
              "weaviate_sync_verify_differences{type=\"ItemChanged\",kind=\"resurrected\"} 10",
              "weaviate_sync_verify_differences{type=\"TaskChanged\",kind=\"missing\"} 0");

      var dry = cli(s, "resync", "--dry-run", "--rate", "0");
      assertThat(dry.code()).as("a dry run with something to repair: " + dry.output()).isEqualTo(1);
      for (String id : live.subList(0, 100)) {
        assertThat(dry.output()).contains(id);
      }
      strays.forEach(id -> assertThat(dry.output()).contains("unexpected " + id));
      gone.subList(0, 10).forEach(id -> assertThat(dry.output()).contains("resurrected " + id));
      assertThat(dry.output().lines().filter(l -> l.contains(" -> would "))).hasSize(130);
      assertThat(typeResult(cli(s, "verify", "--json", "--rate", "0")).path("differences").asLong())
          .as("a dry run changes nothing")
          .isEqualTo(130);

      var repaired = cli(s, "resync", "--rate", "0");
      assertThat(repaired.code()).as(repaired.output()).isZero();
      assertThat(repaired.output()).contains("130 repairs published", "130 applied");
      var after = cli(s, "verify", "--json", "--rate", "0");
      assertThat(after.code()).as(after.output()).isZero();
      awaitConverged(s, model);

      // Again, with events arriving during the resync, some of them for the damaged ids.
      Collections.shuffle(live, rnd);
      for (String id : live.subList(0, 30)) {
        rest.send("DELETE", "/v1/objects/" + c + "/" + id, null);
      }
      for (String id : live.subList(30, 60)) {
        rest.send(
            "PATCH",
            "/v1/objects/" + c + "/" + id,
            "{\"class\":\"" + c + "\",\"properties\":{\"title\":\"edited again\"}}");
      }
      for (int i = 0; i < 10; i++) {
        create(rest, c, UUID.randomUUID().toString(), "stray 2");
      }
      var stop = new AtomicBoolean();
      var sent = new AtomicInteger();
      var racing = new ArrayList<>(live.subList(0, 200));
      var liveModel = new Model();
      model.latest.forEach((id, v) -> liveModel.accept(id, v, model.deleted.get(id)));
      var producer =
          new Thread(
              () -> {
                var r = new Random(11);
                while (!stop.get()) {
                  String id = racing.get(r.nextInt(racing.size()));
                  long v;
                  synchronized (liveModel) {
                    v = liveModel.latest.get(id) + 1;
                    liveModel.accept(id, v, false);
                  }
                  s.send(
                      s.itemTopic,
                      id,
                      Events.upsert(s.itemType, id, v, Map.of("title", title(id, v), "stock", 1)));
                  sent.incrementAndGet();
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      producer.start();
      Run during;
      try {
        Thread.sleep(1000);
        during = cli(s, "resync", "--rate", "0");
      } finally {
        stop.set(true);
        producer.join();
        s.flush();
      }
      assertThat(during.code()).as(during.output()).isZero();
      assertThat(sent.get()).isGreaterThan(50);
      synchronized (liveModel) {
        awaitConverged(s, liveModel);
      }
      var end = cli(s, "verify", "--json", "--rate", "0");
      assertThat(end.code()).as(end.output()).isZero();
      assertThat(worker.stats().dlqTotal()).isZero();
      SyncWorkerIT.report(
          String.format(
              "convergence: %d events over %d ids -> verify 0; by hand 50 deleted, 50 edited, 20"
                  + " created, 10 re-created -> verify %s; resync: %s; verify 0; again while %d"
                  + " events arrived: resync %s; verify 0",
              published,
              ids.size(),
              r1.path("missing")
                  + " missing/"
                  + r1.path("stale")
                  + " stale/"
                  + r1.path("unexpected")
                  + " unexpected/"
                  + r1.path("resurrected")
                  + " resurrected",
              lastLine(repaired.output(), "applied"),
              sent.get(),
              lastLine(during.output(), "applied")));
    }
  }

  static String lastLine(String out, String containing) {
    return out.lines().filter(l -> l.contains(containing)).reduce((a, b) -> b).orElse("?");
  }

  static int create(dev.weaviatesync.stack.WeaviateRest rest, String c, String id, String title) {
    return rest.send(
        "POST",
        "/v1/objects",
        "{\"class\":\""
            + c
            + "\",\"id\":\""
            + id
            + "\",\"properties\":{\"title\":\""
            + title
            + "\"}}");
  }
}
