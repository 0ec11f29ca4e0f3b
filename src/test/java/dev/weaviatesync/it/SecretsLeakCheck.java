package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LeakScan;
import dev.weaviatesync.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "secrets never leak": after every other integration test of the build has run, no value
 * registered with {@link ItSecrets} (API keys, SASL passwords, ... that the tests configured)
 * appears in anything the tests logged or printed. It fails naming the file and line, and shows
 * only masked forms.
 *
 * <p>Not an {@code *IT}: failsafe's own execution {@code leak-check} (pom.xml) runs it alone, after
 * the execution that runs the ITs, in every {@code ./mvnw verify}, whatever {@code -Dit.test}
 * selects.
 *
 * <p>Scanned, and a failure when a value is found:
 *
 * <ul>
 *   <li>{@code target/it-output}: the IT JVM's stdout and stderr (in-process workers' logs, test
 *       output), worker processes' logs, CLI output the tests captured ({@link ItOutput});
 *   <li>{@code target/failsafe-reports}: failure messages and the output they keep, those written
 *       since {@link ItOutput#started()} (the directory keeps the reports of classes earlier runs
 *       ran); {@code target/it-report.txt} is not read, as it is appended to across runs and every
 *       line of it is printed to stdout too;
 *   <li>{@code target/helm-check}: the chart rendered by {@code scripts/helm-check.sh} with secret
 *       values set (NOTES and every manifest except the Secret that holds them), the values being
 *       registered by that script.
 * </ul>
 *
 * <p>The broker's and Weaviate's own logs ({@code target/it-stack/<server>/*.log}) are scanned too
 * but only reported: those servers are given some of the values as their own configuration
 * (Weaviate's allowed API keys, the broker's SASL users), and what they do with their configuration
 * is not this project's output.
 */
class SecretsLeakCheck {
  private static final Path TARGET = LocalStack.root().resolve("target");
  private static final Path HELM = TARGET.resolve("helm-check");

  @Test
  void noRegisteredSecretAppearsInAnythingTheTestsLoggedOrPrinted() throws Exception {
    if (!Files.exists(HELM.resolve("with-secrets/NOTES.txt"))) {
      // A plain `./mvnw verify` (the README's test command) without scripts/helm-check.sh before
      // it, or after a clean: render the chart with a secret value here (it registers the value).
      renderChartWithSecrets();
    }
    List<String> secrets = ItSecrets.all();
    boolean ci = "true".equals(System.getenv("CI"));
    if (ci) {
      assertThat(secrets)
          .as("no secret registered in %s: did the ITs run?", ItSecrets.file())
          .isNotEmpty();
      assertThat(HELM.resolve("with-secrets/NOTES.txt"))
          .as("the chart rendered with secret values: run scripts/helm-check.sh before")
          .exists();
    }
    // failsafe-reports keeps the reports of classes an earlier run ran: only this run's count.
    var since =
        Files.exists(ItOutput.started())
            ? Files.getLastModifiedTime(ItOutput.started()).toMillis()
            : Long.MIN_VALUE;
    var reports = LeakScan.files(List.of(TARGET.resolve("failsafe-reports")));
    var current = new ArrayList<Path>();
    for (Path r : reports) {
      if (Files.getLastModifiedTime(r).toMillis() >= since) {
        current.add(r);
      }
    }
    List<Path> ours = new ArrayList<>(LeakScan.files(List.of(ItOutput.dir(), HELM)));
    ours.addAll(current);
    // it-stack/<server>/*.log: kafka.log, format.log, weaviate.log (not the broker's partition
    // segments under kafka/logs/, which are data).
    Path stack = TARGET.resolve("it-stack");
    List<Path> servers =
        LeakScan.files(List.of(stack)).stream()
            .filter(p -> p.getFileName().toString().endsWith(".log"))
            .filter(p -> stack.equals(p.getParent().getParent()))
            .toList();
    var found = LeakScan.scan(ours, secrets);
    var serverFindings = LeakScan.scan(servers, secrets);
    serverFindings
        .findings()
        .forEach(f -> System.out.println("[leak-check] note, a server's own log: " + f));
    String summary =
        "secrets: "
            + secrets.size()
            + " registered values searched in "
            + found.files()
            + " files of test, worker, CLI and chart output ("
            + found.lines()
            + " lines; "
            + (reports.size() - current.size())
            + " reports of earlier runs left out): "
            + (found.findings().isEmpty() ? "none found" : found.findings().size() + " found")
            + "; the servers' own logs ("
            + serverFindings.files()
            + " files): "
            + serverFindings.findings().size()
            + " found (not ours, reported only)";
    System.out.println("[leak-check] " + summary);
    if (!found.findings().isEmpty()) {
      fail(
          found.findings().size()
              + " occurrences of registered secret values (the lines of "
              + ItSecrets.file()
              + ") in test output, shown masked:\n"
              + found.findings().stream()
                  .limit(50)
                  .map(LeakScan.Finding::toString)
                  .collect(Collectors.joining("\n")));
    }
    if (!Files.exists(ItOutput.dir())) {
      System.out.println("[leak-check] no " + ItOutput.dir() + ": no IT ran in this build");
    }
    SyncWorkerIT.report(summary);
  }

  private static void renderChartWithSecrets() throws Exception {
    Process p =
        new ProcessBuilder("bash", "scripts/helm-check.sh", "--leak-render")
            .directory(TARGET.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    System.out.println("[leak-check] scripts/helm-check.sh --leak-render: " + out.strip());
  }
}
