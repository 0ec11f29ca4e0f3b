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
 *
 * <p>{@link #startAt} starts a stack of a test's own under another directory, for a test that kills
 * and restarts the servers (the fault suite) without touching the shared one.
 */
public final class LocalStack implements BeforeAllCallback {
  private static final Path ROOT =
      Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
  private static final Path DIR = ROOT.resolve("target/it-stack");
  private static LocalStack instance;
  private static RuntimeException startFailure;

  private final Path dir;
  private final Path kafkaDir;
  private final Path weaviateDir;
  private String bootstrap;
  private int weaviateHttpPort;
  private int weaviateGrpcPort;

  /** For {@code @ExtendWith}: the shared stack under {@code target/it-stack}. */
  public LocalStack() {
    this(DIR);
  }

  private LocalStack(Path dir) {
    this.dir = dir;
    this.kafkaDir = dir.resolve("kafka");
    this.weaviateDir = dir.resolve("weaviate");
  }

  /**
   * A stack of the caller's own under {@code dir} (wiped first), not shared with other tests;
   * failing to start throws. Stopped by {@link #stop()} or when the JVM exits.
   */
  public static LocalStack startAt(Path dir) {
    ItOutput.install();
    var s = new LocalStack(dir);
    s.start();
    return s;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  /** The shared stack; starts it on first use. */
  public static synchronized LocalStack get() {
    if (instance == null && startFailure == null) {
      // From here on, what this JVM prints is kept for the leak check too.
      ItOutput.install();
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
      Assumptions.abort(
          "local Kafka/Weaviate stack could not start (set CI=true to make this a failure): "
              + startFailure.getMessage());
    }
    return instance;
  }

  private void start() {
    try {
      // A previous test JVM that was killed left its servers running: stop them first.
      quietly("scripts/weaviate.sh", "stop", weaviateDir.toString());
      quietly("scripts/kafka.sh", "stop", kafkaDir.toString());
      if (Files.isDirectory(dir)) {
        try (var dirs = Files.list(dir)) {
          // Tests' own servers (startExtraWeaviate) of a killed JVM, too.
          dirs.filter(d -> Files.exists(d.resolve("pid")))
              .forEach(d -> quietly("scripts/weaviate.sh", "stop", d.toString()));
        }
      }
      deleteRecursively(dir);
      Files.createDirectories(dir);
      script("scripts/kafka.sh", "start", kafkaDir.toString());
      bootstrap = Files.readString(kafkaDir.resolve("bootstrap")).trim();
      script("scripts/weaviate.sh", "start", weaviateDir.toString());
      String[] ports = Files.readString(weaviateDir.resolve("ports")).trim().split("\\s+");
      weaviateHttpPort = Integer.parseInt(ports[0]);
      weaviateGrpcPort = Integer.parseInt(ports[1]);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + dir + ": " + e, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-stack-stop"));
  }

  /** Stops both servers (TERM, then KILL); idempotent. */
  public void stop() {
    quietly("scripts/weaviate.sh", "stop", weaviateDir.toString());
    quietly("scripts/kafka.sh", "stop", kafkaDir.toString());
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

  /**
   * Stops the Weaviate server (TERM); {@link #startWeaviate()} brings it back on the same ports and
   * data.
   */
  public void stopWeaviate() {
    script("scripts/weaviate.sh", "stop", weaviateDir.toString());
  }

  public void startWeaviate() {
    script("scripts/weaviate.sh", "start", weaviateDir.toString());
  }

  /**
   * SIGKILL of the Weaviate server; returns once it is dead. {@link #startWeaviate()} restarts it
   * on the same data.
   */
  public void killWeaviate() throws Exception {
    kill(weaviateDir);
  }

  /**
   * SIGKILL of the broker; returns once it is dead. {@link #startBroker()} restarts it on the same
   * log dirs.
   */
  public void killBroker() throws Exception {
    kill(kafkaDir);
  }

  public void startBroker() {
    script("scripts/kafka.sh", "start", kafkaDir.toString());
  }

  public long weaviatePid() throws IOException {
    return Long.parseLong(Files.readString(weaviateDir.resolve("pid")).trim());
  }

  public long brokerPid() throws IOException {
    return Long.parseLong(Files.readString(kafkaDir.resolve("pid")).trim());
  }

  private static void kill(Path serverDir) throws Exception {
    long pid = Long.parseLong(Files.readString(serverDir.resolve("pid")).trim());
    Process p = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill -KILL " + pid + " failed");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (running(pid)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pid " + pid + " still runs 30 s after SIGKILL");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Whether {@code pid} runs. A server is started in the background of a script that exits, so it
   * is reparented to PID 1; where that does not reap, a killed server stays a zombie (see
   * scripts/lib.sh).
   */
  public static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isReadable(stat)) {
      try {
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException e) {
        return false; // gone between the check and the read
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * SIGSTOP: Weaviate hangs (accepts connections, answers nothing) until {@link #thawWeaviate()}.
   */
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
  public static int[] startExtraWeaviate(Path dir, java.util.Map<String, String> env)
      throws IOException {
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

  static void script(java.util.Map<String, String> env, String script, String... args) {
    var cmd = new java.util.ArrayList<String>(List.of("bash", ROOT.resolve(script).toString()));
    cmd.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("stack", ".log");
      var builder =
          new ProcessBuilder(cmd)
              .directory(ROOT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", cmd) + " did not finish within 15 minutes");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
  }

  static void quietly(String script, String... args) {
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
