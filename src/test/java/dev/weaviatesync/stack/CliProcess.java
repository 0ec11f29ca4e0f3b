package dev.weaviatesync.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One CLI command ({@code publish ...}, {@code dlq ...}) as its own JVM, started like {@code
 * bin/weaviate-sync ARGS} with the given environment: the way a user runs it, with secrets in the
 * environment where {@link dev.weaviatesync.cli.Main#run} in the test JVM would see the test JVM's.
 */
public final class CliProcess {
  private CliProcess() {}

  /** The exit code and everything the command printed (standard output and error, interleaved). */
  public record Result(int code, String output) {}

  public static Result run(Map<String, String> env, List<String> args) throws Exception {
    Path root = LocalStack.root();
    String cp =
        root.resolve("target/classes")
            + ":"
            + Files.readString(root.resolve("target/runtime.classpath")).trim();
    var cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                cp,
                "dev.weaviatesync.cli.Main"));
    cmd.addAll(args);
    // Kept under target/it-output: the leak check reads everything the CLI printed.
    Path log = ItOutput.newLog("cli");
    var builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "weaviate-sync "
              + String.join(" ", args)
              + " did not finish within 3 minutes:\n"
              + Files.readString(log));
    }
    String out = Files.readString(log);
    return new Result(p.exitValue(), out);
  }
}
