package dev.weaviatesync.cli;

import dev.weaviatesync.config.ConfigException;
import dev.weaviatesync.config.Keys;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.sink.FatalSinkException;
import dev.weaviatesync.topics.KafkaErrors;
import dev.weaviatesync.worker.Worker;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the sync worker until SIGTERM/SIGINT. Configuration: defaults < --config file < "
            + "environment (WEAVIATE_SYNC_<KEY>, KAFKA_<SETTING>) < --set.",
    footerHeading =
        "%nConfiguration keys (environment variable in brackets; * = secret, never printed):%n",
    footer = "")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  RunCommand() {}

  /** The help's list of keys, rendered from their declarations in {@link Keys}. */
  static String keyTable() {
    var sb = new StringBuilder();
    for (Keys.Doc k : Keys.documented()) {
      String dflt =
          k.derivedDefault() != null
              ? k.derivedDefault()
              : k.defaultValue() == null
                  ? "(none)"
                  : k.defaultValue().isEmpty() ? "(empty)" : k.defaultValue();
      String name = "  " + k.name() + (k.secret() ? " *" : "");
      String env = "[" + k.envName() + "]";
      sb.append(
              name.length() + 1 + env.length() < 80
                  ? name + " " + env + System.lineSeparator()
                  : name + System.lineSeparator() + indented(env))
          .append(
              indented(
                  "default: " + dflt + (k.allowed() == null ? "" : "; allowed: " + k.allowed())))
          .append(indented(k.documentation()));
    }
    return sb.toString();
  }

  /**
   * {@code text} without backticks, indented, wrapped before 80 columns (picocli would wrap it
   * unindented).
   */
  private static String indented(String text) {
    var out = new StringBuilder();
    var line = new StringBuilder("     ");
    for (String word : text.replace("`", "").split(" ")) {
      if (line.length() > 6 && line.length() + 1 + word.length() > 79) {
        out.append(line).append(System.lineSeparator());
        line = new StringBuilder("     ");
      }
      line.append(' ').append(word);
    }
    return out.append(line).append(System.lineSeparator()).toString();
  }

  @Override
  public Integer call() throws Exception {
    SyncConfig config = options.loadOrReport(spec.commandLine().getErr());
    if (config == null) {
      return Main.USAGE;
    }
    Worker worker;
    try {
      worker = Worker.start(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("configuration error: " + e.getMessage());
      return Main.USAGE;
    } catch (Exception e) {
      // A refused login, an untrusted certificate or a missing ACL: one line that says so.
      String why = KafkaErrors.explain(e, config.bootstrapServers());
      log.error("Start-up failed: {}", why != null ? why : e.toString());
      spec.commandLine()
          .getErr()
          .println("start-up failed: " + (why != null ? why : e.getMessage()));
      return Main.FAILURE;
    }
    var done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              log.info("Shutdown requested");
              worker.close();
              try {
                done.await(config.shutdownGrace().toMillis() + 5000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "weaviate-sync-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    // SIGTERM/SIGINT: stop from the main thread, so that a clean stop exits 0 (a JVM ended by the
    // signal itself exits 143). The shutdown hook above stays as the fallback.
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            sig -> {
              log.info("SIG{} received; stopping", name);
              worker.requestStop();
            });
      } catch (IllegalArgumentException e) {
        log.debug("cannot handle SIG{}: {}", name, e.toString());
      }
    }
    try {
      worker.awaitStop();
    } finally {
      worker.close();
      done.countDown();
    }
    if (worker.failure() != null) {
      Throwable f = worker.failure();
      String why =
          f instanceof FatalSinkException
              ? f.getMessage()
              : KafkaErrors.explain(f, config.bootstrapServers());
      spec.commandLine().getErr().println("worker stopped: " + (why != null ? why : f));
      return Main.FAILURE;
    }
    return Main.OK;
  }
}
