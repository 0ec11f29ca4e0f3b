package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weaviatesync.producer.Change;
import dev.weaviatesync.producer.Changes;
import dev.weaviatesync.producer.InvalidChangeException;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The producer side against the real broker (and, through the worker, the real Weaviate). */
@ExtendWith(LocalStack.class)
class PublishingIT {
  private final LocalStack stack = LocalStack.get();

  private static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(
      Scenario s, String topic, int partitions) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.config().bootstrapServers());
    var out = new ArrayList<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>();
    try (var c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var tps = new ArrayList<TopicPartition>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      var end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void shouldDeliver10000EventsInPerIdOrderWithoutLossOrDuplicates() throws Exception {
    try (var s = new Scenario(stack, "library", 3);
        var publisher = s.publisher()) {
      var ids = new ArrayList<String>();
      for (int i = 0; i < 200; i++) {
        ids.add(UUID.randomUUID().toString());
      }
      var versions = new HashMap<String, Long>();
      var futures = new ArrayList<CompletableFuture<?>>();
      var rnd = new java.util.Random(3);
      for (int i = 0; i < 10_000; i++) {
        String id = ids.get(rnd.nextInt(ids.size()));
        long v = versions.merge(id, 1L, Long::sum);
        Change c = Changes.itemChanged(id).version(v).property("title", "v" + v).upsert();
        futures.add(publisher.publish(c));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

      // Refused events never reach the topic.
      assertThatThrownBy(
              () -> publisher.publish(Changes.itemChanged("nope").property("a", 1).upsert()))
          .isInstanceOf(InvalidChangeException.class)
          .hasMessageStartingWith("id:");
      assertThatThrownBy(() -> publisher.publish(Changes.itemChanged(UUID.randomUUID()).upsert()))
          .isInstanceOf(InvalidChangeException.class)
          .hasMessageStartingWith("properties:");
      assertThatThrownBy(
              () ->
                  publisher.publish(
                      Changes.of("InvoiceChanged", UUID.randomUUID().toString())
                          .property("a", 1)
                          .upsert()))
          .isInstanceOf(InvalidChangeException.class)
          .hasMessageStartingWith("type:");
      publisher.flush();

      var records = readAll(s, s.itemTopic, 3);
      assertThat(records).hasSize(10_000);
      var seen = new HashSet<String>();
      var last = new HashMap<String, Long>();
      var partitionOf = new HashMap<String, Integer>();
      for (var r : records) {
        String id = new String(r.key(), StandardCharsets.UTF_8);
        long v =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.value())
                .get("version")
                .asLong();
        assertThat(seen.add(id + "@" + v)).as("duplicate %s@%d", id, v).isTrue();
        assertThat(partitionOf.computeIfAbsent(id, k -> r.partition())).isEqualTo(r.partition());
        if (r.partition() == partitionOf.get(id)) {
          assertThat(v).as("order of %s", id).isEqualTo(last.getOrDefault(id, 0L) + 1);
          last.put(id, v);
        }
      }
      assertThat(last).isEqualTo(versions);
      SyncWorkerIT.report(
          "library: 10000 events over 200 ids, 3 partitions: 10000 records, no duplicates, "
              + "per-id versions 1..n in offset order; 3 invalid events refused, none on the topic");
    }
  }

  @Test
  void shouldPublishValidLinesOfAFileReportInvalidOnesAndSendNothingWhenStrict() throws Exception {
    try (var s = new Scenario(stack, "publishcli", 1);
        var worker = Worker.start(s.config())) {
      String a = UUID.randomUUID().toString();
      String b = UUID.randomUUID().toString();
      Path file = Files.createTempFile("events", ".jsonl");
      Files.writeString(
          file,
          String.join(
                  "\n",
                  Events.upsert("ItemChanged", a, 1L, Map.of("title", "from a file")),
                  "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\"}",
                  Events.upsert(
                      "TaskChanged", b, 1L, Map.of("title", "task from a file", "done", false)),
                  "this is not json")
              + "\n");
      var out = new StringWriter();
      var err = new StringWriter();
      var args = new ArrayList<>(List.of("publish", "--strict", file.toString()));
      args.addAll(s.cliArgs());
      assertThat(ItOutput.cli(out, err, args.toArray(String[]::new))).isEqualTo(1);
      assertThat(err.toString())
          .contains("line 2: id: is missing")
          .contains("line 4: malformed JSON");
      assertThat(out.toString()).contains("--strict: nothing sent");
      assertThat(readAll(s, s.itemTopic, 1)).isEmpty();

      args.remove("--strict");
      assertThat(ItOutput.cli(out, err, args.toArray(String[]::new))).isEqualTo(1);
      assertThat(out.toString()).contains("2 sent, 2 invalid, 0 failed");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  s.weaviate().objects(s.itemCollection).containsKey(a)
                      && s.weaviate().objects(s.taskCollection).containsKey(b));
      assertThat(s.dlqRecords()).isEmpty();
      SyncWorkerIT.report(
          "publish: file with 2 valid + 2 invalid lines: --strict sent 0; default sent 2, reported "
              + "lines 2 and 4, both objects in Weaviate");
    }
  }
}
