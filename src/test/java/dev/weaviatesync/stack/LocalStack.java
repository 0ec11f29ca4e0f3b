package dev.weaviatesync.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real broker and the real Weaviate, started once per test JVM by {@code scripts/kafka.sh} and
 * {@code scripts/weaviate.sh} (the same scripts the demo uses) and stopped when the JVM exits.
 *
 * <p>With {@code CI=true} a stack that cannot start fails the test; elsewhere the test is aborted
 * with the reason, visibly, never silently.
 */
public final class LocalStack implements BeforeAllCallback {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
  private static final Path DIR = ROOT.resolve("target/it-stack");
  private static LocalStack instance;
  private static RuntimeException startFailure;

  private final Path kafkaDir = DIR.resolve("kafka");
  private final Path weaviateDir = DIR.resolve("weaviate");
  private String bootstrap;
  private int weaviateHttpPort;
  private int weaviateGrpcPort;

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  /** The shared stack; starts it on first use. */
  public static synchronized LocalStack get() {
    if (instance == null && startFailure == null) {
      try {
        var s = new LocalStack();
        s.start();
        instance = s;
      } catch (RuntimeException e) {
        startFailure = e;
      }
    }
    if (startFailure != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw startFailure;
      }
      Assumptions.abort("local Kafka/Weaviate stack could not start (set CI=true to make this a failure): "
          + startFailure.getMessage());
    }
    return instance;
  }

  private void start() {
    try {
      // A previous test JVM that was killed left its servers running: stop them first.
      quietly("scripts/weaviate.sh", "stop", weaviateDir.toString());
      quietly("scripts/kafka.sh", "stop", kafkaDir.toString());
      if (Files.isDirectory(DIR)) {
        try (var dirs = Files.list(DIR)) {
          // Tests' own servers (startExtraWeaviate) of a killed JVM, too.
          dirs.filter(d -> Files.exists(d.resolve("pid"))).forEach(d -> quietly("scripts/weaviate.sh", "stop", d.toString()));
        }
      }
      deleteRecursively(DIR);
      Files.createDirectories(DIR);
      script("scripts/kafka.sh", "start", kafkaDir.toString());
      bootstrap = Files.readString(kafkaDir.resolve("bootstrap")).trim();
      script("scripts/weaviate.sh", "start", weaviateDir.toString());
      String[] ports = Files.readString(weaviateDir.resolve("ports")).trim().split("\\s+");
      weaviateHttpPort = Integer.parseInt(ports[0]);
      weaviateGrpcPort = Integer.parseInt(ports[1]);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + DIR + ": " + e, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      quietly("scripts/weaviate.sh", "stop", weaviateDir.toString());
      quietly("scripts/kafka.sh", "stop", kafkaDir.toString());
    }, "local-stack-stop"));
  }

  public String bootstrap() {
    return bootstrap;
  }

  public int weaviateHttpPort() {
    return weaviateHttpPort;
  }

  public int weaviateGrpcPort() {
    return weaviateGrpcPort;
  }

  public WeaviateRest weaviate() {
    return new WeaviateRest(weaviateHttpPort);
  }

  /** Stops the Weaviate server (TERM); {@link #startWeaviate()} brings it back on the same ports and data. */
  public void stopWeaviate() {
    script("scripts/weaviate.sh", "stop", weaviateDir.toString());
  }

  public void startWeaviate() {
    script("scripts/weaviate.sh", "start", weaviateDir.toString());
  }

  /** SIGSTOP: Weaviate hangs (accepts connections, answers nothing) until {@link #thawWeaviate()}. */
  public void freezeWeaviate() throws Exception {
    signalWeaviate("STOP");
  }

  /** SIGCONT after {@link #freezeWeaviate()}. */
  public void thawWeaviate() throws Exception {
    signalWeaviate("CONT");
  }

  private void signalWeaviate(String signal) throws Exception {
    String pid = Files.readString(weaviateDir.resolve("pid")).trim();
    Process p = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  public static Path root() {
    return ROOT;
  }

  /**
   * Another Weaviate beside the shared one, with its data, ports and pid under {@code dir} and the
   * given environment for scripts/weaviate.sh (WEAVIATE_API_KEYS, WEAVIATE_MODULES, ...); the same
   * {@code dir} again restarts it on the same ports and data. Returns its REST and gRPC ports.
   */
  public static int[] startExtraWeaviate(Path dir, java.util.Map<String, String> env) throws IOException {
    script(env, "scripts/weaviate.sh", "start", dir.toString());
    String[] ports = Files.readString(dir.resolve("ports")).trim().split("\\s+");
    return new int[] {Integer.parseInt(ports[0]), Integer.parseInt(ports[1])};
  }

  public static void stopExtraWeaviate(Path dir) {
    quietly("scripts/weaviate.sh", "stop", dir.toString());
  }

  /** A directory for a test's own servers, under the stack's. */
  public static Path dir(String name) {
    return DIR.resolve(name);
  }

  private static void script(String script, String... args) {
    script(java.util.Map.of(), script, args);
  }

  private static void script(java.util.Map<String, String> env, String script, String... args) {
    var cmd = new java.util.ArrayList<String>(List.of("bash", ROOT.resolve(script).toString()));
    cmd.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("stack", ".log");
      var builder = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 15 minutes");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
  }

  private static void quietly(String script, String... args) {
    try {
      script(script, args);
    } catch (RuntimeException e) {
      System.err.println("stack stop: " + e.getMessage());
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
