package dev.weaviatesync.cli;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.convergence.RateLimiter;
import dev.weaviatesync.convergence.Repairs;
import dev.weaviatesync.convergence.StateSnapshot;
import dev.weaviatesync.convergence.Verifier;
import dev.weaviatesync.convergence.WeaviateObjects;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.event.Op;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.CollectionManager;
import dev.weaviatesync.sink.Deadline;
import dev.weaviatesync.sink.UpsertObject;
import dev.weaviatesync.sink.WeaviateClientSink;
import dev.weaviatesync.sink.WriteReport;
import dev.weaviatesync.stats.SyncStats;
import dev.weaviatesync.topology.PropertyValues;
import dev.weaviatesync.topology.WrittenVersion;
import io.weaviate.client6.v1.api.WeaviateClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a new collection for a type (its properties and vectorizer as configured now) from the"
          + " source of truth while the worker keeps the old one current, catches up with what the"
          + " worker wrote meanwhile, and with --swap-alias points the type's alias at it in one"
          + " step; the worker writes through the alias from then on.",
      "Exit 0 done, 1 failed (nothing swapped), 2 usage or configuration error."
    })
final class ReindexCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Entity type.")
  String typeName;

  @Option(
      names = "--into",
      required = true,
      paramLabel = "COLLECTION",
      description = "The new collection; must not exist yet.")
  String into;

  @Option(
      names = "--swap-alias",
      description =
          "Once caught up, point the alias the type's collection setting names at the new"
              + " collection, then repair through the worker what it wrote to the old one in the"
              + " last moments.")
  boolean swapAlias;

  @Option(
      names = "--settle",
      paramLabel = "SECONDS",
      description =
          "After the swap, how long to wait before the final check: a flush the worker began"
              + " before the swap commits its state within the transaction bound. Default: twice"
              + " the flush deadline plus 2 s.")
  Integer settleSeconds;

  @Option(
      names = "--rate",
      paramLabel = "OBJECTS_PER_SECOND",
      defaultValue = "0",
      description = "Pace the final check's reads (0: unpaced). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    var out = spec.commandLine().getOut();
    SyncConfig config = options.loadOrReport(err);
    if (config == null) {
      return Main.USAGE;
    }
    EntityType type;
    try {
      type = config.type(typeName);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--type: " + e.getMessage());
    }
    if (type.properties().isEmpty()) {
      err.println(
          "type."
              + type.name()
              + ".properties is empty: declare the new collection's properties (with --set or the"
              + " config file) so reindex can create it");
      return Main.USAGE;
    }
    String alias = type.collection();
    try (WeaviateClient client = WeaviateClientSink.connect(config)) {
      if (CollectionManager.exists(client, into)) {
        err.println(
            "collection or alias '" + into + "' exists already; reindex builds a new collection");
        return Main.USAGE;
      }
      if (swapAlias) {
        Optional<io.weaviate.client6.v1.api.alias.Alias> current = client.alias.get(alias);
        if (current.isEmpty()) {
          err.println(
              "'"
                  + alias
                  + "' (type."
                  + type.name()
                  + ".collection) is not an alias, so readers cannot be switched in one step."
                  + " Weaviate does not allow an alias and a collection of the same name: see the"
                  + " README, 'Reindexing behind an alias', to move to an alias once.");
          return Main.USAGE;
        }
        out.printf("alias %s points at %s%n", alias, current.get().collection());
      }
      var writer = new BatchWriter(new WeaviateClientSink(client, null), config, new SyncStats());
      var parser =
          new EventParser(
              config.types().stream().map(EntityType::name).collect(Collectors.toSet()));
      // The state first: a wrong application id must not leave an empty collection behind.
      StateSnapshot read;
      try {
        read =
            StateSnapshot.read(
                config, type, n -> err.printf("reindex %s: %d state records read%n", into, n));
      } catch (StateSnapshot.StateUnavailableException e) {
        err.println(e.getMessage());
        return Main.USAGE;
      }
      try (var truth = read) {
        try {
          CollectionManager.createFor(client, type, into);
        } catch (RuntimeException e) {
          err.println("Weaviate refused to create collection " + into + ": " + e.getMessage());
          return Main.USAGE;
        }
        out.printf("created collection %s for %s%n", into, type.name());
        var copy = new Copy(writer, parser, type, into, config.flushMaxRecords());
        try (var c = truth.cursor(null)) {
          for (; c.valid(); c.next()) {
            copy.add(c.id(), c.state());
          }
        }
        copy.flush();
        out.printf(
            "copied %d objects into %s (%d deleted ids skipped)%n",
            copy.written, into, copy.skipped);
        // Catch up with what the worker wrote to the old collection meanwhile, until a round
        // finds little left.
        for (int round = 0; round < 20; round++) {
          Set<String> changed = new LinkedHashSet<>();
          truth.readFrom(truth.readTo(), (id, s) -> changed.add(id), StateSnapshot.Progress.NONE);
          for (String id : changed) {
            WrittenVersion s = truth.get(id);
            copy.apply(id, s);
          }
          copy.flush();
          out.printf("caught up: %d ids changed since the last read%n", changed.size());
          if (changed.size() < 100) {
            break;
          }
        }
        if (copy.failed > 0) {
          err.printf(
              "%d objects could not be written to %s (first: %s); nothing swapped. Fix the"
                  + " configuration of the new collection, delete it, and run reindex again.%n",
              copy.failed, into, copy.firstFailure);
          return Main.FAILURE;
        }
        if (!swapAlias) {
          out.printf(
              "%s is built and caught up; the worker keeps writing to %s. Run again with"
                  + " --swap-alias (into a new name) to switch readers and the worker in one step.%n",
              into, alias);
          return Main.OK;
        }
        client.alias.update(alias, into);
        out.printf("alias %s now points at %s%n", alias, into);
        long settle =
            settleSeconds != null
                ? settleSeconds
                : config.flushDeadline().multipliedBy(2).toSeconds() + 2;
        out.printf("waiting %d s for flushes that began before the swap to commit%n", settle);
        Thread.sleep(Duration.ofSeconds(settle).toMillis());
        truth.readFrom(truth.readTo(), (id, s) -> {}, StateSnapshot.Progress.NONE);
        var weaviate = new WeaviateObjects(config, new RateLimiter(rate));
        var verifier =
            new Verifier(
                type,
                alias,
                config.types().stream().map(EntityType::name).collect(Collectors.toSet()),
                weaviate,
                500,
                (n, d) -> err.printf("reindex check: %d objects checked%n", n));
        try (var repairs = new Repairs(config, type)) {
          var r = verifier.full(truth, null, repairs::publish);
          out.printf(
              "after the swap: %d checked through %s, %d differences repaired through the worker%n",
              r.checked, alias, r.differences());
          if (r.differences() > 0) {
            var o = repairs.await(truth, Duration.ofSeconds(120));
            out.printf(
                "%d applied, %d superseded, %d dead-lettered, %d not applied yet%n",
                o.applied(), o.superseded(), o.deadLettered(), o.waiting());
            if (o.deadLettered() > 0 || o.waiting() > 0) {
              return Main.FAILURE;
            }
          }
        }
        return Main.OK;
      }
    }
  }

  /** Writes states to the new collection in batches, straight through the batch writer. */
  private static final class Copy {
    private final BatchWriter writer;
    private final EventParser parser;
    private final EntityType type;
    private final String collection;
    private final int batchSize;
    private final List<UpsertObject> upserts = new ArrayList<>();
    private final List<String> deletes = new ArrayList<>();
    long written;
    long skipped;
    long failed;
    String firstFailure;

    Copy(BatchWriter writer, EventParser parser, EntityType type, String collection, int size) {
      this.writer = writer;
      this.parser = parser;
      this.type = type;
      this.collection = collection;
      this.batchSize = size;
    }

    void add(String id, WrittenVersion s) {
      if (s == null || s.state() == null || s.state().op() == Op.DELETE) {
        skipped++;
        return;
      }
      upsert(id, s);
    }

    /** A change seen while catching up: the id's latest state, or forgotten (null). */
    void apply(String id, WrittenVersion s) {
      if (s == null || s.state() == null || s.state().op() == Op.DELETE) {
        deletes.add(id);
        upserts.removeIf(u -> u.id().equals(id));
        maybeFlush();
        return;
      }
      deletes.remove(id);
      upsert(id, s);
    }

    private void upsert(String id, WrittenVersion s) {
      ChangeEvent e;
      try {
        e = parser.parse(s.state().key(), s.state().value(), type.name());
      } catch (InvalidEventException ex) {
        skipped++;
        return;
      }
      upserts.removeIf(u -> u.id().equals(id));
      upserts.add(new UpsertObject(id, PropertyValues.toMap(e.properties()), e.vector()));
      maybeFlush();
    }

    private void maybeFlush() {
      if (upserts.size() + deletes.size() >= batchSize) {
        flush();
      }
    }

    void flush() {
      if (upserts.isEmpty() && deletes.isEmpty()) {
        return;
      }
      WriteReport r =
          writer.write(
              collection,
              List.copyOf(upserts),
              List.copyOf(deletes),
              Deadline.after(Duration.ofMinutes(5)));
      written += r.written().size();
      failed += r.failed().size();
      if (firstFailure == null && !r.failed().isEmpty()) {
        var f = r.failed().entrySet().iterator().next();
        firstFailure = f.getKey() + ": " + f.getValue().getMessage();
      }
      if (r.outage() != null) {
        throw new IllegalStateException("Weaviate is unavailable: " + r.outage());
      }
      int missing = upserts.size() + deletes.size() - r.written().size() - r.failed().size();
      if (missing > 0) {
        failed += missing;
        firstFailure = firstFailure == null ? "not written in time" : firstFailure;
      }
      upserts.clear();
      deletes.clear();
    }
  }
}
