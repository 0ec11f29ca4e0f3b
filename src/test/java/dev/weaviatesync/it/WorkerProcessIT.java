package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.stack.WorkerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker as its own process: killed with SIGKILL mid-stream, restarted, nothing lost. */
@ExtendWith(LocalStack.class)
class WorkerProcessIT {
  private final LocalStack stack = LocalStack.get();

  @Test
  void shouldConvergeAfterSigkillMidStreamAndRestart() throws Exception {
    try (var s = new Scenario(stack, "sigkill", 3).set("flush.max.records", "100")) {
      var expected = new HashMap<String, Map<String, Object>>();
      var events = SyncWorkerIT.generate(s, 6_000, 300, new Random(11), expected);
      var config = s.writeConfig();
      int half = events.size() / 2;
      try (var first = WorkerProcess.start(config)) {
        events.subList(0, half).forEach(e -> s.send(e[0], e[1], e[2]));
        s.flush();
        await("first worker writes something")
            .atMost(Duration.ofSeconds(120))
            .until(() -> !s.weaviate().objects(s.itemCollection).isEmpty());
        // Keep producing while the worker dies.
        events.subList(half, half + 1000).forEach(e -> s.send(e[0], e[1], e[2]));
        first.kill();
        assertThat(first.isAlive()).isFalse();
      }
      events.subList(half + 1000, events.size()).forEach(e -> s.send(e[0], e[1], e[2]));
      s.flush();
      // The second worker runs as in a pod of a Helm release named weaviate-sync without
      // enableServiceLinks: false, with Kubernetes' service-link variables in its environment.
      var serviceLinks =
          Map.of(
              "WEAVIATE_SYNC_SERVICE_HOST",
              "10.96.0.12",
              "WEAVIATE_SYNC_SERVICE_PORT",
              "8081",
              "WEAVIATE_SYNC_SERVICE_PORT_HTTP",
              "8081",
              "WEAVIATE_SYNC_PORT",
              "tcp://10.96.0.12:8081",
              "WEAVIATE_SYNC_PORT_8081_TCP",
              "tcp://10.96.0.12:8081",
              "WEAVIATE_SYNC_PORT_8081_TCP_PROTO",
              "tcp",
              "WEAVIATE_SYNC_PORT_8081_TCP_PORT",
              "8081",
              "WEAVIATE_SYNC_PORT_8081_TCP_ADDR",
              "10.96.0.12");
      try (var second = WorkerProcess.start(config, serviceLinks)) {
        await("Weaviate holds the latest state of every id")
            .atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> SyncWorkerIT.sameState(s.weaviate().objects(s.itemCollection), expected));
        assertThat(s.dlqRecords()).isEmpty();
        int exit = second.terminate(60);
        assertThat(exit).as("exit code after SIGTERM; log:%n%s", second.output()).isZero();
        assertThat(second.output()).contains("Stopped; final summary");
        SyncWorkerIT.report(
            "sigkill: worker killed mid-stream (6000 events, 300 ids, 3 partitions), restarted, "
                + expected.size()
                + " live objects exactly as expected, DLQ empty, SIGTERM exit "
                + exit
                + "; the restarted worker had the 8 service-link variables of a Service named weaviate-sync");
      }
    }
  }

  @Test
  void shouldFailFastOnRefusedCredentialsWithoutPrintingThem() throws Exception {
    String apiKey = ItSecrets.register("hunter2-" + UUID.randomUUID());
    String password = ItSecrets.register("pw-" + UUID.randomUUID());
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
            + password
            + "\";";
    // The local Weaviate has no API keys configured, so it answers 401 to any key.
    try (var s =
        new Scenario(stack, "secrets", 1)
            .set("weaviate.api.key", apiKey)
            .set("kafka.sasl.jaas.config", jaas)) {
      try (var worker = WorkerProcess.start(s.writeConfig())) {
        await("start-up fails").atMost(Duration.ofSeconds(60)).until(() -> !worker.isAlive());
        String out = worker.output();
        assertThat(worker.terminate(5)).as(out).isEqualTo(1);
        assertThat(out)
            .contains("start-up failed")
            .contains("weaviate.api.key=********")
            .doesNotContain(apiKey)
            .doesNotContain("pw-");
        SyncWorkerIT.report(
            "secrets: worker with a refused API key exited 1 at start-up; neither the API key nor "
                + "the SASL password appears in its output");
      }
    }
  }
}
