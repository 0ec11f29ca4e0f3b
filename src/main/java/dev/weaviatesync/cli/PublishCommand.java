package dev.weaviatesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import java.io.BufferedReader;
import java.io.IOException;
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

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish events from a JSON Lines file (or - for stdin), one event per line, each to its "
        + "type's topic with the id as key. Invalid lines are reported with their number and not sent.")
final class PublishCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Parameters(index = "0", paramLabel = "FILE", description = "JSON Lines file, or - for standard input.")
  String input;

  @Option(names = "--strict", description = "Send nothing if any line is invalid.")
  boolean strict;

  @Option(names = "--dry-run", description = "Validate only; send nothing.")
  boolean dryRun;

  @Option(names = "--unvalidated", hidden = false,
      description = "Send every line as it is, valid or not, to --topic (to exercise the worker's dead-letter path). "
          + "The key is the line's \"id\" field when there is one.")
  boolean unvalidated;

  @Option(names = "--topic", description = "Topic for --unvalidated.")
  String topic;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private record Line(int number, String text, ChangeEvent event) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SyncConfig config = options.loadOrReport(err);
    if (config == null) {
      return Main.USAGE;
    }
    if (unvalidated && topic == null) {
      err.println("--unvalidated needs --topic");
      return Main.USAGE;
    }
    var parser = new EventParser(config.types().stream().map(EntityType::name).collect(Collectors.toSet()));
    List<Line> valid = new ArrayList<>();
    int invalid = 0;
    int number = 0;
    try (BufferedReader reader = input.equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
      String text;
      while ((text = reader.readLine()) != null) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        if (unvalidated) {
          valid.add(new Line(number, text, null));
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
      out.printf("%d valid, %d invalid lines; %s%n", valid.size(), invalid,
          dryRun ? "dry run, nothing sent" : "--strict: nothing sent");
      return invalid > 0 ? Main.FAILURE : Main.OK;
    }
    int sent = send(config, valid, err);
    out.printf("%d sent, %d invalid, %d failed%n", sent, invalid, valid.size() - sent);
    return invalid > 0 || sent < valid.size() ? Main.FAILURE : Main.OK;
  }

  private static byte[] idOf(String text) {
    try {
      JsonNode id = EventParser.mapper().readTree(text).get("id");
      return id != null && id.isTextual() ? id.asText().getBytes(StandardCharsets.UTF_8) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private int send(SyncConfig config, List<Line> lines, PrintWriter err) throws InterruptedException {
    Properties p = config.producerProperties();
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    int sent = 0;
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      var futures = new ArrayList<Future<RecordMetadata>>(lines.size());
      for (Line l : lines) {
        String t = l.event() == null ? topic : config.type(l.event().type()).topic();
        byte[] key = l.event() == null ? idOf(l.text()) : l.event().id().getBytes(StandardCharsets.UTF_8);
        futures.add(producer.send(new ProducerRecord<>(t, key, l.text().getBytes(StandardCharsets.UTF_8))));
        if (futures.size() % 10_000 == 0) {
          err.printf("... %d of %d queued%n", futures.size(), lines.size());
        }
      }
      producer.flush();
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get(60, TimeUnit.SECONDS);
          sent++;
        } catch (Exception e) {
          err.println("line " + lines.get(i).number() + ": not sent: " + e.getMessage());
        }
      }
    }
    return sent;
  }
}
