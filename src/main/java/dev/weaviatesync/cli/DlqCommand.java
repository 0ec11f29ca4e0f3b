package dev.weaviatesync.cli;

import dev.weaviatesync.config.ConfigException;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.dlq.DlqReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect the dead-letter topic.",
    subcommands = {DlqCommand.ListCommand.class})
final class DlqCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per dead-letter record: partition:offset, time, type, key, category, exception, message.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--category", description = "Only records of this failure category.")
    String category;

    @Option(names = "--limit", description = "At most this many records.", defaultValue = "1000")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SyncConfig config;
      try {
        config = options.load();
      } catch (ConfigException e) {
        err.println("configuration error: " + e.getMessage());
        return Main.USAGE;
      }
      try {
        int[] shown = {0};
        DlqReader.readAll(config, r -> {
          String cat = DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY);
          if (category != null && !category.equalsIgnoreCase(cat) || shown[0] >= limit) {
            return;
          }
          shown[0]++;
          String msg = String.valueOf(DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE)).replace('\n', ' ');
          out.printf("%d:%d  %s  %s  key=%s  %s  %s  %s%n", r.partition(), r.offset(),
              DlqHeaders.text(r.headers(), DlqHeaders.FAILED_AT), DlqHeaders.text(r.headers(), DlqHeaders.EVENT_TYPE),
              r.key() == null ? "null" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), cat,
              DlqHeaders.text(r.headers(), DlqHeaders.EXCEPTION), msg.length() > 160 ? msg.substring(0, 157) + "..." : msg);
        });
        out.printf("%d records%n", shown[0]);
        return Main.OK;
      } catch (DlqReader.DlqException e) {
        err.println(e.getMessage());
        return Main.FAILURE;
      }
    }
  }
}
