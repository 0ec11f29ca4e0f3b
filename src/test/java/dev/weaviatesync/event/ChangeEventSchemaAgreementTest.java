package dev.weaviatesync.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.SinkAvailability;
import dev.weaviatesync.stats.SyncStats;
import dev.weaviatesync.testing.InMemorySink;
import dev.weaviatesync.topology.SyncTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The committed JSON Schema ({@code schema/change-event.schema.json}) and the worker agree: every
 * sample the schema rejects, the worker's topology sends to the dead-letter topic, and every sample
 * it accepts, the worker accepts (the record key is the sample's id, as the contract requires).
 */
class ChangeEventSchemaAgreementTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  private static final String T = "\"occurredAt\":\"2026-11-29T10:15:30Z\"";

  static List<String> samples() {
    String base = "\"type\":\"ItemChanged\",\"id\":\"" + ID + "\"," + T;
    return List.of(
        // accepted
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{\"title\":\"x\"}}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{}}",
        "{" + base + ",\"op\":\"UPSERT\",\"version\":0,\"properties\":{\"n\":1}}",
        "{" + base + ",\"op\":\"UPSERT\",\"version\":9223372036854775807,\"properties\":{}}",
        "{" + base + ",\"op\":\"UPSERT\",\"version\":3.0,\"properties\":{}}",
        "{" + base + ",\"op\":\"UPSERT\",\"version\":1e2,\"properties\":{}}",
        "{" + base + ",\"op\":\"UPSERT\",\"version\":null,\"properties\":{}}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":[0.1,2,-3e5]}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":null}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"extra\":\"ignored\"}",
        "{" + base + ",\"op\":\"DELETE\"}",
        "{" + base + ",\"op\":\"DELETE\",\"properties\":null}",
        "{" + base + ",\"op\":\"DELETE\",\"version\":7,\"properties\":{\"ignored\":true}}",
        "{\"type\":\"TaskChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID.toUpperCase()
            + "\","
            + T
            + "}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-11-29t10:15:30.123456+01:00\"}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-02-30T10:15:30-05:30\"}",
        // rejected
        "{" + base + ",\"op\":\"UPSERT\"}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":null}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":[1]}",
        "{" + base + ",\"op\":\"DELETE\",\"properties\":\"x\"}",
        "{" + base + ",\"op\":\"MERGE\",\"properties\":{}}",
        "{" + base + ",\"op\":\"upsert\",\"properties\":{}}",
        "{" + base + ",\"properties\":{}}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\"," + T + "}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":null," + T + "}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\"42\"," + T + "}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":42," + T + "}",
        "{\"type\":\"InvoiceChanged\",\"op\":\"DELETE\",\"id\":\"" + ID + "\"," + T + "}",
        "{\"op\":\"DELETE\",\"id\":\"" + ID + "\"," + T + "}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\"" + ID + "\"}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-11-29T10:15Z\"}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-11-29T10:15:30\"}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-13-29T10:15:30Z\"}",
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":1795935374}",
        "{" + base + ",\"op\":\"DELETE\",\"version\":-1}",
        "{" + base + ",\"op\":\"DELETE\",\"version\":1.5}",
        "{" + base + ",\"op\":\"DELETE\",\"version\":\"3\"}",
        "{" + base + ",\"op\":\"DELETE\",\"version\":9223372036854775808}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":[]}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":[1,\"2\"]}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":[1e39]}",
        "{" + base + ",\"op\":\"UPSERT\",\"properties\":{},\"vector\":{\"a\":1}}",
        "[1,2,3]",
        "\"ItemChanged\"",
        "{\"type\":\"ItemChanged\",",
        "{} {}");
  }

  @Test
  void shouldAcceptAndRejectExactlyTheSameSamples() throws Exception {
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.readString(Path.of("schema/change-event.schema.json")));
    var config =
        SyncConfig.of(Map.of("kafka.state.dir", Files.createTempDirectory("agreement").toString()));
    var sink = new InMemorySink();
    var stats = new SyncStats();
    try (var availability = new SinkAvailability(() -> true, Duration.ofSeconds(1))) {
      var services =
          new SyncTopology.Services(new BatchWriter(sink, config, stats), availability, stats);
      var props = config.streamsProperties();
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
      var disagreements = new ArrayList<String>();
      int accepted = 0;
      try (var driver = new TopologyTestDriver(SyncTopology.build(config, services), props)) {
        var dlq =
            driver.createOutputTopic(
                config.dlqTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (String sample : samples()) {
          boolean schemaOk = schemaAccepts(schema, sample);
          String topic = sample.contains("TaskChanged") ? "task-changed" : "item-changed";
          driver
              .createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
              .pipeInput(keyOf(sample), sample.getBytes(StandardCharsets.UTF_8));
          boolean workerOk = dlq.isEmpty();
          while (!dlq.isEmpty()) {
            dlq.readRecord();
          }
          accepted += workerOk ? 1 : 0;
          if (schemaOk != workerOk) {
            disagreements.add(
                (schemaOk ? "schema accepts, worker rejects: " : "schema rejects, worker accepts: ")
                    + sample);
          }
        }
      }
      assertThat(disagreements).isEmpty();
      assertThat(accepted).isEqualTo(16);
    }
  }

  private static boolean schemaAccepts(Schema schema, String sample) {
    JsonNode node;
    try {
      var parser = MAPPER.getFactory().createParser(sample);
      node = MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        return false; // trailing content: not one JSON document
      }
    } catch (Exception e) {
      return false; // not JSON at all
    }
    return schema.validate(node).isEmpty();
  }

  /** The contract's key: the sample's id when it has a string id. */
  /**
   * The key a conforming producer sets: the id in its canonical lower-case form (the schema covers
   * the value only).
   */
  private static byte[] keyOf(String sample) {
    try {
      JsonNode id = MAPPER.readTree(sample).get("id");
      if (id != null && id.isTextual()) {
        return id.asText().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      }
    } catch (Exception e) {
      // fall through
    }
    return ID.getBytes(StandardCharsets.UTF_8);
  }
}
