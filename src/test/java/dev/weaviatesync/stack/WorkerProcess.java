package dev.weaviatesync.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The worker as a separate JVM, started like `bin/weaviate-sync run --config FILE`. */
public final class WorkerProcess implements AutoCloseable {
  private final Process process;
  public final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static WorkerProcess start(Path config) throws Exception {
    return start(config, java.util.Map.of());
  }

  /**
   * Same, with extra environment variables for the process; its output goes to a new {@code
   * target/it-output/worker-*.log}, which the leak check scans.
   */
  public static WorkerProcess start(Path config, java.util.Map<String, String> env)
      throws Exception {
    return start(config, env, ItOutput.newLog("worker"));
  }

  /** Same, with its output appended to {@code log}. */
  public static WorkerProcess start(Path config, java.util.Map<String, String> env, Path log)
      throws Exception {
    Path root = LocalStack.root();
    String cp =
        root.resolve("target/classes")
            + ":"
            + Files.readString(root.resolve("target/runtime.classpath")).trim();
    var cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            cp,
            "dev.weaviatesync.cli.Main",
            "run",
            "--config",
            config.toString());
    var builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    return new WorkerProcess(p, log);
  }

  public long pid() {
    return process.pid();
  }

  /** The exit code, or -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, no commit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code (or -1 if it did not exit within {@code seconds}). */
  public int terminate(int seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  public String output() throws Exception {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
