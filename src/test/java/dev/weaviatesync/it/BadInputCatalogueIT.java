package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.stack.BadInputs;
import dev.weaviatesync.stack.BadInputs.Case;
import dev.weaviatesync.stack.BadInputs.Kind;
import dev.weaviatesync.stack.BadInputs.Rec;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.topology.SyncTopology;
import dev.weaviatesync.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input catalogue ({@link BadInputs}, issue 9) against the real broker, the real worker and
 * the real Weaviate: every case is produced, then one valid event per topic; every case must get
 * what the catalogue (and so the README's table) says, and the valid events must be written.
 *
 * <p>Cases that need a history (the version guard, a vector dimension) have setup records, produced
 * and written first. Every probe record carries {@link BadInputs#CASE_HEADER}; a dead-letter record
 * keeps the source's headers byte for byte, so that header finds each case's copy even when the key
 * is missing or not UTF-8. All mismatches are collected and reported together.
 */
@ExtendWith(LocalStack.class)
class BadInputCatalogueIT {
  private final LocalStack stack = LocalStack.get();

  private static final Map<String, String> EXCEPTIONS =
      Map.of(
          "INVALID_EVENT", "dev.weaviatesync.event.InvalidEventException",
          "REJECTED", "dev.weaviatesync.sink.WeaviateRejectedException",
          "TOO_LARGE", "org.apache.kafka.common.errors.RecordTooLargeException");

  @Test
  void shouldGiveEveryKindOfBadInputWhatTheReadmeSaysAndStillWriteTheNextValidEvent()
      throws Exception {
    long started = System.nanoTime();
    List<Case> cases = BadInputs.all();
    try (var s = new Scenario(stack, "catalogue", 1)) {
      // The dead-letter topic as the worker creates it (2 MiB + 64 KiB), and a task topic whose
      // limit
      // an operator raised (3 MiB) for the record too large to keep pending.
      setMaxMessageBytes(
          s,
          Map.of(
              s.dlqTopic,
              SyncTopology.OWN_DLQ_MAX_MESSAGE_BYTES,
              s.taskTopic,
              BadInputs.RAISED_TOPIC_LIMIT));
      var problems = new ArrayList<String>();
      try (var producer = producer(s);
          var worker = Worker.start(s.config())) {
        // 1. Histories, then a marker: once the marker is written, every setup was flushed before
        // it.
        var sent = new LinkedHashMap<String, Future<RecordMetadata>>();
        for (Case c : cases) {
          for (int i = 0; i < c.setup().size(); i++) {
            sent.put(c.name() + " (setup " + (i + 1) + ")", send(producer, s, c.setup().get(i)));
          }
        }
        String marker = BadInputs.idOf("setup done");
        producer.send(
            new ProducerRecord<>(
                s.itemTopic,
                bytes(marker),
                bytes(Events.upsert(s.itemType, marker, 1L, Map.of("title", "setup done")))));
        producer.flush();
        checkSent(sent, problems);
        await("setup records written")
            .atMost(Duration.ofSeconds(90))
            .until(() -> s.weaviate().objects(s.itemCollection).containsKey(marker));
        assertThat(worker.stats().stale() + worker.stats().repeated() + worker.stats().dlqTotal())
            .as("setups are plain valid events")
            .isZero();
        long setupSeconds = (System.nanoTime() - started) / 1_000_000_000;

        // 2. Every bad input, then one valid event per topic.
        sent.clear();
        for (Case c : cases) {
          sent.put(c.name(), send(producer, s, c.probe()));
        }
        String lastItem = BadInputs.idOf("valid item after the catalogue");
        String lastTask = BadInputs.idOf("valid task after the catalogue");
        producer.send(
            new ProducerRecord<>(
                s.itemTopic,
                bytes(lastItem),
                bytes(
                    Events.upsert(
                        s.itemType, lastItem, 1L, Map.of("title", "after the catalogue")))));
        producer.send(
            new ProducerRecord<>(
                s.taskTopic,
                bytes(lastTask),
                bytes(
                    Events.upsert(
                        s.taskType,
                        lastTask,
                        1L,
                        Map.of("title", "after the catalogue", "done", true)))));
        producer.flush();
        checkSent(sent, problems);
        long expectedDlq =
            cases.stream().filter(c -> c.expected().kind() == Kind.DEAD_LETTERED).count();
        try {
          await("the valid events after the catalogue are written and every dead letter is there")
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () ->
                      s.weaviate().objects(s.itemCollection).containsKey(lastItem)
                          && s.weaviate().objects(s.taskCollection).containsKey(lastTask)
                          && s.dlqRecords().size() >= expectedDlq);
        } catch (ConditionTimeoutException e) {
          problems.add("timed out: " + e.getMessage());
        }
        Thread.sleep(1500); // a few more flush intervals: anything else that would arrive, arrives
        long seconds = (System.nanoTime() - started) / 1_000_000_000;

        // 3. Every case against what the catalogue says.
        var dlq = new HashMap<String, List<ConsumerRecord<byte[], byte[]>>>();
        for (var r : s.dlqRecords()) {
          String name = DlqHeaders.text(r.headers(), BadInputs.CASE_HEADER);
          dlq.computeIfAbsent(name == null ? "(no case header)" : name, k -> new ArrayList<>())
              .add(r);
        }
        Map<String, JsonNode> items = s.weaviate().objects(s.itemCollection);
        Map<String, JsonNode> tasks = s.weaviate().objects(s.taskCollection);
        var seen = new TreeMap<String, Integer>();
        for (Case c : cases) {
          boolean item = c.probe().topic() == BadInputs.Topic.ITEM;
          String collection = item ? s.itemCollection : s.taskCollection;
          List<ConsumerRecord<byte[], byte[]>> copies = dlq.getOrDefault(c.name(), List.of());
          String actual = describe(copies, item ? items : tasks, c.id());
          seen.merge(
              c.expected().kind() == Kind.DEAD_LETTERED
                  ? c.expected().category()
                  : c.expected().kind().name(),
              1,
              Integer::sum);
          var mismatch = new ArrayList<String>();
          if (c.expected().kind() == Kind.DEAD_LETTERED) {
            checkDeadLetter(
                c,
                copies,
                item ? s.itemTopic : s.taskTopic,
                collection,
                item ? s.itemType : s.taskType,
                mismatch);
          } else if (!copies.isEmpty()) {
            mismatch.add("dead-lettered, expected " + c.expected().kind());
          }
          checkState(c, item ? items : tasks, s, collection, mismatch);
          if (!mismatch.isEmpty()) {
            problems.add(
                c.name()
                    + ": "
                    + String.join("; ", mismatch)
                    + "\n      got: "
                    + abbreviate(actual)
                    + "\n      expected: "
                    + abbreviate(c.expected().describe()));
          }
        }
        dlq.keySet().stream()
            .filter(k -> cases.stream().noneMatch(c -> c.name().equals(k)))
            .forEach(k -> problems.add("dead letters of no case: " + k + " x" + dlq.get(k).size()));
        count(cases, Kind.STALE, worker.stats().stale(), "stale", problems);
        count(cases, Kind.REPEATED, worker.stats().repeated(), "repeated", problems);
        count(cases, Kind.LEFT_ON_TOPIC, worker.stats().unsendable(), "unsendable", problems);
        var byCategory = new TreeMap<String, Long>();
        cases.stream()
            .filter(c -> c.expected().kind() == Kind.DEAD_LETTERED)
            .forEach(c -> byCategory.merge(c.expected().category(), 1L, Long::sum));
        if (!byCategory.equals(worker.stats().dlqByCategory())) {
          problems.add(
              "dead letters by category: "
                  + worker.stats().dlqByCategory()
                  + ", expected "
                  + byCategory);
        }
        if (!"after the catalogue"
                .equals(items.getOrDefault(lastItem, missing()).path("title").asText(null))
            || !"after the catalogue"
                .equals(tasks.getOrDefault(lastTask, missing()).path("title").asText(null))) {
          problems.add("the valid events after the catalogue were not written");
        }
        if (worker.failure() != null || !worker.streams().state().isRunningOrRebalancing()) {
          problems.add(
              "the worker stopped: " + worker.failure() + ", state " + worker.streams().state());
        }
        long readmeDiffers = cases.stream().filter(c -> c.readmeSays() != null).count();
        SyncWorkerIT.report(
            String.format(
                "bad-input catalogue: %d kinds produced after %d setup records, then one "
                    + "valid event per topic; expected outcomes %s; %d differ from the README's contract (flagged in its table); "
                    + "setup written after %d s, all checked after %d s; %d mismatches",
                cases.size(),
                cases.stream().mapToInt(c -> c.setup().size()).sum(),
                seen,
                readmeDiffers,
                setupSeconds,
                seconds,
                problems.size()));
      }
      assertThat(problems)
          .as("cases that did not get what the catalogue says:\n  " + String.join("\n  ", problems))
          .isEmpty();
    }
  }

  private static void checkDeadLetter(
      Case c,
      List<ConsumerRecord<byte[], byte[]>> copies,
      String topic,
      String collection,
      String type,
      List<String> mismatch) {
    if (copies.size() != 1) {
      mismatch.add(copies.size() + " dead-letter records, expected 1");
      if (copies.isEmpty()) {
        return;
      }
    }
    var r = copies.get(0);
    String category = DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY);
    String message = DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE);
    String expected = c.message(collection);
    if (!c.expected().category().equals(category)) {
      mismatch.add("category " + category + ", expected " + c.expected().category());
    }
    if (message == null || !message.startsWith(expected)) {
      mismatch.add("message does not start with the expected one");
    }
    String attempts = DlqHeaders.text(r.headers(), DlqHeaders.ATTEMPTS);
    // Records refused before any Weaviate call (invalid, too large to keep) carry 0 attempts.
    boolean neverSent =
        "INVALID_EVENT".equals(c.expected().category())
            || "TOO_LARGE".equals(c.expected().category());
    if (neverSent ? !"0".equals(attempts) : "0".equals(attempts)) {
      mismatch.add("attempts " + attempts);
    }
    String exception = DlqHeaders.text(r.headers(), DlqHeaders.EXCEPTION);
    if (!Objects.equals(EXCEPTIONS.get(c.expected().category()), exception)) {
      mismatch.add("exception " + exception);
    }
    if (!Arrays.equals(r.key(), c.probe().key()) || !Arrays.equals(r.value(), c.probe().value())) {
      mismatch.add("key or value not kept byte for byte");
    }
    for (var h : c.probe().headers()) {
      var copy = r.headers().lastHeader(h.getKey());
      if (copy == null || !Arrays.equals(copy.value(), h.getValue())) {
        mismatch.add("header " + h.getKey() + " not kept byte for byte");
      }
    }
    if (!topic.equals(DlqHeaders.text(r.headers(), DlqHeaders.TOPIC))
        || !type.equals(DlqHeaders.text(r.headers(), DlqHeaders.EVENT_TYPE))
        || !collection.equals(DlqHeaders.text(r.headers(), DlqHeaders.COLLECTION))) {
      mismatch.add("source topic, event type or collection header wrong");
    }
  }

  /** Weaviate's state of the case's id against the expected one. */
  private static void checkState(
      Case c, Map<String, JsonNode> objects, Scenario s, String collection, List<String> mismatch) {
    Map<String, Object> expected = c.expected().properties();
    JsonNode actual = objects.get(c.id());
    if (expected == null) {
      if (actual != null) {
        mismatch.add("Weaviate has the object");
      }
      return;
    }
    if (actual == null) {
      mismatch.add("Weaviate does not have the object");
      return;
    }
    expected.forEach(
        (name, value) -> {
          JsonNode v = actual.get(name);
          if (value == null
              ? v != null && !v.isNull()
              : v == null || !value.toString().equals(v.asText())) {
            mismatch.add(
                "property "
                    + name
                    + " is "
                    + (v == null ? "absent" : abbreviate(v.toString()))
                    + ", expected "
                    + (value == null ? "absent" : abbreviate(value.toString())));
          }
        });
    if (c.expected().vector() != null) {
      float[] v = vector(s.weaviate().object(collection, c.id()));
      if (!Arrays.equals(v, c.expected().vector())) {
        mismatch.add(
            "vector "
                + Arrays.toString(v)
                + ", expected "
                + Arrays.toString(c.expected().vector()));
      }
    }
  }

  /** The object's default vector, from either shape Weaviate's REST answer may take. */
  private static float[] vector(JsonNode object) {
    if (object == null) {
      return null;
    }
    JsonNode v = object.path("vector");
    if (!v.isArray() || v.isEmpty()) {
      var named = object.path("vectors").elements();
      v = named.hasNext() ? named.next() : v;
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  private static String describe(
      List<ConsumerRecord<byte[], byte[]>> copies, Map<String, JsonNode> objects, String id) {
    if (!copies.isEmpty()) {
      var r = copies.get(0);
      return "DLQ "
          + DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)
          + ": "
          + DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE)
          + (copies.size() > 1 ? " (x" + copies.size() + ")" : "");
    }
    JsonNode o = objects.get(id);
    return o == null ? "absent from Weaviate, not dead-lettered" : "in Weaviate: " + o;
  }

  private static void count(
      List<Case> cases, Kind kind, long actual, String counter, List<String> problems) {
    long expected = cases.stream().filter(c -> c.expected().kind() == kind).count();
    if (actual != expected) {
      problems.add("counter " + counter + " is " + actual + ", expected " + expected);
    }
  }

  private static JsonNode missing() {
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, Scenario s, Rec r) {
    var headers = new RecordHeaders();
    r.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    String topic = r.topic() == BadInputs.Topic.ITEM ? s.itemTopic : s.taskTopic;
    return producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), headers));
  }

  /** Every record must have been accepted by the broker, or its case proves nothing. */
  private static void checkSent(Map<String, Future<RecordMetadata>> sent, List<String> problems) {
    sent.forEach(
        (name, f) -> {
          try {
            f.get(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            problems.add(name + ": the broker did not take the record: " + e);
          }
        });
  }

  /**
   * One producer for every record, in order; large enough for the record too large to keep pending.
   */
  private static KafkaProducer<byte[], byte[]> producer(Scenario s) {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.config().bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(BadInputs.RAISED_TOPIC_LIMIT + 65_536));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void setMaxMessageBytes(Scenario s, Map<String, Integer> limits) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", s.config().bootstrapServers()))) {
      var ops = new HashMap<ConfigResource, java.util.Collection<AlterConfigOp>>();
      limits.forEach(
          (topic, bytes) ->
              ops.put(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", Integer.toString(bytes)),
                          AlterConfigOp.OpType.SET))));
      admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
      await("topic limits applied")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var configs = admin.describeConfigs(ops.keySet()).all().get(30, TimeUnit.SECONDS);
                return limits.entrySet().stream()
                    .allMatch(
                        e ->
                            Integer.toString(e.getValue())
                                .equals(
                                    configs
                                        .get(
                                            new ConfigResource(
                                                ConfigResource.Type.TOPIC, e.getKey()))
                                        .get("max.message.bytes")
                                        .value()));
              });
    }
  }
}
