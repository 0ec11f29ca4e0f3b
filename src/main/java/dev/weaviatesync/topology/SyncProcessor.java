package dev.weaviatesync.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.weaviatesync.Text;
import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.event.Op;
import dev.weaviatesync.sink.Deadline;
import dev.weaviatesync.sink.Failure;
import dev.weaviatesync.sink.UpsertObject;
import dev.weaviatesync.sink.WriteReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 *   <li>Parse and validate; a record that breaks the contract goes to the dead-letter topic at
 *       once.
 *   <li>Version guard ({@link #guard}): an event older than the highest version known for its id is
 *       dropped, a repeat of it is a no-op, a delete is not undone by an older (or equal-version)
 *       upsert; an event without a version inherits the highest known version.
 *   <li>Dedupe: the pending store holds one entry per id, the latest accepted event.
 *   <li>Flush when {@code flush.max.records} ids are pending or every {@code flush.interval.ms}:
 *       one batch upsert and one batch delete; ids are distinct, so an upsert and a delete of the
 *       same id never race. Each per-object result is checked; written ids update the version
 *       store.
 * </ol>
 *
 * <p>Pending entries live in a changelogged store and are only removed once written or
 * dead-lettered, so a crash or an outage of Weaviate loses nothing.
 */
final class SyncProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(SyncProcessor.class);

  private final SyncConfig config;
  private final EntityType type;
  private final SyncTopology.Services services;
  private final EventParser parser;

  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> pending;
  private KeyValueStore<String, byte[]> versions;
  private int pendingCount;

  /**
   * Pending upserts as {@link #process} parsed them, so that a flush does not parse and validate
   * each one a second time. An entry serves only while its id's pending write is still the record
   * it was parsed from; writes restored from the changelog (a restart, a rebalance) are not here
   * and are parsed by the flush. At most {@code flush.max.records} entries: beyond, the flush
   * parses.
   */
  private final Map<String, Parsed> parsed = new HashMap<>();

  private record Parsed(DlqHeaders.Source source, UpsertObject upsert) {}

  SyncProcessor(SyncConfig config, EntityType type, SyncTopology.Services services) {
    this.config = config;
    this.type = type;
    this.services = services;
    this.parser =
        new EventParser(config.types().stream().map(EntityType::name).collect(Collectors.toSet()));
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.pending = context.getStateStore(SyncTopology.pendingStore(type));
    this.versions = context.getStateStore(SyncTopology.versionsStore(type));
    parsed.clear();
    pendingCount = 0;
    try (var it = pending.all()) {
      while (it.hasNext()) {
        it.next();
        pendingCount++;
      }
    }
    if (pendingCount > 0) {
      log.info(
          "{} task {}: {} pending writes restored", type.name(), context.taskId(), pendingCount);
    }
    context.schedule(config.flushInterval(), PunctuationType.WALL_CLOCK_TIME, ts -> flush());
    Duration purgeEvery =
        Duration.ofMillis(
            Math.max(
                1000,
                Math.min(
                    config.deletedRetention().toMillis() / 4, Duration.ofHours(1).toMillis())));
    context.schedule(purgeEvery, PunctuationType.WALL_CLOCK_TIME, this::purgeDeleted);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    services.stats().countEventIn(type.name());
    var meta = context.recordMetadata().orElseThrow();
    var source = new DlqHeaders.Source(meta.topic(), meta.partition(), meta.offset());
    ChangeEvent event;
    try {
      event = parser.parse(record.key(), record.value(), type.name());
    } catch (InvalidEventException e) {
      log.debug(
          "{}: invalid record at {}-{}@{}: {}",
          type.name(),
          source.topic(),
          source.partition(),
          source.offset(),
          e.getMessage());
      deadLetter(
          record.key(),
          record.value(),
          record.headers(),
          record.timestamp(),
          source,
          Failure.INVALID_EVENT,
          e,
          0);
      return;
    }
    String id = event.id();
    PendingWrite existing = PendingWrite.decode(pending.get(id));
    WrittenVersion written = WrittenVersion.decode(versions.get(id));
    Header repair = record.headers().lastHeader(SyncTopology.REPAIR_HEADER);
    Verdict verdict =
        repair == null
            ? guard(event, existing, written)
            : repairGuard(
                new String(repair.value() == null ? new byte[0] : repair.value(), UTF_8),
                existing,
                written);
    switch (verdict) {
      case SUPERSEDED -> {
        services.stats().countStale();
        log.debug(
            "{} {}: repair of a state that is no longer the latest; dropped", type.name(), id);
        return;
      }
      case STALE -> {
        services.stats().countStale();
        log.debug(
            "{} {}: version {} is older than what is known; dropped",
            type.name(),
            id,
            event.version());
        return;
      }
      case REPEATED -> {
        services.stats().countRepeated();
        log.debug(
            "{} {}: version {} repeats what is pending or written; nothing to do",
            type.name(),
            id,
            event.version());
        return;
      }
      case ACCEPT -> {}
    }
    // An event without a version inherits the highest version known for its id, so that a tombstone
    // sticks against everything it followed (a late replay of an older upsert stays stale).
    Long version = event.version() != null ? event.version() : highestKnown(existing, written);
    var write =
        new PendingWrite(
            event.op(),
            version,
            source.topic(),
            source.partition(),
            source.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            record.headers());
    byte[] encoded = write.encode();
    // The changelog copy of a pending write is the record plus its own framing: a record that was
    // legal on its input topic can be too large for it, and a refused changelog send would kill
    // the stream thread on this record again after every restart.
    // Once written, the event is kept again as the id's state in the versions store.
    long changelogBytes =
        DlqHeaders.size(id.getBytes(StandardCharsets.UTF_8), encoded, new RecordHeaders())
            + WrittenVersion.overheadBytes();
    if (changelogBytes > services.maxChangelogRecordBytes()) {
      // Its state cannot be kept either: verify reports the id as unverifiable.
      versions.put(
          id,
          new WrittenVersion(
                  Math.max(
                      written == null ? -1 : written.version(), version == null ? -1 : version),
                  write.op() == Op.DELETE,
                  true,
                  System.currentTimeMillis(),
                  null)
              .encode());
      if (existing != null) {
        removePending(id);
      }
      deadLetter(
          write,
          Failure.TOO_LARGE,
          new RecordTooLargeException(
              "the record is "
                  + changelogBytes
                  + " bytes as a pending write, more than the "
                  + services.maxChangelogRecordBytes()
                  + " bytes the worker's "
                  + "changelog accepts (max.message.bytes of its changelog topics, kafka.producer.max.request.size)"),
          0);
      return;
    }
    if (existing != null) {
      services.stats().countDeduped();
    } else {
      pendingCount++;
    }
    pending.put(id, encoded);
    if (event.op() == Op.UPSERT
        && (parsed.containsKey(id) || parsed.size() < config.flushMaxRecords())) {
      var upsert = new UpsertObject(id, PropertyValues.toMap(event.properties()), event.vector());
      parsed.put(id, new Parsed(source, upsert));
    } else {
      parsed.remove(id);
    }
    if (pendingCount >= config.flushMaxRecords()) {
      flush();
    }
  }

  /** What the version guard says of an event. */
  enum Verdict {
    ACCEPT,
    STALE,
    REPEATED,
    /** A repair ({@code resync}) of a state that is no longer the id's latest. */
    SUPERSEDED
  }

  /**
   * The guard for a repair record (published by {@code resync}, header {@link
   * SyncTopology#REPAIR_HEADER}): it names the state it repairs, the source ({@code
   * topic:partition:offset}) of the event verify found to be the id's latest, or {@code none} for
   * an id the worker knows nothing of. It is applied only while that is still so: then the write is
   * made again whatever the version guard would say of a repeat; once anything newer was accepted,
   * the repair is dropped and the newer state stands. A repair therefore never undoes a newer
   * write, and it goes through this id's single writer, in this partition's order.
   */
  static Verdict repairGuard(String repairOf, PendingWrite pending, WrittenVersion written) {
    String current;
    if (pending != null) {
      current = pending.source();
    } else if (written != null) {
      current = written.state() == null ? "unknown" : written.state().source();
    } else {
      current = SyncTopology.REPAIR_OF_NOTHING;
    }
    return current.equals(repairOf) ? Verdict.ACCEPT : Verdict.SUPERSEDED;
  }

  /**
   * The version guard (README, "Version guard"). H is the highest version known for the id: that of
   * the pending event, else that of the last one written or dead-lettered. An event with version
   * {@code v < H} is stale; {@code v == H} is stale for an UPSERT after a DELETE, accepted for a
   * DELETE after an UPSERT, and a repeat of the same op is a no-op unless that event was
   * dead-lettered (a replay applies it again). Events without a version are always accepted.
   */
  static Verdict guard(ChangeEvent e, PendingWrite pending, WrittenVersion written) {
    Long h = highestKnown(pending, written);
    if (e.version() == null || h == null) {
      return Verdict.ACCEPT;
    }
    long v = e.version();
    if (v != h) {
      return v < h ? Verdict.STALE : Verdict.ACCEPT;
    }
    // Pending events always carry the highest version (accepted ones have v >= H or inherit H).
    boolean latestIsDelete = pending != null ? pending.op() == Op.DELETE : written.deleted();
    boolean deadLettered = pending == null && written.deadLettered();
    if (latestIsDelete) {
      return e.op() == Op.UPSERT ? Verdict.STALE : deadLettered ? Verdict.ACCEPT : Verdict.REPEATED;
    }
    return e.op() == Op.DELETE || deadLettered ? Verdict.ACCEPT : Verdict.REPEATED;
  }

  /** The highest version known for an id, or null when none of its events carried one. */
  static Long highestKnown(PendingWrite pending, WrittenVersion written) {
    long h =
        Math.max(
            pending == null || pending.version() == null ? -1 : pending.version(),
            written == null ? -1 : written.version());
    return h < 0 ? null : h;
  }

  private void flush() {
    if (pendingCount == 0 || services.availability().isDown()) {
      return;
    }
    var all = new ArrayList<KeyValue<String, PendingWrite>>(pendingCount);
    try (var it = pending.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        all.add(KeyValue.pair(kv.key, PendingWrite.decode(kv.value)));
      }
    }
    // One deadline for the whole flush, however many batches and retries it takes: the stream
    // thread must get back to Kafka before the transaction times out (see
    // SyncConfig#flushDeadline).
    Deadline deadline = Deadline.after(config.flushDeadline());
    int max = config.flushMaxRecords();
    for (int from = 0; from < all.size(); from += max) {
      if (!writeBatch(all.subList(from, Math.min(all.size(), from + max)), deadline)) {
        return;
      }
    }
  }

  /** Writes one batch of distinct ids; false when Weaviate is unavailable or the deadline came. */
  private boolean writeBatch(List<KeyValue<String, PendingWrite>> batch, Deadline deadline) {
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
      Parsed p = parsed.get(kv.key);
      if (p != null
          && p.source().equals(new DlqHeaders.Source(w.topic(), w.partition(), w.offset()))) {
        upserts.add(p.upsert());
        continue;
      }
      try {
        ChangeEvent e = parser.parse(w.key(), w.value(), type.name());
        upserts.add(new UpsertObject(kv.key, PropertyValues.toMap(e.properties()), e.vector()));
      } catch (InvalidEventException e) {
        // Cannot happen for an entry that passed validation; dead-letter it rather than lose it.
        remember(kv.key, w, true, System.currentTimeMillis());
        removePending(kv.key);
        deadLetter(w, Failure.INVALID_EVENT, e, 0);
      }
    }
    WriteReport report = services.writer().write(type.collection(), upserts, deletes, deadline);
    long now = System.currentTimeMillis();
    int upserted = 0;
    int deleted = 0;
    for (String id : report.written()) {
      PendingWrite w = byId.get(id);
      remember(id, w, false, now);
      removePending(id);
      if (w.op() == Op.DELETE) {
        deleted++;
      } else {
        upserted++;
      }
    }
    for (var f : report.failed().entrySet()) {
      PendingWrite w = byId.get(f.getKey());
      remember(f.getKey(), w, true, now);
      removePending(f.getKey());
      deadLetter(w, f.getValue().failure(), f.getValue(), f.getValue().attempts());
    }
    services.stats().countWritten(upserted);
    services.stats().countDeleted(deleted);
    services
        .stats()
        .countFlush(
            upserted + deleted + report.failed().size(),
            java.time.Duration.ofNanos(System.nanoTime() - started));
    log.debug(
        "{} task {}: flushed {} upserts, {} deletes, {} failed, {} retries in {} ms",
        type.name(),
        context.taskId(),
        upserted,
        deleted,
        report.failed().size(),
        report.retries(),
        (System.nanoTime() - started) / 1_000_000);
    if (report.outage() != null) {
      services.availability().markDown(report.outage());
      return false;
    }
    if (report.outOfTime()) {
      log.info(
          "{} task {}: flush deadline ({}) reached; {} writes stay pending for the next flush",
          type.name(),
          context.taskId(),
          config.flushDeadline(),
          pendingCount);
      return false;
    }
    return true;
  }

  /**
   * Records what became of an id's pending event. A dead-lettered one is remembered too: its
   * version still orders what follows (a tombstone after it inherits it), and a replay of it is
   * applied.
   */
  private void remember(String id, PendingWrite w, boolean deadLettered, long now) {
    WrittenVersion before = WrittenVersion.decode(versions.get(id));
    long version =
        Math.max(before == null ? -1 : before.version(), w.version() == null ? -1 : w.version());
    versions.put(
        id, new WrittenVersion(version, w.op() == Op.DELETE, deadLettered, now, w).encode());
  }

  private void removePending(String id) {
    parsed.remove(id);
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
      log.debug(
          "{} task {}: forgot {} deleted ids past {}",
          type.name(),
          context.taskId(),
          expired.size(),
          config.deletedRetention());
    }
  }

  private void deadLetter(PendingWrite w, Failure failure, Throwable error, int attempts) {
    deadLetter(
        w.key(),
        w.value(),
        w.headers(),
        w.timestamp(),
        new DlqHeaders.Source(w.topic(), w.partition(), w.offset()),
        failure,
        error,
        attempts);
  }

  private void deadLetter(
      byte[] key,
      byte[] value,
      Headers headers,
      long timestamp,
      DlqHeaders.Source source,
      Failure failure,
      Throwable error,
      int attempts) {
    Headers built =
        DlqHeaders.build(
            headers,
            source,
            failure,
            error,
            attempts,
            type.collection(),
            type.name(),
            Instant.now());
    var fitting = DlqHeaders.fit(key, value, built, services.maxDlqRecordBytes());
    if (fitting.isEmpty()) {
      // Even the bare record exceeds what the dead-letter topic takes. Sending it would fail the
      // stream thread on this record after every restart (a crash loop stopping every type), so it
      // is left where it is, on its input topic, and said so loudly.
      services.stats().countUnsendable();
      log.error(
          "{} record {}-{}@{} ({} bytes) cannot be dead-lettered: larger than the {} bytes the dead-letter "
              + "topic accepts; it stays on its input topic at that offset. Reason it failed: {} {}",
          type.name(),
          source.topic(),
          source.partition(),
          source.offset(),
          DlqHeaders.size(key, value, headers),
          services.maxDlqRecordBytes(),
          failure.category(),
          error.getMessage());
      return;
    }
    context.forward(
        new Record<>(key, value, timestamp, fitting.get()), SyncTopology.dlqSinkName(type));
    services.stats().countDlq(failure);
    String shownKey =
        key == null ? "null" : Text.abbreviate(new String(key, StandardCharsets.UTF_8), 64);
    log.warn(
        "{} record {}-{}@{} (key {}) sent to the dead-letter topic: {} {}",
        type.name(),
        source.topic(),
        source.partition(),
        source.offset(),
        shownKey,
        failure.category(),
        error.getMessage());
  }

  @Override
  public void close() {
    // Pending writes stay in the store; the next owner of this task flushes them.
  }
}
