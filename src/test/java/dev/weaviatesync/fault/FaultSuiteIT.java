package dev.weaviatesync.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.dlq.DlqReader;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault suite (issue 9): the real stack, the worker as a process, and faults injected while events
 * keep coming. Not part of {@code ./mvnw -B verify}; run it with {@code ./mvnw -B verify -Pfaults}.
 *
 * <p><b>One run, twelve rounds.</b> A stack of its own under {@code target/fault-stack} (broker,
 * Weaviate, worker logs and configurations, and one {@code round-N-diff.txt} per round that
 * differs), so it can kill and restart the servers without touching other tests. One workload of
 * 50,000 events ({@link Workload}: items and tasks over 3,000 ids on 3 partitions per topic, with
 * versioned upserts and deletes, tombstones, reorders, late older versions and duplicates) is cut
 * into twelve slices, one per round, published in order at a steady pace. Each round injects its
 * fault while its slice is being published:
 *
 * <ol start="0">
 *   <li>{@code baseline}: none (the stack and the comparison work before anything is broken);
 *   <li>{@code worker-sigkill-1..3}: SIGKILL of the worker, restarted 2 s later; the second restart
 *       gets an empty state directory (a new pod: state restored from the changelogs), the others
 *       keep it (a container restart);
 *   <li>{@code weaviate-sigkill-1..3}: SIGKILL of Weaviate, restarted 3 s later by {@code
 *       scripts/weaviate.sh start} on the same directory;
 *   <li>{@code broker-sigkill-1..3}: SIGKILL of the broker, restarted 3 s later by {@code
 *       scripts/kafka.sh start} on the same directory (the publisher keeps sending; its records
 *       wait in its buffer);
 *   <li>{@code weaviate-sigstop-40s}: SIGSTOP of Weaviate, SIGCONT 40 s later (published over 60
 *       s);
 *   <li>{@code two-workers-one-sigkilled}: a second worker joins the group, and once both own input
 *       partitions, the one owning more is SIGKILLed and not restarted; the other takes over.
 * </ol>
 *
 * Rounds are phases of one run rather than separate runs so that each fault meets the state the
 * earlier ones left (versions, pending writes, deletes), as in production, and so that one run
 * covers 50,000 events; a round's comparison covers every id seen so far, not just the round's.
 *
 * <p><b>After each round</b> the suite reads back the round's records from the input topics and
 * feeds them, in partition order, to {@link ContractModel} (the README's contract), waits until
 * Weaviate matches the model (or until the worker has consumed everything and the differences have
 * not changed for 60 s, or 10 minutes), waits 5 s more and compares again, object by object: ids
 * missing, stale (other properties), resurrected (present, but deleted in the model) and unexpected
 * (never published); and it counts the records on the dead-letter topic. The workload has no
 * invalid event, so every dead-letter record is caused by a fault. All must be 0. One line per
 * round goes to stdout and {@code target/it-report.txt}; the test fails after the last round if any
 * round had a difference, with the ids, expected and actual state and each id's records in the diff
 * files.
 *
 * <p>A worker that exits without being killed by the suite is restarted as Kubernetes would, and
 * counted in the round's line ("own exits"); that is not a data loss, but it is worth reading.
 *
 * <p>System properties: {@code faults.events} (50000), {@code faults.seed}, {@code faults.rounds}
 * (a comma-separated subset of round names, to reproduce one; the baseline always runs), and {@code
 * faults.set} (worker settings, {@code key=value,key=value}, e.g. {@code
 * kafka.processing.guarantee=at_least_once}; {@code deleted.retention.ms=1000} makes the worker
 * forget deletes, which this suite must then report as resurrected ids).
 */
class FaultSuiteIT {
  private static final int EVENTS = Integer.getInteger("faults.events", 50_000);
  private static final long SEED = Long.getLong("faults.seed", 20261129L);
  private static final int PARTITIONS = 3;
  private static final int ITEM_IDS = 2400;
  private static final int TASK_IDS = 600;
  private static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration SETTLED_WITH_DIFFERENCES = Duration.ofSeconds(60);

  /** What a round does to the stack while its slice is published; returns what it did. */
  @FunctionalInterface
  interface Fault {
    String inject() throws Exception;
  }

  record Round(
      String name, double publishSeconds, double faultAtSeconds, Fault setUp, Fault fault) {}

  private LocalStack stack;
  private Scenario s;
  private Workers workers;
  private Admin admin;
  private Path dir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.MINUTES)
  void shouldKeepWeaviateExactThroughWorkerBrokerAndWeaviateFaults() throws Exception {
    long runStart = System.nanoTime();
    dir = LocalStack.root().resolve("target/fault-stack");
    stack = LocalStack.startAt(dir);
    try (var scenario = new Scenario(stack, "faults", PARTITIONS);
        var w = new Workers();
        var adm =
            Admin.create(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    "30000"));
        var producer = producer();
        var readBack = readBackConsumer()) {
      s = scenario;
      for (String kv : System.getProperty("faults.set", "").split(",")) {
        if (!kv.isBlank()) {
          s.set(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
        }
      }
      workers = w;
      admin = adm;
      workers.add(slot("worker-a"));
      workers.add(slot("worker-b"));
      var workload = new Workload(s, EVENTS, ITEM_IDS, TASK_IDS, new Random(SEED));
      List<Round> rounds = rounds();
      String only = System.getProperty("faults.rounds", "");
      if (!only.isBlank()) {
        var names = List.of(only.split(","));
        rounds =
            rounds.stream()
                .filter(r -> names.contains(r.name()) || r.name().equals("baseline"))
                .toList();
      }
      line(
          String.format(
              "faults: %d events (%s) over %d item and %d task ids, %d partitions per topic, seed %d, "
                  + "%d rounds%s",
              workload.events.size(),
              workload.kinds,
              ITEM_IDS,
              TASK_IDS,
              PARTITIONS,
              SEED,
              rounds.size(),
              System.getProperty("faults.set", "").isBlank()
                  ? ""
                  : ", worker settings " + System.getProperty("faults.set")));

      var collectionOf = Map.of(s.itemTopic, s.itemCollection, s.taskTopic, s.taskCollection);
      var parts = new ArrayList<TopicPartition>();
      for (int p = 0; p < PARTITIONS; p++) {
        parts.add(new TopicPartition(s.itemTopic, p));
        parts.add(new TopicPartition(s.taskTopic, p));
      }
      readBack.assign(parts);
      readBack.seekToBeginning(parts);
      var model = new ContractModel();
      var sendErrors = new AtomicLong();
      var firstSendError = new AtomicReference<Exception>();

      workers.start("worker-a");
      var failures = new ArrayList<String>();
      long dlqBefore = 0;
      int from = 0;
      for (int i = 0; i < rounds.size(); i++) {
        Round round = rounds.get(i);
        int to =
            i == rounds.size() - 1
                ? workload.events.size()
                : from + workload.events.size() / rounds.size();
        long start = System.nanoTime();
        workers.drainUnexpectedExits();
        long errorsAtStart = sendErrors.get();
        String setUp = round.setUp() == null ? "" : round.setUp().inject() + "; ";
        long publishStart = System.nanoTime();
        var slice = workload.events.subList(from, to);
        Thread publisher =
            publisher(producer, slice, round.publishSeconds(), sendErrors, firstSendError);
        publisher.start();
        String fault = "no fault";
        if (round.fault() != null) {
          sleepUntil(publishStart, round.faultAtSeconds());
          double at = seconds(publishStart);
          fault = String.format("at %.1f s: %s", at, round.fault().inject());
        }
        publisher.join();
        producer.flush();
        double acked = seconds(publishStart);
        long recordsBefore = model.records();
        Map<TopicPartition, Long> end = readBack(readBack, parts, model, collectionOf);
        long inTopics = model.records() - recordsBefore;

        var converged = awaitConvergence(model, end);
        Thread.sleep(5000);
        var actual = new AtomicReference<Map<String, Map<String, JsonNode>>>();
        ContractModel.Diff diff = compareWithRetry(model, actual);
        long dlqNow = dlqRecords(failures, round.name());
        long dlq = dlqNow - dlqBefore;
        dlqBefore = dlqNow;
        var exits = workers.drainUnexpectedExits();
        String text =
            String.format(
                "faults round %d %s: %d events (%d in topics, %d send errors), %d ids present and "
                    + "%d deleted in the model; missing %d, stale %d, resurrected %d, unexpected %d, DLQ %d; own worker exits %d; "
                    + "%.1f s (%s%s; all acknowledged at %.1f s, %s)",
                i,
                round.name(),
                slice.size(),
                inTopics,
                sendErrors.get() - errorsAtStart,
                model.present(),
                model.deleted(),
                diff.missing.size(),
                diff.stale.size(),
                diff.resurrected.size(),
                diff.unexpected.size(),
                dlq,
                exits.size(),
                seconds(start),
                setUp,
                fault,
                acked,
                converged);
        line(text);
        exits.forEach(x -> System.out.println("[faults] " + x));
        if (diff.total() > 0 || dlq > 0) {
          Path evidence = dir.resolve("round-" + i + "-diff.txt");
          Files.writeString(evidence, evidence(model, diff, actual.get()));
          failures.add(text + "; evidence in " + evidence);
        }
        from = to;
      }
      Map<String, Integer> codes = workers.terminateAll(60);
      line(
          String.format(
              "faults: model verdicts %s; %d send errors%s; workers on SIGTERM at the end exited %s; "
                  + "total %.1f s",
              model.verdicts(),
              sendErrors.get(),
              firstSendError.get() == null ? "" : " (first: " + firstSendError.get() + ")",
              codes,
              seconds(runStart)));
      assertThat(sendErrors.get())
          .as(
              "records the publisher could not send (the model reads the topics, but "
                  + "every event should have been published)")
          .isZero();
      assertThat(failures).as("rounds with differences or dead-letter records").isEmpty();
    } finally {
      stack.stop();
    }
  }

  private List<Round> rounds() {
    var r = new ArrayList<Round>();
    r.add(new Round("baseline", 20, 0, null, null));
    for (int k = 1; k <= 3; k++) {
      boolean newPod = k == 2;
      r.add(
          new Round(
              "worker-sigkill-" + k,
              20,
              4 + 3 * k,
              null,
              () -> {
                long pid = workers.kill("worker-a");
                Thread.sleep(2000);
                if (newPod) {
                  deleteRecursively(workers.slot("worker-a").stateDir());
                }
                workers.start("worker-a");
                return "SIGKILL worker pid "
                    + pid
                    + ", restarted 2 s later"
                    + (newPod ? " with an empty state directory" : "");
              }));
    }
    for (int k = 1; k <= 3; k++) {
      r.add(
          new Round(
              "weaviate-sigkill-" + k,
              20,
              4 + 3 * k,
              null,
              () -> {
                long pid = stack.weaviatePid();
                stack.killWeaviate();
                Thread.sleep(3000);
                long t = System.nanoTime();
                stack.startWeaviate();
                return String.format(
                    "SIGKILL Weaviate pid %d, restarted 3 s later, ready after %.1f s",
                    pid, seconds(t));
              }));
    }
    for (int k = 1; k <= 3; k++) {
      r.add(
          new Round(
              "broker-sigkill-" + k,
              20,
              4 + 3 * k,
              null,
              () -> {
                long pid = stack.brokerPid();
                stack.killBroker();
                Thread.sleep(3000);
                long t = System.nanoTime();
                stack.startBroker();
                return String.format(
                    "SIGKILL broker pid %d, restarted 3 s later, started after %.1f s",
                    pid, seconds(t));
              }));
    }
    r.add(
        new Round(
            "weaviate-sigstop-40s",
            60,
            8,
            null,
            () -> {
              long pid = stack.weaviatePid();
              stack.freezeWeaviate();
              long t = System.nanoTime();
              Thread.sleep(40_000);
              stack.thawWeaviate();
              return String.format(
                  "SIGSTOP Weaviate pid %d, SIGCONT after %.1f s", pid, seconds(t));
            }));
    r.add(
        new Round(
            "two-workers-one-sigkilled",
            25,
            10,
            () -> {
              workers.start("worker-b");
              long t = System.nanoTime();
              var owned = awaitBothOwnPartitions();
              return String.format(
                  "worker-b joined; both own input partitions after %.1f s %s", seconds(t), owned);
            },
            () -> {
              var owned = ownedPartitions();
              String victim =
                  owned.getOrDefault("worker-b", 0) > owned.getOrDefault("worker-a", 0)
                      ? "worker-b"
                      : "worker-a";
              long pid = workers.kill(victim);
              return "SIGKILL "
                  + victim
                  + " pid "
                  + pid
                  + " (input partitions owned "
                  + owned
                  + "), not restarted";
            }));
    return r;
  }

  // ---- publishing and reading back

  private KafkaProducer<byte[], byte[]> producer() {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // The broker is killed for a while: records wait in the buffer and are retried, in order.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> readBackConsumer() {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Sends {@code events} at a steady pace over {@code seconds}. */
  private static Thread publisher(
      KafkaProducer<byte[], byte[]> producer,
      List<Workload.Event> events,
      double seconds,
      AtomicLong errors,
      AtomicReference<Exception> first) {
    return new Thread(
        () -> {
          long start = System.nanoTime();
          double perEvent = seconds * 1e9 / events.size();
          for (int i = 0; i < events.size(); i++) {
            long due = start + (long) (i * perEvent);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              } catch (InterruptedException e) {
                return;
              }
            }
            var e = events.get(i);
            producer.send(
                new ProducerRecord<>(
                    e.topic(),
                    e.key().getBytes(StandardCharsets.UTF_8),
                    e.value() == null ? null : e.value().getBytes(StandardCharsets.UTF_8)),
                (md, ex) -> {
                  if (ex != null) {
                    errors.incrementAndGet();
                    first.compareAndSet(null, ex);
                  }
                });
          }
        },
        "fault-suite-publisher");
  }

  /**
   * Feeds the model every record up to the current end of the input topics; returns those end
   * offsets.
   */
  private static Map<TopicPartition, Long> readBack(
      KafkaConsumer<byte[], byte[]> c,
      List<TopicPartition> parts,
      ContractModel model,
      Map<String, String> collectionOf) {
    Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(60));
    while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
      for (var r : c.poll(Duration.ofMillis(500))) {
        model.apply(collectionOf.get(r.topic()), r.partition(), r.offset(), r.key(), r.value());
      }
    }
    return end;
  }

  // ---- comparing

  private Map<String, Map<String, JsonNode>> weaviateState() {
    var rest = s.weaviate();
    return Map.of(
        s.itemCollection,
        rest.objects(s.itemCollection),
        s.taskCollection,
        rest.objects(s.taskCollection));
  }

  private ContractModel.Diff compareWithRetry(
      ContractModel model, AtomicReference<Map<String, Map<String, JsonNode>>> actual)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      try {
        actual.set(weaviateState());
        return model.compare(actual.get());
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(2000);
      }
    }
  }

  /** Waits until Weaviate matches the model; returns how that ended, for the report line. */
  private String awaitConvergence(ContractModel model, Map<TopicPartition, Long> end)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + CONVERGENCE_TIMEOUT.toNanos();
    ContractModel.Diff last = null;
    long unchangedSince = System.nanoTime();
    while (true) {
      ContractModel.Diff d;
      try {
        d = model.compare(weaviateState());
      } catch (RuntimeException e) {
        Thread.sleep(2000);
        continue;
      }
      if (d.total() == 0) {
        return String.format("converged %.1f s later", seconds(start));
      }
      long lag = lag(end);
      if (lag != 0 || !d.sameAs(last)) {
        unchangedSince = System.nanoTime();
      } else if (System.nanoTime() - unchangedSince > SETTLED_WITH_DIFFERENCES.toNanos()) {
        return String.format(
            "NOT converged: input consumed, %s unchanged for %d s",
            d, SETTLED_WITH_DIFFERENCES.toSeconds());
      }
      if (System.nanoTime() > deadline) {
        return String.format(
            "NOT converged after %d min: %s, lag %d", CONVERGENCE_TIMEOUT.toMinutes(), d, lag);
      }
      last = d;
      Thread.sleep(2000);
    }
  }

  /**
   * Records of the input topics not yet committed by the worker's group; -1 when the broker does
   * not say.
   */
  private long lag(Map<TopicPartition, Long> end) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(s.prefix)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      long lag = 0;
      for (var e : end.entrySet()) {
        OffsetAndMetadata om = committed.get(e.getKey());
        lag += e.getValue() - (om == null ? 0 : om.offset());
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Every record on the dead-letter topic so far (committed ones; the worker writes them in
   * transactions).
   */
  private long dlqRecords(List<String> failures, String round) {
    var lines = new ArrayList<String>();
    DlqReader.readAll(
        s.config(),
        r ->
            lines.add(
                r.partition()
                    + ":"
                    + r.offset()
                    + " key "
                    + (r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8))
                    + " "
                    + DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)
                    + " "
                    + DlqHeaders.text(r.headers(), DlqHeaders.MESSAGE)));
    if (!lines.isEmpty()) {
      System.out.println(
          "[faults] dead-letter records after " + round + ":\n  " + String.join("\n  ", lines));
    }
    return lines.size();
  }

  private static String evidence(
      ContractModel model, ContractModel.Diff diff, Map<String, Map<String, JsonNode>> actual) {
    var sb = new StringBuilder();
    var groups = new LinkedHashMap<String, java.util.Set<String>>();
    groups.put("missing", diff.missing);
    groups.put("stale", diff.stale);
    groups.put("resurrected", diff.resurrected);
    groups.put("unexpected", diff.unexpected);
    groups.forEach(
        (what, ids) -> {
          sb.append("== ").append(what).append(": ").append(ids.size()).append('\n');
          ids.stream()
              .limit(25)
              .forEach(
                  id -> {
                    var st = model.get(id);
                    sb.append("id ").append(id).append('\n');
                    JsonNode a =
                        actual.values().stream()
                            .map(m -> m.get(id))
                            .filter(java.util.Objects::nonNull)
                            .findFirst()
                            .orElse(null);
                    sb.append("  in Weaviate: ")
                        .append(a == null ? "absent" : a.toString())
                        .append('\n');
                    if (st != null) {
                      sb.append("  expected: ").append(st.describe()).append('\n');
                      st.history.forEach(h -> sb.append("  ").append(h).append('\n'));
                    }
                  });
        });
    return sb.toString();
  }

  // ---- the consumer group

  /** Input partitions each worker owns now, by worker name. */
  private Map<String, Integer> ownedPartitions() {
    var owned = new TreeMap<String, Integer>();
    try {
      var group =
          admin
              .describeConsumerGroups(List.of(s.prefix))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(s.prefix);
      for (var m : group.members()) {
        String name =
            m.clientId().startsWith("worker-b")
                ? "worker-b"
                : m.clientId().startsWith("worker-a") ? "worker-a" : m.clientId();
        long n =
            m.assignment().topicPartitions().stream()
                .filter(tp -> tp.topic().equals(s.itemTopic) || tp.topic().equals(s.taskTopic))
                .count();
        owned.merge(name, (int) n, Integer::sum);
      }
    } catch (Exception e) {
      owned.put("unknown (" + e + ")", 0);
    }
    return owned;
  }

  private Map<String, Integer> awaitBothOwnPartitions() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    Map<String, Integer> owned;
    do {
      Thread.sleep(1000);
      owned = ownedPartitions();
      if (owned.getOrDefault("worker-a", 0) > 0 && owned.getOrDefault("worker-b", 0) > 0) {
        return owned;
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "worker-b joined but the two workers did not share the input partitions within "
            + "3 min: "
            + owned);
  }

  // ---- plumbing

  private Workers.Slot slot(String name) throws Exception {
    Path state = dir.resolve(name + "-state");
    Files.createDirectories(state);
    s.set("kafka.state.dir", state.toString()).set("kafka.client.id", name);
    Path config = dir.resolve(name + ".properties");
    Files.move(s.writeConfig(), config, StandardCopyOption.REPLACE_EXISTING);
    return new Workers.Slot(name, config, state, dir.resolve(name + ".log"));
  }

  private static void sleepUntil(long startNanos, double seconds) throws InterruptedException {
    long wait = startNanos + (long) (seconds * 1e9) - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private static void deleteRecursively(Path p) throws Exception {
    if (Files.exists(p)) {
      try (var paths = Files.walk(p)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
    Files.createDirectories(p);
  }

  private static void line(String text) throws Exception {
    System.out.println("[it-report] " + text);
    Path f = LocalStack.root().resolve("target/it-report.txt");
    Files.writeString(
        f, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
