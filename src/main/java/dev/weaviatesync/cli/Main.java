package dev.weaviatesync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code weaviate-sync}: exit codes 0 (ok), 1 (failure), 2 (usage or configuration error). */
@Command(
    name = "weaviate-sync",
    mixinStandardHelpOptions = true,
    version = "weaviate-sync 0.1.0",
    description = "Keeps Weaviate collections in step with change events on Kafka.",
    subcommands = {
      RunCommand.class,
      PublishCommand.class,
      DlqCommand.class,
      VerifyCommand.class,
      ResyncCommand.class,
      ReindexCommand.class
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: run, publish, dlq, verify, resync or reindex");
  }

  /** Runs the CLI and returns its exit code; only {@link #main} exits the JVM. */
  public static int run(String... args) {
    return run(
        new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Same, with the output and error streams given (for tests and embedding). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    var cli =
        new CommandLine(new Main())
            .setOut(out)
            .setErr(err)
            .setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? USAGE : FAILURE)
            .setParameterExceptionHandler(Main::reportUsageError)
            .setCaseInsensitiveEnumValuesAllowed(true);
    cli.getSubcommands().get("run").getCommandSpec().usageMessage().footer(RunCommand.keyTable());
    return cli.execute(args);
  }

  /**
   * The worker's logging set-up ({@code dev/weaviatesync/logback.xml}: own level from LOG_LEVEL,
   * Kafka and gRPC at WARN) unless {@code -Dlogback.configurationFile} names another. It is not
   * called {@code logback.xml}, so a service that takes this jar for the producer library keeps its
   * own logging configuration.
   */
  static final String LOGBACK_CONFIG = "dev/weaviatesync/logback.xml";

  /**
   * picocli's own report of a usage error, without the values of {@code name=value} arguments: an
   * option typed wrong ({@code --api-key=...}) must not print the key it carries.
   */
  private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
    String message = String.valueOf(e.getMessage());
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq >= 0 && eq < arg.length() - 1) {
        message = message.replace(arg.substring(eq + 1), "***");
      }
    }
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println(message);
    cmd.getErr()
        .println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    return USAGE;
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    System.exit(run(args));
  }
}
