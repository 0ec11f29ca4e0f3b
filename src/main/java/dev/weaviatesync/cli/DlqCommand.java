package dev.weaviatesync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.Text;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqFilter;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.dlq.DlqMask;
import dev.weaviatesync.dlq.DlqReader;
import dev.weaviatesync.dlq.DlqRecord;
import dev.weaviatesync.dlq.DlqService;
import dev.weaviatesync.topics.KafkaErrors;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect, replay and purge the dead-letter topic (same configuration as run).",
    subcommands = {
      DlqCommand.ListCommand.class,
      DlqCommand.ShowCommand.class,
      DlqCommand.StatsCommand.class,
      DlqCommand.ReplayCommand.class,
      DlqCommand.PurgeCommand.class
    })
final class DlqCommand implements Runnable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: list, show, stats, replay or purge");
  }

  /** Filters shared by list, stats and replay. */
  static final class Filters {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--since",
        converter = TimeArg.class,
        description = "Failed at or after (2026-11-29T10:00:00Z, 2026-11-29, 2h).")
    Instant since;

    @Option(names = "--until", converter = TimeArg.class, description = "Failed before.")
    Instant until;

    @Option(
        names = "--category",
        description = "The failure category: ${COMPLETION-CANDIDATES}.",
        completionCandidates = Categories.class)
    String category;

    @Option(names = "--exception", description = "Exception class, full or simple name.")
    String exception;

    @Option(names = "--type", description = "Entity type, e.g. ItemChanged.")
    String type;

    @Option(names = "--id", description = "Record key (the entity id).")
    String id;

    DlqFilter filter() {
      if (category != null) {
        // A misspelt category would match nothing, and a replay would silently do nothing.
        var known = new java.util.ArrayList<String>();
        new Categories().forEach(known::add);
        if (known.stream().noneMatch(category::equalsIgnoreCase)) {
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "--category: '" + category + "' is not one of " + known);
        }
      }
      return new DlqFilter(since, until, category, exception, type, id);
    }
  }

  /** Runs a body with configuration loaded and Kafka errors turned into exit codes. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    abstract int run(DlqService dlq, SyncConfig config) throws Exception;

    @Override
    public Integer call() throws Exception {
      SyncConfig config = options.loadOrReport(err());
      if (config == null) {
        return Main.USAGE;
      }
      try {
        return run(new DlqService(config), config);
      } catch (DlqReader.DlqException e) {
        err().println(e.getMessage());
        return Main.FAILURE;
      } catch (org.apache.kafka.common.KafkaException | java.util.concurrent.ExecutionException e) {
        // A refused login, an untrusted certificate, a missing ACL: one line that says which.
        String why = KafkaErrors.explain(e, config.bootstrapServers());
        if (why == null) {
          throw e;
        }
        err().println(why);
        return Main.FAILURE;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "One line per record: partition:offset, time, type, id, category, exception, message.")
  static final class ListCommand extends Base {
    @Mixin Filters filters;

    @Option(
        names = "--limit",
        defaultValue = "1000",
        description = "At most this many records (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per line, for scripts.")
    boolean json;

    @Override
    int run(DlqService dlq, SyncConfig config) throws Exception {
      var records = dlq.list(filters.filter(), limit);
      DlqMask mask = DlqMask.of(config);
      for (DlqRecord r : records) {
        DlqMask.Masked m = mask.apply(r);
        if (json) {
          ObjectNode n = JSON.createObjectNode();
          n.put("partition", r.partition())
              .put("offset", r.offset())
              .put("failedAt", r.failedAt().toString())
              .put("type", r.type())
              .put("id", r.id())
              .put("category", r.category())
              .put("exception", r.exception())
              .put("message", m.text(r.message()))
              .put("sourceTopic", r.sourceTopic())
              .put("replayCount", r.replayCount());
          if (m.on()) {
            n.put("masked", true);
          }
          out().println(n.toString());
        } else {
          String message =
              r.message() == null
                  ? ""
                  : Text.abbreviate(m.text(r.message()).replace('\n', ' '), 100);
          out()
              .printf(
                  "%-8s %s  %-12s %-36s %-19s %-26s %s%n",
                  r.coordinates(),
                  r.failedAt(),
                  r.type(),
                  r.id(),
                  r.category(),
                  r.exceptionSimpleName(),
                  message);
        }
      }
      if (!json) {
        out()
            .printf(
                "%d records%s%n",
                records.size(),
                mask.on()
                    ? "; messages masked: values of "
                        + String.join(", ", config.dlqMaskProperties(null))
                        + " (dlq.mask.properties)"
                    : "");
      }
      return Main.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Every header, the key, the value pretty-printed, and the stack trace of one record.")
  static final class ShowCommand extends Base {
    private static final Pattern COORDS = Pattern.compile("(\\d+):(\\d+)");

    @Parameters(paramLabel = "PARTITION:OFFSET", description = "As printed by dlq list.")
    String coordinates;

    @Override
    int run(DlqService dlq, SyncConfig config) throws Exception {
      var m = COORDS.matcher(coordinates);
      if (!m.matches()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "'" + coordinates + "' is not PARTITION:OFFSET");
      }
      DlqRecord r = dlq.show(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
      if (r == null) {
        err().println("no record at " + coordinates + " in " + config.dlqTopic());
        return Main.FAILURE;
      }
      DlqMask mask = DlqMask.of(config);
      DlqMask.Masked masked = mask.apply(r);
      PrintWriter out = out();
      out.println("record:  " + config.dlqTopic() + " " + r.coordinates());
      if (masked.on()) {
        out.println("masked:  " + masked.summary());
      } else if (mask.on()) {
        out.println("masked:  nothing: no dlq.mask.properties apply to type " + r.type());
      }
      out.println("key:     " + (r.key() == null ? "(null)" : printable(r.key())));
      out.println("headers:");
      for (var h : r.headers()) {
        if (!h.key().equals(DlqHeaders.STACKTRACE)) {
          out.println(
              "  "
                  + h.key()
                  + ": "
                  + (h.value() == null ? "(null)" : masked.header(h.key(), printable(h.value()))));
        }
      }
      out.println("value:");
      out.println(indent(pretty(r.value(), masked)));
      String trace = DlqHeaders.text(r.headers(), DlqHeaders.STACKTRACE);
      out.println("stack trace:" + (trace == null ? " (none)" : ""));
      if (trace != null) {
        out.println(indent(masked.text(trace)));
      }
      return Main.OK;
    }

    private static String pretty(byte[] value, DlqMask.Masked m) throws Exception {
      if (m.hidden() != null) {
        return m.hidden();
      }
      if (value == null) {
        return "(null: a tombstone)";
      }
      if (m.json() == null) {
        return printable(value) + "    (not valid JSON)";
      }
      return JSON.writeValueAsString(m.json());
    }

    private static String printable(byte[] b) {
      String s = new String(b, StandardCharsets.UTF_8);
      boolean text =
          s.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t') && !s.contains("\uFFFD");
      if (text) {
        return s;
      }
      var hex = new StringBuilder("0x");
      for (byte x : b) {
        hex.append(String.format("%02x", x));
      }
      return hex.toString();
    }

    private static String indent(String s) {
      return "  " + s.replace("\n", "\n  ");
    }
  }

  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description = "Counts by category, exception and entity type, with first and last seen.")
  static final class StatsCommand extends Base {
    @Mixin Filters filters;

    @Override
    int run(DlqService dlq, SyncConfig config) throws Exception {
      long total = 0;
      out()
          .printf(
              "%-20s %-48s %-14s %7s  %-30s %s%n",
              "CATEGORY", "EXCEPTION", "TYPE", "COUNT", "FIRST", "LAST");
      for (var g : dlq.stats(filters.filter())) {
        out()
            .printf(
                "%-20s %-48s %-14s %7d  %-30s %s%n",
                g.category(), g.exception(), g.type(), g.count(), g.first(), g.last());
        total += g.count();
      }
      out().printf("%d record%s%n", total, total == 1 ? "" : "s");
      return Main.OK;
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Send matching records back to their original topic, byte for byte, with a replay-count header. "
              + "Remembers how far it got (consumer group --group), so a second run sends nothing twice.")
  static final class ReplayCommand extends Base {
    @Mixin Filters filters;

    @Option(
        names = "--dry-run",
        description = "Print what would be sent and a histogram of errors; send nothing.")
    boolean dryRun;

    @Option(
        names = "--max-replays",
        defaultValue = "3",
        description =
            "Loop guard: skip records already replayed this many times (default ${DEFAULT-VALUE}).")
    int maxReplays;

    @Option(
        names = "--group",
        description =
            "Consumer group that keeps replay progress (default <kafka.application.id>-dlq-replay).")
    String group;

    @Override
    int run(DlqService dlq, SyncConfig config) throws Exception {
      String g = group != null ? group : config.applicationId() + "-dlq-replay";
      var s = dlq.replay(filters.filter(), g, maxReplays, dryRun, out(), err());
      out().println("errors of the matching records:");
      s.histogram().forEach((k, v) -> out().printf("  %6d  %s%n", v, k));
      out()
          .printf(
              "%s: %d %s, %d skipped by the loop guard, %d failed, %d not matching, %d replayed before%n",
              dryRun ? "dry run" : "replay",
              s.sent(),
              dryRun ? "would be sent" : "sent",
              s.skippedLoopGuard(),
              s.failed(),
              s.notMatching(),
              s.alreadyReplayed());
      return s.failed() > 0 ? Main.FAILURE : Main.OK;
    }
  }

  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description = "Delete records up to a point (Kafka admin deleteRecords), after confirmation.")
  static final class PurgeCommand extends Base {
    @Option(
        names = "--before",
        required = true,
        paramLabel = "TIME|OFFSET|PARTITION:OFFSET",
        description =
            "Delete records that failed before TIME, or with offsets below OFFSET (every partition), "
                + "or below OFFSET in PARTITION.")
    String before;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    int run(DlqService dlq, SyncConfig config) throws Exception {
      Instant time = null;
      if (!before.matches("\\d+(:\\d+)?")) {
        try {
          time = TimeArg.parse(before);
        } catch (CommandLine.TypeConversionException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--before: " + e.getMessage());
        }
      }
      DlqService.PurgePlan plan;
      try {
        plan = dlq.planPurge(before, time);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--before: " + e.getMessage());
      }
      plan.before()
          .forEach(
              (p, o) ->
                  out()
                      .printf(
                          "partition %d: delete everything below offset %d (%d offsets, transaction markers included)%n",
                          p, o, plan.count().get(p)));
      if (plan.total() == 0) {
        out().println("nothing to delete");
        return Main.OK;
      }
      if (!yes) {
        var console = System.console();
        if (console == null) {
          out().println("not confirmed (no terminal to ask on; pass --yes); nothing deleted");
          return Main.FAILURE;
        }
        String answer =
            console.readLine(
                "Delete up to %d records from %s? [y/N] ", plan.total(), config.dlqTopic());
        if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
          out().println("not confirmed; nothing deleted");
          return Main.FAILURE;
        }
      }
      dlq.purge(plan);
      out().printf("deleted; %s now starts at %s%n", config.dlqTopic(), plan.before());
      return Main.OK;
    }
  }

  /** The categories a dead-letter record can have, from the one failure vocabulary. */
  static final class Categories implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(dev.weaviatesync.sink.Failure.values())
          .filter(dev.weaviatesync.sink.Failure::deadLettered)
          .map(dev.weaviatesync.sink.Failure::category)
          .iterator();
    }
  }
}
