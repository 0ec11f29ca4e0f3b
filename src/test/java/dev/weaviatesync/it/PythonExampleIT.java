package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Python publisher package (clients/python) installed with pip into a venv ({@code
 * scripts/python-client.sh}), its mypy --strict check and pytest suite run against the real broker,
 * then examples/python/example_view.py, which imports the installed package and publishes after
 * commit: the worker writes the item to Weaviate, and the rolled-back update never arrives.
 */
@ExtendWith(LocalStack.class)
class PythonExampleIT {
  private static final Pattern PYTEST_SUMMARY =
      Pattern.compile("(?m)^=*\\s*(\\d+) passed(.*?)(?: in [0-9.]+s)?\\s*=*$");

  private final LocalStack stack = LocalStack.get();

  /**
   * Runs {@code cmd} in {@code dir}; returns the exit code, a newline, then stdout and stderr
   * merged.
   */
  private static String run(Path dir, List<String> cmd, Map<String, String> env, int timeoutSeconds)
      throws Exception {
    var pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = Files.createTempFile("python-it", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(
            "timed out after " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(log));
      }
      return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String lastLine(String out) {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  @Test
  void shouldGetTheDjangoViewsEventIntoWeaviate() throws Exception {
    Path root = LocalStack.root();
    // pip install of the package (and its test tools) from PyPI into target/python-venv.
    String install =
        run(root, List.of("bash", "scripts/python-client.sh", "install"), Map.of(), 900);
    if (!install.startsWith("0\n")) {
      String why =
          "could not pip install clients/python into a venv (scripts/python-client.sh install): "
              + install;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    String python = lastLine(install);
    assertThat(Path.of(python)).isExecutable();
    Path venv = Path.of(python).getParent().getParent();

    // The example imports the installed package, not a file next to it.
    Path example = root.resolve("examples/python");
    String where =
        run(
            example,
            List.of(python, "-c", "import weaviate_sync; print(weaviate_sync.__file__)"),
            Map.of(),
            60);
    assertThat(where).startsWith("0\n");
    Path imported = Path.of(lastLine(where)).toRealPath();
    assertThat(imported.startsWith(venv.toRealPath())).as(where).isTrue();
    assertThat(imported.toString()).contains("site-packages");

    // mypy --strict and pytest, the broker tests against this stack's broker; nothing may be
    // skipped.
    String check =
        run(
            root,
            List.of("bash", "scripts/python-client.sh", "check"),
            Map.of("WEAVIATE_SYNC_TEST_BOOTSTRAP", stack.bootstrap()),
            900);
    System.out.println("[python-client.sh check] exit " + check);
    assertThat(check).as(check).startsWith("0\n");
    assertThat(check.split("Success: no issues found", -1))
        .as("two mypy --strict runs\n" + check)
        .hasSize(3);
    Matcher summary = PYTEST_SUMMARY.matcher(check);
    assertThat(summary.find()).as("pytest summary\n" + check).isTrue();
    assertThat(summary.group(2))
        .as("pytest: nothing skipped or failed\n" + check)
        .doesNotContain("skipped")
        .doesNotContain("failed")
        .doesNotContain("error");
    int pytestPassed = Integer.parseInt(summary.group(1));

    try (var s = new Scenario(stack, "python", 1);
        var worker = Worker.start(s.config())) {
      String id = UUID.randomUUID().toString();
      String result =
          run(
              example,
              List.of(
                  python,
                  "example_view.py",
                  "--bootstrap",
                  s.config().bootstrapServers(),
                  "--topic",
                  s.itemTopic,
                  "--id",
                  id,
                  "--title",
                  "Desk lamp from Django",
                  "--price",
                  "19.9"),
              Map.of(),
              120);
      assertThat(result)
          .startsWith("0\n")
          .contains("\"published_version\": 1")
          .contains("\"rolled_back\": true");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).containsKey(id));
      var props = s.weaviate().objects(s.itemCollection).get(id);
      assertThat(props.path("title").asText()).isEqualTo("Desk lamp from Django");
      assertThat(props.path("price").asDouble()).isEqualTo(19.9);
      Thread.sleep(1000); // a rolled-back update must never arrive
      assertThat(s.weaviate().objects(s.itemCollection).get(id).path("title").asText())
          .doesNotContain("never committed");
      assertThat(worker.stats().eventsIn()).isEqualTo(1);
      assertThat(s.dlqRecords()).isEmpty();
      SyncWorkerIT.report(
          "python: package pip-installed into a venv, mypy --strict clean, pytest "
              + pytestPassed
              + " passed (broker tests included); Django view published after commit (1 event, the rolled-back one "
              + "never sent); object in Weaviate");
    }
  }
}
