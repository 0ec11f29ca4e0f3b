package dev.weaviatesync.topology;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.FatalSinkException;
import dev.weaviatesync.sink.SinkAvailability;
import dev.weaviatesync.sink.UpsertObject;
import dev.weaviatesync.sink.WeaviateSink;
import dev.weaviatesync.stats.SyncStats;
import dev.weaviatesync.testing.InMemorySink;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weaviate.client6.v1.api.WeaviateApiException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology ({@link SyncTopology#build}) in a {@link TopologyTestDriver}, with a scripted
 * Weaviate ({@link ScriptedSink} around {@link InMemorySink}), commits, restarts and exactly-once
 * aborts emulated around the driver. One type ({@code ItemChanged}), one partition, one task.
 *
 * <h2>Commit points</h2>
 *
 * TopologyTestDriver commits after every {@code pipeInput} and every {@code advanceWallClockTime},
 * and never restores anything itself, so its own commits model nothing. A real worker under {@code
 * exactly_once_v2} commits every {@code commit.interval.ms} (100 ms): between two records or
 * punctuations, never inside one; the changelogged stores, the dead-letter records and the input
 * offsets of one commit become visible together. This harness therefore keeps its own commit point:
 * {@link #commit()} (called between steps, where the generated history says "a commit happens
 * here", and by a clean {@link #restart()}) snapshots the contents of {@code pending.<Type>} and
 * {@code versions.<Type>}, moves the dead-letter records produced so far to "committed", and
 * forgets the input records piped so far. An abort ({@link #abortAndRestart()}: a crash, or the
 * stream thread dying on {@link FatalSinkException}) drops the uncommitted dead-letter records,
 * restarts from the snapshot, and hands back the uncommitted input records for the caller to pipe
 * again: that is what a restarted worker reads again from the last committed offset. Writes to
 * Weaviate are not rolled back: they happened. Commits are placed at random and sparser than every
 * 100 ms, so an abort usually throws away several flushes' worth of work: more to redo than in
 * production, on purpose. A fatal error on a delete call lands between a flush's upsert call (done)
 * and its delete call: an abort in the middle of a flush. The driver itself runs {@code
 * at_least_once}; its own commits are never relied on.
 *
 * <h2>Restart</h2>
 *
 * A restarted task restores its stores from their changelogs <em>before</em> its processor's {@code
 * init} runs (which counts the pending writes). A new driver initialises its processor in the
 * constructor, so copying entries into its stores afterwards would be too late. Instead the
 * snapshot is written into the RocksDB stores of a fresh state directory (opened with test-utils'
 * {@link MockProcessorContext}, as a store unit test would) and the new driver opens that
 * directory: its processor starts on restored stores, as after a changelog restore.
 *
 * <h2>What this cannot show</h2>
 *
 * <ul>
 *   <li>One partition, one task, one thread, one type: no rebalance, no two tasks racing for an id.
 *   <li>Exactly-once machinery (transactional producer, fencing, the transaction timeout behind the
 *       flush deadline) and the changelog topics themselves (compaction, read_committed): the
 *       snapshot and the abort emulation stand for them.
 *   <li>Time: punctuations run only when the test advances the wall clock, so a flush never
 *       overlaps records; re-read records are piped in one burst before the next flush; crashes
 *       fall between steps. The flush deadline, {@code deleted.retention.ms} and the purge of
 *       deleted ids are never reached.
 *   <li>Weaviate down: runs of transient errors are always shorter than the retry budget, so the
 *       outage path (pause, background probe, resume) and the poison-batch bisection of transient
 *       errors are not taken; {@link ScriptedSink#isReady()} is always true, so a key refused while
 *       paused is not either. Deletes are never refused per object.
 *   <li>Records near the size limit ({@code TOO_LARGE}, shortened dead-letter headers), vectors,
 *       and the dead-letter headers beyond the category and the delivery they name.
 * </ul>
 */
final class TopologyHarness implements AutoCloseable {
  static final String TYPE = "ItemChanged";
  static final String TOPIC = "item-changed";
  static final String COLLECTION = "Item";
  static final String PENDING = "pending." + TYPE;
  static final String VERSIONS = "versions." + TYPE;

  /**
   * Header naming one delivery of a record; dead-letter records keep it, so they say which delivery
   * failed.
   */
  static final String SEND_HEADER = "model.send";

  /** A dead-letter record: which delivery, which id (the key), which category. */
  record Dead(int send, String id, String category) {}

  final ScriptedSink sink = new ScriptedSink();
  final SyncStats stats = new SyncStats();
  private final SyncConfig config;
  private final Properties props;
  private final Path baseDir;
  private final SinkAvailability availability;
  private final SyncTopology.Services services;
  private TopologyTestDriver driver;
  private Path stateDir;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> dlqTopic;

  private Map<String, byte[]> committedPending = Map.of();
  private Map<String, byte[]> committedVersions = Map.of();
  private final List<TestRecord<byte[], byte[]>> uncommittedInputs = new ArrayList<>();
  private final List<Dead> dlqCommitted = new ArrayList<>();
  private final List<Dead> dlqUncommitted = new ArrayList<>();
  private int drivers;

  TopologyHarness(int flushMaxRecords, int retryMaxAttempts) {
    this.config =
        SyncConfig.of(
            Map.of(
                "types",
                TYPE,
                "flush.max.records",
                String.valueOf(flushMaxRecords),
                "flush.interval.ms",
                "1000",
                "retry.max.attempts",
                String.valueOf(retryMaxAttempts),
                "retry.initial.backoff.ms",
                "1",
                "retry.max.backoff.ms",
                "2"));
    this.props = config.streamsProperties();
    // The harness does the exactly-once emulation itself (see the class comment).
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    try {
      Path shm = Path.of("/dev/shm");
      this.baseDir =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "sync-model")
              : Files.createTempDirectory("sync-model");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.availability = new SinkAvailability(() -> true, Duration.ofMillis(50));
    this.services =
        new SyncTopology.Services(new BatchWriter(sink, config, stats), availability, stats);
    open(Map.of(), Map.of());
  }

  Duration flushInterval() {
    return config.flushInterval();
  }

  /** Number of drivers started: the first one plus one per restart. */
  int drivers() {
    return drivers;
  }

  // ---- input ---------------------------------------------------------------------------

  static TestRecord<byte[], byte[]> record(int send, String key, String value) {
    var headers = new RecordHeaders();
    headers.add(SEND_HEADER, String.valueOf(send).getBytes(StandardCharsets.UTF_8));
    return new TestRecord<>(
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        headers,
        (java.time.Instant) null);
  }

  static int send(TestRecord<byte[], byte[]> r) {
    return Integer.parseInt(
        new String(r.headers().lastHeader(SEND_HEADER).value(), StandardCharsets.UTF_8));
  }

  /** Pipes one record; returns the fatal sink error that stopped the stream thread, or null. */
  FatalSinkException pipe(TestRecord<byte[], byte[]> r, int step) {
    uncommittedInputs.add(r);
    sink.step = step;
    try {
      input.pipeInput(r);
      return null;
    } catch (RuntimeException e) {
      return fatalOrRethrow(e);
    } finally {
      drainDlq();
    }
  }

  /** One {@code flush.interval.ms} passes: the flush punctuation runs once. */
  FatalSinkException flush(int step) {
    sink.step = step;
    try {
      driver.advanceWallClockTime(config.flushInterval());
      return null;
    } catch (RuntimeException e) {
      return fatalOrRethrow(e);
    } finally {
      drainDlq();
    }
  }

  private static FatalSinkException fatalOrRethrow(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FatalSinkException f) {
        return f;
      }
    }
    throw e;
  }

  private void drainDlq() {
    while (!dlqTopic.isEmpty()) {
      var r = dlqTopic.readRecord();
      var h = r.headers().lastHeader(SEND_HEADER);
      dlqUncommitted.add(
          new Dead(
              h == null ? -1 : Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8)),
              r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
              DlqHeaders.text(r.headers(), DlqHeaders.CATEGORY)));
    }
  }

  // ---- commits, restarts, aborts -------------------------------------------------------------

  /** A commit point: stores, dead-letter records and input position become durable together. */
  void commit() {
    committedPending = contents(PENDING);
    committedVersions = contents(VERSIONS);
    dlqCommitted.addAll(dlqUncommitted);
    dlqUncommitted.clear();
    uncommittedInputs.clear();
  }

  /**
   * A clean restart (SIGTERM, rebalance): commit, close, a new task restores from the changelogs.
   */
  void restart() {
    commit();
    open(committedPending, committedVersions);
  }

  /**
   * A crash, or the stream thread dying on a fatal error: the uncommitted transaction is aborted
   * (its dead-letter records vanish, the stores are back at the last commit) and a new task starts
   * from there. Returns the input records it reads again, in order; the caller pipes them.
   */
  List<TestRecord<byte[], byte[]>> abortAndRestart() {
    dlqUncommitted.clear();
    var again = List.copyOf(uncommittedInputs);
    uncommittedInputs.clear();
    open(committedPending, committedVersions);
    return again;
  }

  /**
   * The value of one id in one of the task's stores ({@link #PENDING}, {@link #VERSIONS}), or null.
   */
  byte[] storeValue(String store, String id) {
    return driver.<String, byte[]>getKeyValueStore(store).get(id);
  }

  private Map<String, byte[]> contents(String store) {
    var out = new LinkedHashMap<String, byte[]>();
    try (var it = driver.<String, byte[]>getKeyValueStore(store).all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }

  private void open(Map<String, byte[]> pending, Map<String, byte[]> versions) {
    closeDriver();
    try {
      stateDir = Files.createTempDirectory(baseDir, "state");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    if (!pending.isEmpty() || !versions.isEmpty()) {
      // <state.dir>/<application.id>/<task>/rocksdb/<store>: where the new driver's task opens
      // them.
      var taskDir =
          new File(
              stateDir.toFile(), props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "/0_0");
      var context = new MockProcessorContext<Object, Object>(props, new TaskId(0, 0), taskDir);
      load(context, PENDING, pending);
      load(context, VERSIONS, versions);
    }
    driver = new TopologyTestDriver(SyncTopology.build(config, services), props);
    drivers++;
    input = driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
    dlqTopic =
        driver.createOutputTopic(
            config.dlqTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static void load(
      MockProcessorContext<Object, Object> context, String name, Map<String, byte[]> entries) {
    var store = Stores.persistentKeyValueStore(name).get();
    store.init(context.getStateStoreContext(), store);
    try {
      entries.forEach((k, v) -> store.put(Bytes.wrap(k.getBytes(StandardCharsets.UTF_8)), v));
      store.commit(Map.of());
    } finally {
      store.close();
    }
  }

  private void closeDriver() {
    if (driver == null) {
      return;
    }
    try {
      driver.close();
    } catch (RuntimeException e) {
      // A driver whose stream thread "died" may not close cleanly; its state is discarded anyway.
    }
    driver = null;
    deleteTree(stateDir);
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  // ---- outcome -------------------------------------------------------------------------------

  /** Committed dead-letter records (call {@link #commit()} first for all of them). */
  List<Dead> deadLetters() {
    return List.copyOf(dlqCommitted);
  }

  Map<String, Object> weaviate(String id) {
    UpsertObject o = sink.store.collection(COLLECTION).get(id);
    return o == null ? null : o.properties();
  }

  @Override
  public void close() {
    closeDriver();
    availability.close();
    deleteTree(baseDir);
  }

  /**
   * Weaviate for the model test: an {@link InMemorySink} that (1) rejects objects carrying a
   * property {@code p1}/{@code p2} until the schema gets it ({@link #fix}), like the README's
   * worked example, refuses every batch holding an object with {@code p3} (gRPC {@code
   * INVALID_ARGUMENT}), and fails every object with {@code p4} with "not enough memory"; (2) fails
   * transiently on demand, at most {@code retry.max.attempts - 1} calls in a row, so the retry
   * always succeeds; (3) refuses the credentials (gRPC {@code UNAUTHENTICATED}) from an armed point
   * until the harness fixes them; (4) logs every object write with the step it happened in.
   */
  static final class ScriptedSink implements WeaviateSink {
    enum Transient {
      BATCH,
      OBJECTS
    }

    final InMemorySink store = new InMemorySink();
    final List<ReferenceModel.Write> writes = new ArrayList<>();
    private final Deque<Transient> transients = new ArrayDeque<>();
    private final Set<Integer> fixed = new HashSet<>();
    private ReferenceModel.FatalArm fatal = ReferenceModel.FatalArm.NONE;
    int step;
    int calls;

    void armFatal(ReferenceModel.FatalArm arm) {
      fatal = arm;
    }

    void disarmFatal() {
      fatal = ReferenceModel.FatalArm.NONE;
    }

    /** The next {@code n} calls fail transiently; never more than {@code limit} queued. */
    void failTransiently(Transient kind, int n, int limit) {
      for (int i = 0; i < n && transients.size() < limit; i++) {
        transients.add(kind);
      }
    }

    void fix(int marker) {
      fixed.add(marker);
    }

    private Map<String, String> scripted(List<String> ids, boolean delete) {
      calls++;
      if (fatal == ReferenceModel.FatalArm.NEXT_CALL
          || delete && fatal == ReferenceModel.FatalArm.NEXT_DELETE_CALL) {
        throw WeaviateApiException.gRPC(
            new StatusRuntimeException(Status.UNAUTHENTICATED.withDescription("invalid api key")));
      }
      Transient t = transients.poll();
      if (t == Transient.BATCH) {
        throw new UncheckedIOException(new IOException("connection reset by peer"));
      }
      if (t == Transient.OBJECTS) {
        var errors = new LinkedHashMap<String, String>();
        ids.forEach(id -> errors.put(id, "not enough memory"));
        return errors;
      }
      return null;
    }

    @Override
    public Map<String, String> upsert(String collection, List<UpsertObject> objects) {
      var failed = scripted(objects.stream().map(UpsertObject::id).toList(), false);
      if (failed != null) {
        return failed;
      }
      if (objects.stream().anyMatch(o -> o.properties().containsKey("p" + ReferenceModel.POISON))) {
        throw WeaviateApiException.gRPC(
            new StatusRuntimeException(
                Status.INVALID_ARGUMENT.withDescription(
                    "batch refused: invalid value for property 'p" + ReferenceModel.POISON + "'")));
      }
      store.rejectIds.clear();
      for (UpsertObject o : objects) {
        for (String p : o.properties().keySet()) {
          if (!p.startsWith("p")) {
            continue;
          }
          int marker = Integer.parseInt(p.substring(1));
          if (marker == ReferenceModel.ALWAYS_TRANSIENT) {
            store.rejectIds.put(o.id(), "not enough memory");
          } else if (!fixed.contains(marker)) {
            store.rejectIds.put(
                o.id(), "no such prop with name '" + p + "' found in class '" + collection + "'");
          }
        }
      }
      Map<String, String> errors = store.upsert(collection, objects);
      for (UpsertObject o : objects) {
        if (!errors.containsKey(o.id())) {
          writes.add(
              new ReferenceModel.Write(step, o.id(), ReferenceModel.Op.UPSERT, o.properties()));
        }
      }
      return errors;
    }

    @Override
    public Map<String, String> delete(String collection, List<String> ids) {
      var failed = scripted(ids, true);
      if (failed != null) {
        return failed;
      }
      Map<String, String> errors = store.delete(collection, ids);
      for (String id : ids) {
        if (!errors.containsKey(id)) {
          writes.add(new ReferenceModel.Write(step, id, ReferenceModel.Op.DELETE, null));
        }
      }
      return errors;
    }

    @Override
    public boolean isReady() {
      return true;
    }
  }
}
