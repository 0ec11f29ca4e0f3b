package dev.weaviatesync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.convergence.RateLimiter;
import dev.weaviatesync.convergence.StateSnapshot;
import dev.weaviatesync.convergence.Verifier;
import dev.weaviatesync.convergence.WeaviateObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Compares the latest state of each id (the worker's state topic) with Weaviate, object by"
          + " object: missing, stale (properties or vector differ), unexpected (unknown to the"
          + " source), resurrected (present though deleted).",
      "Exit 0 in sync, 1 not in sync (or the check could not finish), 2 usage or configuration"
          + " error."
    })
final class VerifyCommand extends ConvergenceOptions {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Differences looked at again after the settle time; beyond, counted as found. */
  static final int RECHECK_MAX = 10_000;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(
      names = "--settle",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "Differences found are looked at again after this long, with what the worker committed"
              + " since: a write in flight is not a difference. 0: no second look. Default:"
              + " ${DEFAULT-VALUE}.")
  int settleSeconds;

  @Option(
      names = "--metrics-file",
      paramLabel = "PATH",
      description =
          "Also write the result as Prometheus metrics (text format) to PATH, e.g. for a"
              + " node-exporter textfile collector.")
  Path metricsFile;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Random seed of --sample (default: random).")
  Long seed;

  @Override
  int run(SyncConfig config, List<EntityType> types) throws Exception {
    if (metricsFile != null) {
      Path dir = metricsFile.toAbsolutePath().getParent();
      if (Files.isDirectory(metricsFile) || dir == null || !Files.isDirectory(dir)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--metrics-file: " + metricsFile + " must be a file in an existing directory");
      }
    }
    if (settleSeconds < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--settle must be 0 or more");
    }
    var results = new ArrayList<Verifier.Result>();
    var durations = new ArrayList<Double>();
    var names = config.types().stream().map(EntityType::name).collect(Collectors.toSet());
    var weaviate = new WeaviateObjects(config, new RateLimiter(rate));
    for (EntityType type : types) {
      long started = System.nanoTime();
      try (var truth =
          StateSnapshot.read(
              config,
              type,
              n -> err().printf("verify %s: %d state records read%n", type.name(), n))) {
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
                            "verify %s: %d objects checked, %d differences so far%n",
                            type.name(), n, d));
        var found = new ArrayList<Verifier.Difference>();
        java.util.function.Consumer<Verifier.Difference> collect =
            d -> {
              if (found.size() < RECHECK_MAX) {
                found.add(d);
              }
            };
        Verifier.Result r =
            scope.sample != null
                ? verifier.sample(
                    truth, scope.sample, seed == null ? new Random() : new Random(seed), collect)
                : verifier.full(truth, null, collect);
        // Up to three more looks: an id whose state keeps changing is busy, not different.
        List<Verifier.Difference> again = found;
        for (int look = 1; look <= 3 && !again.isEmpty() && settleSeconds > 0; look++) {
          Thread.sleep(Duration.ofSeconds(settleSeconds).toMillis());
          truth.readFrom(truth.readTo(), (id, s) -> {}, StateSnapshot.Progress.NONE);
          again = verifier.recheck(truth, again, r, look == 3);
        }
        results.add(r);
        durations.add((System.nanoTime() - started) / 1e9);
      }
    }
    boolean inSync = results.stream().allMatch(Verifier.Result::inSync);
    if (json) {
      out().println(JSON.writeValueAsString(toJson(results, durations, inSync)));
    } else {
      for (var r : results) {
        printText(r);
      }
    }
    if (metricsFile != null) {
      writeMetrics(metricsFile, results, durations);
    }
    return inSync ? Main.OK : Main.FAILURE;
  }

  private void printText(Verifier.Result r) {
    out()
        .printf(
            Locale.ROOT,
            "%s (collection %s): %d checked, %d differences: %s%s%n",
            r.type,
            r.collection,
            r.checked,
            r.differences(),
            r.counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", ")),
            (r.unverifiable > 0
                    ? "; " + r.unverifiable + " ids have no state to compare (too large to keep)"
                    : "")
                + (r.inFlight > 0
                    ? "; "
                        + r.inFlight
                        + " ids changed at every look (writes in flight, not counted)"
                    : ""));
    for (var e : r.examples.entrySet()) {
      for (var d : e.getValue()) {
        out().printf("  %s %s: %s%n", e.getKey().label(), d.id(), d.detail());
      }
    }
    out().println(r.inSync() ? "in sync" : "NOT in sync");
  }

  static ObjectNode toJson(List<Verifier.Result> results, List<Double> durations, boolean inSync) {
    var root = JSON.createObjectNode();
    root.put("inSync", inSync);
    var arr = root.putArray("types");
    for (int i = 0; i < results.size(); i++) {
      var r = results.get(i);
      var o = arr.addObject();
      o.put("type", r.type);
      o.put("collection", r.collection);
      o.put("checked", r.checked);
      o.put("differences", r.differences());
      r.counts.forEach((k, v) -> o.put(k.label(), v));
      o.put("unverifiable", r.unverifiable);
      o.put("inFlight", r.inFlight);
      o.put("seconds", Math.round(durations.get(i) * 1000) / 1000.0);
      var ex = o.putArray("examples");
      r.examples.forEach(
          (k, list) ->
              list.forEach(
                  d ->
                      ex.addObject()
                          .put("kind", k.label())
                          .put("id", d.id())
                          .put("detail", d.detail())));
    }
    return root;
  }

  /** Prometheus text format, written to a temporary file and moved into place. */
  static void writeMetrics(Path file, List<Verifier.Result> results, List<Double> durations)
      throws IOException {
    var s = new StringBuilder();
    s.append("# HELP weaviate_sync_verify_objects_checked Objects compared by the last verify.\n")
        .append("# TYPE weaviate_sync_verify_objects_checked gauge\n");
    for (var r : results) {
      s.append(line("weaviate_sync_verify_objects_checked", r.type, null, r.checked));
    }
    s.append("# HELP weaviate_sync_verify_differences Differences the last verify found.\n")
        .append("# TYPE weaviate_sync_verify_differences gauge\n");
    for (var r : results) {
      for (var e : r.counts.entrySet()) {
        s.append(
            line("weaviate_sync_verify_differences", r.type, e.getKey().label(), e.getValue()));
      }
    }
    s.append("# HELP weaviate_sync_verify_duration_seconds How long the last verify took.\n")
        .append("# TYPE weaviate_sync_verify_duration_seconds gauge\n");
    for (int i = 0; i < results.size(); i++) {
      s.append(
          String.format(
              Locale.ROOT,
              "weaviate_sync_verify_duration_seconds{type=\"%s\"} %.3f%n",
              results.get(i).type,
              durations.get(i)));
    }
    s.append("# HELP weaviate_sync_verify_last_run_timestamp_seconds When the last verify ended.\n")
        .append("# TYPE weaviate_sync_verify_last_run_timestamp_seconds gauge\n");
    long now = System.currentTimeMillis() / 1000;
    for (var r : results) {
      s.append(line("weaviate_sync_verify_last_run_timestamp_seconds", r.type, null, now));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, s);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String line(String name, String type, String kind, long value) {
    return name
        + "{type=\""
        + type
        + "\""
        + (kind == null ? "" : ",kind=\"" + kind + "\"")
        + "} "
        + value
        + "\n";
  }
}
