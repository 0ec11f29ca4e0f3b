package dev.weaviatesync.cli;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.convergence.StateSnapshot;
import dev.weaviatesync.topics.KafkaErrors;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What verify and resync share: the types, full or sampled, the read rate. */
abstract class ConvergenceOptions implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Entity type (e.g. ItemChanged); repeatable. Default: every configured type.")
  List<String> typeNames = new ArrayList<>();

  @CommandLine.ArgGroup(exclusive = true)
  Scope scope = new Scope();

  static final class Scope {
    @Option(
        names = "--full",
        description = "Every object of the source and of the collection (the default).")
    boolean full;

    @Option(
        names = "--sample",
        paramLabel = "N",
        description = "About N random ids of the source and N objects of the collection.")
    Integer sample;
  }

  @Option(
      names = "--rate",
      paramLabel = "OBJECTS_PER_SECOND",
      defaultValue = "2000",
      description =
          "Read at most this many objects per second from Weaviate, so a live one is not hurt"
              + " (0: unpaced). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "500",
      description = "Objects per cursor page. Default: ${DEFAULT-VALUE}.")
  int pageSize;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  abstract int run(SyncConfig config, List<EntityType> types) throws Exception;

  /** Further checks of the options once the types are known. */
  void checkScope(List<EntityType> types) {}

  @Override
  public Integer call() throws Exception {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rate must be 0 (unpaced) or a positive number");
    }
    if (pageSize < 1 || pageSize > 10_000) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--page-size must be between 1 and 10000");
    }
    if (scope.sample != null && (scope.sample < 1 || scope.sample > 1_000_000)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sample must be between 1 and 1000000 (use --full for more)");
    }
    SyncConfig config = options.loadOrReport(err());
    if (config == null) {
      return Main.USAGE;
    }
    var types = new ArrayList<EntityType>();
    for (String name : typeNames) {
      try {
        types.add(config.type(name));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--type: " + e.getMessage());
      }
    }
    if (types.isEmpty()) {
      types.addAll(config.types());
    }
    checkScope(types);
    try {
      return run(config, types);
    } catch (StateSnapshot.StateUnavailableException e) {
      err().println(e.getMessage());
      return Main.USAGE;
    } catch (org.apache.kafka.common.KafkaException | java.util.concurrent.ExecutionException e) {
      String why = KafkaErrors.explain(e, config.bootstrapServers());
      err()
          .println(
              why != null ? why : "Kafka at " + config.bootstrapServers() + ": " + e.getMessage());
      return Main.FAILURE;
    } catch (java.io.IOException e) {
      err().println(spec.name() + " could not finish: " + e.getMessage());
      return Main.FAILURE;
    }
  }
}
