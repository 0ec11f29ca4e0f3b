package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.stack.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker as a process, as Kubernetes runs it: metrics, probes, SIGTERM during a steady stream.
 */
@ExtendWith(LocalStack.class)
class OperateIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final LocalStack stack = LocalStack.get();

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(15))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }

  private static int status(int port, String path) {
    var r = get(port, path);
    return r == null ? -1 : r.statusCode();
  }

  /** Milliseconds one request took (whatever it answered). */
  private static long timed(int port, String path) {
    long t0 = System.nanoTime();
    status(port, path);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static double metric(String scrape, String name, String labels) {
    var m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(name)
                    + (labels == null ? "" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\}")
                    + "\\s+([0-9.eE+-]+)$")
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void shouldExposeMetricsAndProbesAndStopCleanlyOnSigterm() throws Exception {
    int port = Scenario.freePort();
    try (var s =
        new Scenario(stack, "operate", 3)
            .set("admin.port", Integer.toString(port))
            .set("flush.max.records", "100")) {
      var config = s.writeConfig();
      var expected = new HashMap<String, Map<String, Object>>();
      var events = SyncWorkerIT.generate(s, 4_000, 200, new Random(5), expected);
      try (var worker = WorkerProcess.start(config)) {
        await("ready").atMost(Duration.ofSeconds(90)).until(() -> status(port, "/readyz") == 200);
        assertThat(status(port, "/healthz")).isEqualTo(200);

        // 1. metrics match what happened
        events.subList(0, 1000).forEach(e -> s.send(e[0], e[1], e[2]));
        s.send(s.itemTopic, UUID.randomUUID().toString(), "{not json");
        s.flush();
        await("metrics count 1001 events")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    metric(
                            get(port, "/metrics").body(),
                            "weaviate_sync_events_in_total",
                            "type=\"ItemChanged\"")
                        == 1001);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  String m = get(port, "/metrics").body();
                  return metric(m, "weaviate_sync_written_total", null)
                          + metric(m, "weaviate_sync_deleted_total", null)
                          + metric(m, "weaviate_sync_deduped_total", null)
                          + metric(m, "weaviate_sync_stale_dropped_total", null)
                      == 1000;
                });
        String scrape = get(port, "/metrics").body();
        assertThat(metric(scrape, "weaviate_sync_dlq_total", "category=\"INVALID_EVENT\""))
            .isEqualTo(1);
        double written = metric(scrape, "weaviate_sync_written_total", null);
        assertThat(written).isPositive().isLessThan(1000);
        assertThat(scrape)
            .contains("weaviate_sync_flush_latency_seconds_bucket")
            .contains("weaviate_sync_batch_size_bucket")
            .contains("kafka_stream_");
        // Counted when produced; visible to a read_committed reader once its transaction commits.
        await().atMost(Duration.ofSeconds(30)).until(() -> s.dlqRecords().size() == 1);
        assertThat(s.dlqRecords()).hasSize(1);

        // 2. readiness follows Weaviate
        stack.stopWeaviate();
        try {
          await("not ready without Weaviate")
              .atMost(Duration.ofSeconds(60))
              .until(() -> status(port, "/readyz") == 503);
          assertThat(status(port, "/healthz")).isEqualTo(200);
        } finally {
          stack.startWeaviate();
        }
        await("ready again")
            .atMost(Duration.ofSeconds(120))
            .until(() -> status(port, "/readyz") == 200);

        // 2b. Hole 6: with Weaviate frozen (SIGSTOP) and readiness calls in flight, liveness and
        // readiness still answer at once: both come from state the background probe keeps.
        long slowestHealthz;
        long slowestReadyz;
        stack.freezeWeaviate();
        try {
          var inFlight = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Long>>();
          for (int i = 0; i < 3; i++) {
            inFlight.add(
                java.util.concurrent.CompletableFuture.supplyAsync(() -> timed(port, "/readyz")));
          }
          slowestHealthz = 0;
          for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertThat(status(port, "/healthz")).isEqualTo(200);
            slowestHealthz = Math.max(slowestHealthz, (System.nanoTime() - t0) / 1_000_000);
            Thread.sleep(200);
          }
          slowestReadyz =
              inFlight.stream()
                  .mapToLong(java.util.concurrent.CompletableFuture::join)
                  .max()
                  .orElseThrow();
          // Kubernetes' default probe timeout is 1 s.
          assertThat(slowestHealthz).as("slowest /healthz, ms").isLessThan(1000);
          assertThat(slowestReadyz).as("slowest /readyz, ms").isLessThan(1000);
          await("not ready while Weaviate hangs")
              .atMost(Duration.ofSeconds(30))
              .until(() -> status(port, "/readyz") == 503);
        } finally {
          stack.thawWeaviate();
        }
        await("ready again after SIGCONT")
            .atMost(Duration.ofSeconds(60))
            .until(() -> status(port, "/readyz") == 200);

        // 3. SIGTERM during a steady stream
        var stop = new AtomicBoolean();
        var producer =
            new Thread(
                () -> {
                  for (var e : events.subList(1000, 3000)) {
                    if (stop.get()) {
                      break;
                    }
                    s.send(e[0], e[1], e[2]);
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException ie) {
                      return;
                    }
                  }
                  s.flush();
                });
        producer.start();
        Thread.sleep(1500);
        long t0 = System.nanoTime();
        int exit = worker.terminate(40);
        double took = (System.nanoTime() - t0) / 1e9;
        producer.join();
        assertThat(exit).as("exit code; log:%n%s", worker.output()).isZero();
        assertThat(took).isLessThan(30.0); // shutdown.grace.ms
        SyncWorkerIT.report(
            String.format(
                "operate: metrics matched (1001 events in, %.0f written, 1 INVALID_EVENT); "
                    + "readyz 503 while Weaviate stopped, 200 after; Weaviate frozen (SIGSTOP) with 3 readiness calls in flight: "
                    + "slowest healthz %d ms, slowest readyz %d ms; SIGTERM mid-stream: exit %d after %.1f s",
                written, slowestHealthz, slowestReadyz, exit, took));
      }
      events.subList(3000, events.size()).forEach(e -> s.send(e[0], e[1], e[2]));
      s.flush();
      try (var again = WorkerProcess.start(config)) {
        await("final state complete after restart")
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> SyncWorkerIT.sameState(s.weaviate().objects(s.itemCollection), expected));
        assertThat(again.terminate(40)).isZero();
      }
    }
  }

  @Test
  void shouldExitNonZeroWhenAStreamThreadDies() throws Exception {
    int port = Scenario.freePort();
    try (var s =
        new Scenario(stack, "threaddeath", 1)
            .set("admin.port", Integer.toString(port))
            .set("kafka.producer.max.block.ms", "3000")) {
      try (var worker = WorkerProcess.start(s.writeConfig())) {
        await("ready").atMost(Duration.ofSeconds(90)).until(() -> status(port, "/readyz") == 200);
        // Take the dead-letter topic away (the broker does not auto-create topics): the next dead
        // letter cannot be written, the stream thread dies, and the process must say so by its exit
        // code.
        try (var admin =
            org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", s.config().bootstrapServers()))) {
          admin
              .deleteTopics(java.util.List.of(s.dlqTopic))
              .all()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        s.send(s.itemTopic, UUID.randomUUID().toString(), "{not json");
        s.flush();
        await("the worker exits by itself")
            .atMost(Duration.ofSeconds(120))
            .until(() -> !worker.isAlive());
        int exit = worker.terminate(5);
        assertThat(exit).as("exit code; log:%n%s", worker.output()).isEqualTo(1);
        assertThat(worker.output()).contains("A stream thread died");
        SyncWorkerIT.report(
            "thread death: dead-letter topic deleted under the worker; it stopped by itself with exit "
                + exit);
      }
    }
  }
}
