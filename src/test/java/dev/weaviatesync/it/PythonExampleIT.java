package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** examples/python/example_view.py publishes after commit; the worker writes the item to Weaviate. */
@ExtendWith(LocalStack.class)
class PythonExampleIT {
  private final LocalStack stack = LocalStack.get();

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(LocalStack.root().resolve("examples/python").toFile())
        .redirectErrorStream(true).start();
    String out;
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.exitValue() + "\n" + out;
  }

  @Test
  void shouldGetTheDjangoViewsEventIntoWeaviate() throws Exception {
    String check = run(List.of("python3", "-c", "import confluent_kafka, django"));
    if (!check.startsWith("0\n")) {
      String why = "python3 lacks confluent-kafka/Django (pip install -r examples/python/requirements.txt): " + check;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    try (var s = new Scenario(stack, "python", 1); var worker = Worker.start(s.config())) {
      String id = UUID.randomUUID().toString();
      String result = run(List.of("python3", "example_view.py", "--bootstrap", s.config().bootstrapServers(),
          "--topic", s.itemTopic, "--id", id, "--title", "Desk lamp from Django", "--price", "19.9"));
      assertThat(result).startsWith("0\n").contains("\"published_version\": 1").contains("\"rolled_back\": true");
      await().atMost(Duration.ofSeconds(60)).until(() -> s.weaviate().objects(s.itemCollection).containsKey(id));
      var props = s.weaviate().objects(s.itemCollection).get(id);
      assertThat(props.path("title").asText()).isEqualTo("Desk lamp from Django");
      assertThat(props.path("price").asDouble()).isEqualTo(19.9);
      Thread.sleep(1000); // a rolled-back update must never arrive
      assertThat(s.weaviate().objects(s.itemCollection).get(id).path("title").asText()).doesNotContain("never committed");
      assertThat(worker.stats().eventsIn()).isEqualTo(1);
      assertThat(s.dlqRecords()).isEmpty();
      SyncWorkerIT.report("python: Django view published after commit (1 event, the rolled-back one never sent); "
          + "object in Weaviate");
    }
  }
}
