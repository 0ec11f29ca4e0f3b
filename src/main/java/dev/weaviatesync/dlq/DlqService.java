package dev.weaviatesync.dlq;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.topics.KafkaErrors;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the {@code dlq} commands do, over the configured dead-letter topic. */
public final class DlqService {
  private final SyncConfig config;
  private final String topic;

  public DlqService(SyncConfig config) {
    this.config = config;
    this.topic = config.dlqTopic();
  }

  /** Every record now in the topic that matches, in partition then offset order. */
  public List<DlqRecord> list(DlqFilter filter, int limit) {
    var out = new ArrayList<DlqRecord>();
    DlqReader.readAll(
        config,
        r -> {
          DlqRecord d = DlqRecord.of(r);
          if (out.size() < limit && filter.matches(d)) {
            out.add(d);
          }
        });
    out.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return out;
  }

  /** One record, or null when there is none at that place. */
  public DlqRecord show(int partition, long offset) {
    try (var consumer = DlqReader.consumer(config, null)) {
      var tp = new TopicPartition(topic, partition);
      if (!DlqReader.partitions(consumer, config).contains(tp)) {
        return null;
      }
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() == offset) {
            return DlqRecord.of(r);
          }
          if (r.offset() > offset) {
            return null;
          }
        }
      }
      return null;
    }
  }

  /** Counts of matching records by category, exception and type, with first and last seen. */
  public record Group(
      String category, String exception, String type, long count, Instant first, Instant last) {}

  public List<Group> stats(DlqFilter filter) {
    Map<List<String>, Group> groups =
        new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
    DlqReader.readAll(
        config,
        r -> {
          DlqRecord d = DlqRecord.of(r);
          if (!filter.matches(d)) {
            return;
          }
          var key =
              List.of(
                  String.valueOf(d.category()),
                  String.valueOf(d.exception()),
                  String.valueOf(d.type()));
          groups.merge(
              key,
              new Group(key.get(0), key.get(1), key.get(2), 1, d.failedAt(), d.failedAt()),
              (x, y) ->
                  new Group(
                      x.category(),
                      x.exception(),
                      x.type(),
                      x.count() + y.count(),
                      x.first().isBefore(y.first()) ? x.first() : y.first(),
                      x.last().isAfter(y.last()) ? x.last() : y.last()));
        });
    return List.copyOf(groups.values());
  }

  /** The outcome of a replay run. */
  public record ReplaySummary(
      int sent,
      int skippedLoopGuard,
      int failed,
      int notMatching,
      int alreadyReplayed,
      Map<String, Integer> histogram) {}

  /**
   * Sends matching records back to their source topic: key, value and original headers byte for
   * byte, plus {@value DlqHeaders#REPLAY_COUNT}. Progress is kept in consumer group {@code group}
   * (offset + handled offsets beyond it), so a second run sends nothing twice.
   */
  public ReplaySummary replay(
      DlqFilter filter,
      String group,
      int maxReplays,
      boolean dryRun,
      PrintWriter out,
      PrintWriter err) {
    int sent = 0;
    int skipped = 0;
    int failed = 0;
    int notMatching = 0;
    int already = 0;
    Map<String, Integer> histogram = new TreeMap<>();
    try (var consumer = DlqReader.consumer(config, group);
        var producer = dryRun ? null : producer()) {
      List<TopicPartition> parts = DlqReader.partitions(consumer, config);
      consumer.assign(parts);
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(new java.util.HashSet<>(parts));
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
      if (!dryRun) {
        // Commits the progress as it is, before anything is sent: a Kafka user that may not commit
        // to the group (Read on it) fails here, not after sending records whose progress it then
        // cannot save (the next run would send them again).
        Map<TopicPartition, OffsetAndMetadata> unchanged = new HashMap<>();
        for (TopicPartition tp : parts) {
          OffsetAndMetadata c = committed.get(tp);
          unchanged.put(tp, c != null ? c : new OffsetAndMetadata(begin.get(tp)));
        }
        consumer.commitSync(unchanged);
      }
      for (TopicPartition tp : parts) {
        OffsetAndMetadata c = committed.get(tp);
        var progress =
            new ReplayProgress(
                Math.max(begin.get(tp), c == null ? 0 : c.offset()),
                c == null ? null : c.metadata());
        consumer.seek(tp, progress.next());
        boolean full = false;
        var pendingSends =
            new ArrayList<Map.Entry<DlqRecord, java.util.concurrent.Future<RecordMetadata>>>();
        while (consumer.position(tp) < end.get(tp)) {
          for (var r : consumer.poll(Duration.ofMillis(500)).records(tp)) {
            if (r.offset() >= end.get(tp)) {
              continue;
            }
            DlqRecord d = DlqRecord.of(r);
            if (progress.isHandled(d.offset())) {
              already++;
              continue;
            }
            if (!filter.matches(d)) {
              notMatching++;
              progress.leaveOpen(d.offset());
              continue;
            }
            histogram.merge(d.category() + " " + d.exceptionSimpleName(), 1, Integer::sum);
            if (d.replayCount() >= maxReplays) {
              skipped++;
              progress.leaveOpen(d.offset());
              err.printf(
                  "skipped %s (key %s): replayed %d times already (--max-replays %d)%n",
                  d.coordinates(), d.id(), d.replayCount(), maxReplays);
              continue;
            }
            if (d.sourceTopic() == null) {
              failed++;
              progress.leaveOpen(d.offset());
              err.printf(
                  "cannot replay %s: it has no %s header%n", d.coordinates(), DlqHeaders.TOPIC);
              continue;
            }
            if (dryRun) {
              out.printf(
                  "would send %s (key %s, %s) to %s%n",
                  d.coordinates(), d.id(), d.category(), d.sourceTopic());
              sent++;
              continue;
            }
            if (full || !progress.canRemember(d.offset())) {
              full = true;
              progress.leaveOpen(d.offset());
              continue;
            }
            pendingSends.add(Map.entry(d, producer.send(replayRecord(d))));
          }
        }
        if (dryRun) {
          continue;
        }
        producer.flush();
        for (var e : pendingSends) {
          try {
            e.getValue().get(60, TimeUnit.SECONDS);
            progress.markHandled(e.getKey().offset());
            sent++;
            if (sent % 1000 == 0) {
              err.printf("... %d sent%n", sent);
            }
          } catch (Exception ex) {
            failed++;
            progress.leaveOpen(e.getKey().offset());
            String why = KafkaErrors.explain(ex, config.bootstrapServers());
            err.printf(
                "failed to send %s: %s%n",
                e.getKey().coordinates(), why != null ? why : ex.getMessage());
          }
        }
        if (full) {
          err.printf(
              "partition %d: stopped early, too many records left out by the filter in between; "
                  + "run again without filters or with a narrower time range%n",
              tp.partition());
        }
        ReplayProgress.Commit c2 = progress.finish(end.get(tp));
        commits.put(tp, new OffsetAndMetadata(c2.offset(), c2.metadata()));
      }
      if (!dryRun) {
        consumer.commitSync(commits);
      }
    }
    return new ReplaySummary(sent, skipped, failed, notMatching, already, histogram);
  }

  static ProducerRecord<byte[], byte[]> replayRecord(DlqRecord d) {
    var headers = new RecordHeaders();
    for (var h : d.headers()) {
      if (!DlqHeaders.isOurs(h.key()) && !h.key().equals(DlqHeaders.REPLAY_COUNT)) {
        headers.add(h.key(), h.value());
      }
    }
    headers.add(
        DlqHeaders.REPLAY_COUNT,
        Integer.toString(d.replayCount() + 1).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(d.sourceTopic(), null, d.key(), d.value(), headers);
  }

  /** Per partition, the offset before which records would be (or were) deleted, and how many. */
  public record PurgePlan(Map<Integer, Long> before, Map<Integer, Long> count) {
    public long total() {
      return count.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Plans a purge up to {@code before}: {@code P:O} (partition P, offsets below O), {@code O}
   * (every partition), or a time (records that failed before it).
   */
  public PurgePlan planPurge(String before, Instant time) {
    try (var consumer = DlqReader.consumer(config, null)) {
      List<TopicPartition> parts = DlqReader.partitions(consumer, config);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      Map<Integer, Long> target = new LinkedHashMap<>();
      if (time != null) {
        Map<Integer, Long> firstAfter = new HashMap<>();
        DlqReader.readAll(
            config,
            r -> {
              if (!DlqRecord.of(r).failedAt().isBefore(time)) {
                firstAfter.merge(r.partition(), r.offset(), Math::min);
              }
            });
        for (TopicPartition tp : parts) {
          target.put(tp.partition(), firstAfter.getOrDefault(tp.partition(), end.get(tp)));
        }
      } else if (before.contains(":")) {
        String[] po = before.split(":");
        int p = Integer.parseInt(po[0]);
        if (parts.stream().noneMatch(tp -> tp.partition() == p)) {
          throw new IllegalArgumentException("partition " + p + " does not exist in " + topic);
        }
        target.put(p, Long.parseLong(po[1]));
      } else {
        long o = Long.parseLong(before);
        parts.forEach(tp -> target.put(tp.partition(), o));
      }
      Map<Integer, Long> count = new LinkedHashMap<>();
      Map<Integer, Long> clipped = new LinkedHashMap<>();
      for (var e : target.entrySet()) {
        var tp = new TopicPartition(topic, e.getKey());
        long t = Math.min(Math.max(e.getValue(), begin.get(tp)), end.get(tp));
        clipped.put(e.getKey(), t);
        count.put(e.getKey(), t - begin.get(tp));
      }
      return new PurgePlan(clipped, count);
    }
  }

  public void purge(PurgePlan plan) throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(config.clientProperties())) {
      Map<TopicPartition, RecordsToDelete> del = new HashMap<>();
      plan.before()
          .forEach(
              (p, o) -> del.put(new TopicPartition(topic, p), RecordsToDelete.beforeOffset(o)));
      admin.deleteRecords(del).all().get();
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        config.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }
}
