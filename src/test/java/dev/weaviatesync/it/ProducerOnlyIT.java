package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A service that only publishes: a throwaway Maven project that depends on nothing but this
 * project's artifact (installed into the local repository, as {@code ./mvnw install} does) resolves
 * kafka-clients and Jackson and nothing of the worker; a program on exactly that class path
 * publishes an item, and the worker (this project's full class path) writes it to Weaviate.
 */
@ExtendWith(LocalStack.class)
class ProducerOnlyIT {
  private final LocalStack stack = LocalStack.get();

  /** Artifacts a publishing service must never get: the worker's engine, storage and sink. */
  private static final List<String> WORKER_ONLY =
      List.of(
          "/org/apache/kafka/kafka-streams/",
          "/org/rocksdb/",
          "/io/grpc/",
          "/io/weaviate/",
          "/io/github/resilience4j/",
          "/info/picocli/",
          "/io/micrometer/",
          "/ch/qos/logback/");

  private static String run(Path dir, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    // Read while it runs, so a chatty process never blocks on a full pipe.
    var output = new java.util.concurrent.CompletableFuture<String>();
    new Thread(
            () -> {
              try {
                output.complete(
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.completeExceptionally(e);
              }
            },
            "producer-only-output")
        .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    String out = output.get(10, TimeUnit.SECONDS);
    assertThat(p.exitValue()).as("%s exited %d:%n%s", cmd, p.exitValue(), out).isZero();
    return out;
  }

  @Test
  void shouldPublishWithOnlyTheProducerDependenciesAndSeeTheWorkerWriteIt() throws Exception {
    Path root = LocalStack.root();
    Path jar;
    try (Stream<Path> files = Files.list(root.resolve("target"))) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("weaviate-sync-[0-9].*\\.jar"))
              .filter(f -> !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no target/weaviate-sync-*.jar: run after package"));
    }
    String version =
        jar.getFileName()
            .toString()
            .replaceFirst("^weaviate-sync-", "")
            .replaceFirst("\\.jar$", "");
    String mvnw = root.resolve("mvnw").toString();

    // 1. Install the artifact with its POM, as a user's `./mvnw install` would (not offline: a
    // fresh
    //    machine may not have the install plugin yet).
    run(
        root,
        List.of(
            mvnw,
            "-B",
            "-q",
            "install:install-file",
            "-Dfile=" + jar,
            "-DpomFile=" + root.resolve("pom.xml")));

    // 2. A throwaway project with that one dependency resolves its class path (offline: all it
    // needs
    //    is in the local repository once this build ran).
    Path project = root.resolve("target/producer-only");
    Files.createDirectories(project);
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>publishing-service</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <dependencies>
            <dependency>
              <groupId>dev.weaviatesync</groupId>
              <artifactId>weaviate-sync</artifactId>
              <version>%s</version>
            </dependency>
          </dependencies>
          <build><plugins><plugin>
            <groupId>org.apache.maven.plugins</groupId>
            <artifactId>maven-dependency-plugin</artifactId>
            <version>%s</version>
          </plugin></plugins></build>
        </project>
        """
            .formatted(version, System.getProperty("dependency-plugin.version", "3.11.0")));
    Path cpFile = project.resolve("classpath.txt");
    Files.deleteIfExists(cpFile);
    run(
        project,
        List.of(
            mvnw, "-B", "-q", "-o", "dependency:build-classpath", "-Dmdep.outputFile=" + cpFile));
    String classPath = Files.readString(cpFile).trim();
    List<String> entries = Arrays.asList(classPath.split(java.io.File.pathSeparator));
    List<String> workerOnly = new ArrayList<>();
    for (String e : entries) {
      String normalized = e.replace('\\', '/');
      WORKER_ONLY.stream().filter(normalized::contains).findAny().ifPresent(w -> workerOnly.add(e));
    }
    assertThat(workerOnly)
        .as("worker-only artifacts on a publishing service's class path")
        .isEmpty();
    assertThat(classPath)
        .contains("kafka-clients")
        .contains("jackson-databind")
        .contains("weaviate-sync-" + version);

    // 3. A program with only that class path publishes; the worker writes the object.
    try (var s = new Scenario(stack, "producer-only", 1);
        var worker = Worker.start(s.config())) {
      String id = UUID.randomUUID().toString();
      Files.writeString(
          project.resolve("Publish.java"),
          """
          import dev.weaviatesync.producer.ChangePublisher;
          import dev.weaviatesync.producer.Changes;
          import java.util.Map;

          public class Publish {
            public static void main(String[] args) throws Exception {
              try {
                Class.forName("org.apache.kafka.streams.KafkaStreams");
                throw new AssertionError("Kafka Streams is on the class path");
              } catch (ClassNotFoundException expected) {
                // a publishing service has no Kafka Streams
              }
              try (ChangePublisher publisher = ChangePublisher.builder().bootstrapServers(args[0])
                  .topics(Map.of("ItemChanged", args[1])).build()) {
                publisher.publishAndWait(Changes.itemChanged(args[2]).version(1)
                    .property("title", "Published without the worker").property("price", 7.5).upsert());
              }
              System.out.println("published " + args[2]);
            }
          }
          """);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String out =
          run(
              project,
              List.of(
                  java,
                  "-cp",
                  classPath,
                  "Publish.java",
                  s.config().bootstrapServers(),
                  s.itemTopic,
                  id));
      assertThat(out).contains("published " + id);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> s.weaviate().objects(s.itemCollection).containsKey(id));
      assertThat(s.weaviate().objects(s.itemCollection).get(id).path("title").asText())
          .isEqualTo("Published without the worker");
      assertThat(s.dlqRecords()).isEmpty();
      SyncWorkerIT.report(
          "producer-only: a throwaway project on weaviate-sync "
              + version
              + " resolves "
              + entries.size()
              + " jars ("
              + entries.stream()
                  .map(e -> Path.of(e).getFileName().toString())
                  .collect(Collectors.joining(", "))
              + "), none of the worker's; its publish reached Weaviate");
    }
  }
}
