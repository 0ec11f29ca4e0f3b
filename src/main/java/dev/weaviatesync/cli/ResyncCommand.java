package dev.weaviatesync.cli;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.convergence.RateLimiter;
import dev.weaviatesync.convergence.Repairs;
import dev.weaviatesync.convergence.StateSnapshot;
import dev.weaviatesync.convergence.Verifier;
import dev.weaviatesync.convergence.WeaviateObjects;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "resync",
    mixinStandardHelpOptions = true,
    description = {
      "Repairs what verify finds, through the worker: each difference becomes a repair record on"
          + " the type's input topic, which the worker applies only while the state it repairs is"
          + " still the id's latest (so it never undoes a newer write), with its batch writer,"
          + " retries and dead-letter rules. Waits until the worker applied them.",
      "Exit 0 when there was nothing to repair or every repair was applied (or superseded by a"
          + " newer event), 1 when one was dead-lettered or not applied in time (with --dry-run:"
          + " when there is something to repair), 2 usage or configuration error."
    })
final class ResyncCommand extends ConvergenceOptions {
  @Option(names = "--dry-run", description = "List the repairs; publish nothing.")
  boolean dryRun;

  @Option(
      names = "--after",
      paramLabel = "ID",
      description =
          "Resume: start after this id (the last id a previous run printed). Ids are walked in"
              + " order.")
  String after;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "How long to wait for the worker to apply the repairs (0: publish and return). Default:"
              + " ${DEFAULT-VALUE}.")
  int waitSeconds;

  @Override
  void checkScope(List<EntityType> types) {
    if (after == null) {
      return;
    }
    if (types.size() != 1 || scope.sample != null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--after resumes the full walk of one type: give exactly one --type, and no --sample");
    }
    try {
      java.util.UUID.fromString(after);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--after takes an id (a UUID), as an interrupted resync prints it");
    }
    after = after.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  int run(SyncConfig config, List<EntityType> types) throws Exception {
    var names = config.types().stream().map(EntityType::name).collect(Collectors.toSet());
    var weaviate = new WeaviateObjects(config, new RateLimiter(rate));
    boolean ok = true;
    for (EntityType type : types) {
      try (var truth =
              StateSnapshot.read(
                  config,
                  type,
                  n -> err().printf("resync %s: %d state records read%n", type.name(), n));
          var repairs = dryRun ? null : new Repairs(config, type)) {
        var verifier =
            new Verifier(
                type,
                type.collection(),
                names,
                weaviate,
                pageSize,
                (n, d) ->
                    err()
                        .printf(
                            "resync %s: %d objects checked, %d differences so far%n",
                            type.name(), n, d));
        Consumer<Verifier.Difference> repair =
            d -> {
              if (dryRun) {
                out()
                    .printf(
                        "%s %s %s: %s -> would %s%n",
                        type.name(), d.kind().label(), d.id(), d.detail(), action(d));
              } else {
                repairs.publish(d);
              }
            };
        Thread hook =
            new Thread(
                () -> {
                  String from = dryRun || repairs == null ? null : repairs.confirmedThrough();
                  err()
                      .println(
                          "resync interrupted; "
                              + (from == null
                                  ? "run it again (nothing was published yet)"
                                  : "to resume, run it again with --after " + from));
                  err().flush();
                });
        Runtime.getRuntime().addShutdownHook(hook);
        Verifier.Result r;
        try {
          r =
              scope.sample != null
                  ? verifier.sample(truth, scope.sample, new Random(), repair)
                  : verifier.full(truth, after, repair);
        } finally {
          Runtime.getRuntime().removeShutdownHook(hook);
        }
        String counts =
            r.counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", "));
        out()
            .printf(
                "%s (collection %s): %d checked, %d differences (%s); last id %s%n",
                type.name(), r.collection, r.checked, r.differences(), counts, r.lastId);
        if (dryRun || r.differences() == 0) {
          ok &= r.differences() == 0;
          continue;
        }
        repairs.drain();
        out()
            .printf(
                "%s: %d repairs published to %s%n", type.name(), repairs.published(), type.topic());
        if (waitSeconds == 0) {
          continue;
        }
        var o = repairs.await(truth, Duration.ofSeconds(waitSeconds));
        out()
            .printf(
                "%s: %d applied, %d superseded by newer events, %d dead-lettered, %d not applied"
                    + " after %d s%s%n",
                type.name(),
                o.applied(),
                o.superseded(),
                o.deadLettered(),
                o.waiting(),
                waitSeconds,
                o.waiting() > 0
                    ? " (is the worker running? they stay on "
                        + type.topic()
                        + " and are applied when it reads them)"
                    : "");
        ok &= o.deadLettered() == 0 && o.waiting() == 0;
      }
    }
    return ok ? Main.OK : Main.FAILURE;
  }

  private static String action(Verifier.Difference d) {
    return switch (d.kind()) {
      case MISSING, STALE -> "republish its latest event (" + d.state().state().source() + ")";
      case RESURRECTED -> "republish its delete (" + d.state().state().source() + ")";
      case UNEXPECTED -> "delete it (a tombstone, applied only while the id stays unknown)";
    };
  }
}
