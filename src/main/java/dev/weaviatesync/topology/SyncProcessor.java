package dev.weaviatesync.topology;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.event.Op;
import dev.weaviatesync.sink.Failure;
import dev.weaviatesync.sink.UpsertObject;
import dev.weaviatesync.sink.WriteReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the worker, one instance per task (input partition) and entity type.
 *
 * <ol>
 *   <li>Parse and validate; a record that breaks the contract goes to the dead-letter topic at once.
 *   <li>Version guard: an event older than what is pending or was last written for its id is
 *       dropped; a delete is not undone by an older (or equal-version) upsert.
 *   <li>Dedupe: the pending store holds one entry per id, the latest accepted event.
 *   <li>Flush when {@code flush.max.records} ids are pending or every {@code flush.interval.ms}:
 *       one batch upsert and one batch delete; ids are distinct, so an upsert and a delete of the
 *       same id never race. Each per-object result is checked; written ids update the version store.
 * </ol>
 *
 * <p>Pending entries live in a changelogged store and are only removed once written or
 * dead-lettered, so a crash or an outage of Weaviate loses nothing.
 */
final class SyncProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(SyncProcessor.class);

  private final SyncConfig config;
  private final EntityType type;
  private final SyncTopology.Runtime runtime;
  private final EventParser parser;

  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> pending;
  private KeyValueStore<String, byte[]> versions;
  private int pendingCount;

  SyncProcessor(SyncConfig config, EntityType type, SyncTopology.Runtime runtime) {
    this.config = config;
    this.type = type;
    this.runtime = runtime;
    this.parser = new EventParser(config.types().stream().map(EntityType::name).collect(Collectors.toSet()));
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.pending = context.getStateStore(SyncTopology.pendingStore(type));
    this.versions = context.getStateStore(SyncTopology.versionsStore(type));
    try (var it = pending.all()) {
      while (it.hasNext()) {
        it.next();
        pendingCount++;
      }
    }
    if (pendingCount > 0) {
      log.info("{} task {}: {} pending writes restored", type.name(), context.taskId(), pendingCount);
    }
    context.schedule(config.flushInterval(), PunctuationType.WALL_CLOCK_TIME, ts -> flush());
    Duration purgeEvery = Duration.ofMillis(Math.max(1000, Math.min(config.deletedRetention().toMillis() / 4,
        Duration.ofHours(1).toMillis())));
    context.schedule(purgeEvery, PunctuationType.WALL_CLOCK_TIME, this::purgeDeleted);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    runtime.stats().countEventIn(type.name());
    var meta = context.recordMetadata().orElseThrow();
    var source = new DlqHeaders.Source(meta.topic(), meta.partition(), meta.offset());
    ChangeEvent event;
    try {
      event = parser.parse(record.key(), record.value(), type.name());
    } catch (InvalidEventException e) {
      log.debug("{}: invalid record at {}-{}@{}: {}", type.name(), source.topic(), source.partition(), source.offset(),
          e.getMessage());
      deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), source, Failure.INVALID_EVENT, e, 0);
      return;
    }
    String id = event.id();
    PendingWrite existing = PendingWrite.decode(pending.get(id));
    WrittenVersion written = WrittenVersion.decode(versions.get(id));
    if (isStale(event, existing, written)) {
      runtime.stats().countStale();
      log.debug("{} {}: version {} is older than what is known; dropped", type.name(), id, event.version());
      return;
    }
    if (existing != null) {
      runtime.stats().countDeduped();
    } else {
      pendingCount++;
    }
    pending.put(id, new PendingWrite(event.op(), event.version(), source.topic(), source.partition(), source.offset(),
        record.timestamp(), record.key(), record.value(), record.headers()).encode());
    if (pendingCount >= config.flushMaxRecords()) {
      flush();
    }
  }

  /**
   * Stale: older than the pending or written version of the id, or an upsert with the version of a
   * delete (deletes stick). Events without a version are never stale.
   */
  static boolean isStale(ChangeEvent e, PendingWrite pending, WrittenVersion written) {
    if (e.version() == null) {
      return false;
    }
    long v = e.version();
    if (pending != null && pending.version() != null) {
      if (v < pending.version() || v == pending.version() && pending.op() == Op.DELETE && e.op() == Op.UPSERT) {
        return true;
      }
    }
    if (written != null && written.version() >= 0) {
      return v < written.version() || v == written.version() && written.deleted() && e.op() == Op.UPSERT;
    }
    return false;
  }

  private void flush() {
    if (pendingCount == 0 || runtime.availability().isDown()) {
      return;
    }
    var all = new ArrayList<KeyValue<String, PendingWrite>>(pendingCount);
    try (var it = pending.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        all.add(KeyValue.pair(kv.key, PendingWrite.decode(kv.value)));
      }
    }
    int max = config.flushMaxRecords();
    for (int from = 0; from < all.size(); from += max) {
      if (!writeBatch(all.subList(from, Math.min(all.size(), from + max)))) {
        return;
      }
    }
  }

  /** Writes one batch of distinct ids; false when Weaviate turned out to be unavailable. */
  private boolean writeBatch(List<KeyValue<String, PendingWrite>> batch) {
    long started = System.nanoTime();
    Map<String, PendingWrite> byId = new LinkedHashMap<>();
    var upserts = new ArrayList<UpsertObject>();
    var deletes = new ArrayList<String>();
    for (var kv : batch) {
      PendingWrite w = kv.value;
      byId.put(kv.key, w);
      if (w.op() == Op.DELETE) {
        deletes.add(kv.key);
        continue;
      }
      try {
        ChangeEvent e = parser.parse(w.key(), w.value(), type.name());
        upserts.add(new UpsertObject(kv.key, PropertyValues.toMap(e.properties()), e.vector()));
      } catch (InvalidEventException e) {
        // Cannot happen for an entry that passed validation; dead-letter it rather than lose it.
        removePending(kv.key);
        deadLetter(w, Failure.INVALID_EVENT, e, 0);
      }
    }
    WriteReport report = runtime.writer().write(type.collection(), upserts, deletes);
    long now = System.currentTimeMillis();
    int upserted = 0;
    int deleted = 0;
    for (String id : report.written()) {
      PendingWrite w = byId.get(id);
      WrittenVersion before = WrittenVersion.decode(versions.get(id));
      long version = Math.max(before == null ? -1 : before.version(), w.version() == null ? -1 : w.version());
      versions.put(id, new WrittenVersion(version, w.op() == Op.DELETE, now).encode());
      removePending(id);
      if (w.op() == Op.DELETE) {
        deleted++;
      } else {
        upserted++;
      }
    }
    for (var f : report.failed().entrySet()) {
      PendingWrite w = byId.get(f.getKey());
      removePending(f.getKey());
      deadLetter(w, f.getValue().category(), f.getValue().error(), f.getValue().attempts());
    }
    runtime.stats().countWritten(upserted);
    runtime.stats().countDeleted(deleted);
    runtime.stats().countFlush(upserted + deleted + report.failed().size(),
        java.time.Duration.ofNanos(System.nanoTime() - started));
    log.debug("{} task {}: flushed {} upserts, {} deletes, {} failed, {} retries in {} ms", type.name(),
        context.taskId(), upserted, deleted, report.failed().size(), report.retries(),
        (System.nanoTime() - started) / 1_000_000);
    if (report.outage() != null) {
      runtime.availability().markDown(report.outage());
      return false;
    }
    return true;
  }

  private void removePending(String id) {
    if (pending.delete(id) != null) {
      pendingCount--;
    }
  }

  private void purgeDeleted(long nowMs) {
    long cutoff = nowMs - config.deletedRetention().toMillis();
    var expired = new ArrayList<String>();
    try (var it = versions.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        WrittenVersion v = WrittenVersion.decode(kv.value);
        if (v.deleted() && v.writtenAtMs() < cutoff) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(versions::delete);
    if (!expired.isEmpty()) {
      log.debug("{} task {}: forgot {} deleted ids past {}", type.name(), context.taskId(), expired.size(),
          config.deletedRetention());
    }
  }

  private void deadLetter(PendingWrite w, Failure category, Throwable error, int attempts) {
    deadLetter(w.key(), w.value(), w.headers(), w.timestamp(),
        new DlqHeaders.Source(w.topic(), w.partition(), w.offset()), category, error, attempts);
  }

  private void deadLetter(byte[] key, byte[] value, Headers headers, long timestamp, DlqHeaders.Source source,
      Failure category, Throwable error, int attempts) {
    Headers h = DlqHeaders.build(headers, source, category, error, attempts, type.collection(), type.name(),
        Instant.now());
    context.forward(new Record<>(key, value, timestamp, h), SyncTopology.dlqSinkName(type));
    runtime.stats().countDlq(category.name());
    log.warn("{} record {}-{}@{} (key {}) sent to the dead-letter topic: {} {}", type.name(), source.topic(),
        source.partition(), source.offset(), key == null ? "null" : abbreviate(new String(key, StandardCharsets.UTF_8)),
        category, error.getMessage());
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  @Override
  public void close() {
    // Pending writes stay in the store; the next owner of this task flushes them.
  }
}
