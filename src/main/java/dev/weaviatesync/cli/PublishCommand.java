package dev.weaviatesync.cli;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.topics.KafkaErrors;
import dev.weaviatesync.topics.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Publish events from a JSON Lines file (or - for stdin), one event per line, each to its "
            + "type's topic with the id as key. Invalid lines are reported with their number and not sent.")
final class PublishCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "JSON Lines file, or - for standard input.")
  String input;

  @Option(names = "--strict", description = "Send nothing if any line is invalid.")
  boolean strict;

  @Option(names = "--dry-run", description = "Validate only; send nothing.")
  boolean dryRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private record Line(int number, String text, ChangeEvent event) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SyncConfig config = options.loadOrReport(err);
    if (config == null) {
      return Main.USAGE;
    }
    var parser =
        new EventParser(config.types().stream().map(EntityType::name).collect(Collectors.toSet()));
    List<Line> valid = new ArrayList<>();
    int invalid = 0;
    int number = 0;
    try (BufferedReader reader =
        input.equals("-")
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
      String text;
      while ((text = reader.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        try {
          valid.add(new Line(number, text, parser.parseValue(value, null)));
        } catch (InvalidEventException e) {
          invalid++;
          err.println("line " + number + ": " + e.getMessage());
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      err.println("no such file: " + input);
      return Main.USAGE;
    }
    if (dryRun || strict && invalid > 0) {
      out.printf(
          "%d valid, %d invalid lines; %s%n",
          valid.size(), invalid, dryRun ? "dry run, nothing sent" : "--strict: nothing sent");
      return invalid > 0 ? Main.FAILURE : Main.OK;
    }
    int sent = send(config, valid, err);
    out.printf("%d sent, %d invalid, %d failed%n", sent, invalid, valid.size() - sent);
    return invalid > 0 || sent < valid.size() ? Main.FAILURE : Main.OK;
  }

  /**
   * Sends every valid line and waits for each acknowledgement: a line counts as sent only when the
   * broker acknowledged it; every other line is reported with its number and the reason.
   */
  private int send(SyncConfig config, List<Line> lines, PrintWriter err)
      throws InterruptedException {
    var topics =
        lines.stream().map(l -> config.type(l.event().type()).topic()).collect(Collectors.toSet());
    if (!topicsWritable(config, topics, err)) {
      return 0;
    }
    Properties p = config.producerProperties();
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    int sent = 0;
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      var futures = new ArrayList<Future<RecordMetadata>>(lines.size());
      for (Line l : lines) {
        String t = config.type(l.event().type()).topic();
        try {
          futures.add(
              producer.send(
                  new ProducerRecord<>(
                      t,
                      l.event().id().getBytes(StandardCharsets.UTF_8),
                      l.text().getBytes(StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
          // Refused before it was queued (too large for max.request.size, no metadata in time,
          // ...).
          futures.add(java.util.concurrent.CompletableFuture.failedFuture(e));
        }
        if (futures.size() % 10_000 == 0) {
          err.printf("... %d of %d queued%n", futures.size(), lines.size());
        }
      }
      producer.flush();
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get(60, TimeUnit.SECONDS);
          sent++;
        } catch (java.util.concurrent.ExecutionException e) {
          err.println("line " + lines.get(i).number() + ": not sent: " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          err.println(
              "line " + lines.get(i).number() + ": not sent: no acknowledgement within 60 s");
        }
      }
    }
    return sent;
  }

  /**
   * The target topics exist and every partition accepts writes (see {@link Topics} for why this
   * matters).
   */
  private static boolean topicsWritable(
      SyncConfig config, java.util.Set<String> topics, PrintWriter err)
      throws InterruptedException {
    try (var admin = org.apache.kafka.clients.admin.Admin.create(config.clientProperties())) {
      var missing =
          new java.util.TreeSet<>(Topics.missing(admin, topics, java.time.Duration.ofSeconds(30)));
      if (!missing.isEmpty()) {
        err.println(
            "nothing sent: topic(s) "
                + missing
                + " do not exist at "
                + config.bootstrapServers()
                + " (create them, or start the worker once with topics.create=true)");
        return false;
      }
      Topics.awaitWritable(admin, topics, java.time.Duration.ofSeconds(30));
      return true;
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException
        | org.apache.kafka.common.KafkaException e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      // A refused login, an untrusted certificate, a missing ACL: say which, without the hint
      // about creating topics.
      String why = KafkaErrors.explain(cause, config.bootstrapServers());
      if (why != null) {
        err.println("nothing sent: " + why);
        return false;
      }
      err.println(
          "nothing sent: topic(s) "
              + topics
              + " not writable at "
              + config.bootstrapServers()
              + ": "
              + cause.getMessage()
              + " (create them, or start the worker once with topics.create=true)");
      return false;
    }
  }
}
