package dev.weaviatesync.convergence;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.topology.SyncTopology;
import dev.weaviatesync.topology.WrittenVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The source of truth of one type, read from the worker's versions-store changelog (compacted,
 * keyed by id, the latest accepted event of each id) into a temporary on-disk RocksDB, so that it
 * can be walked in id order (the order of Weaviate's cursor) with bounded memory however many ids
 * there are. Read with {@code read_committed}: only what the worker committed.
 */
public final class StateSnapshot implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private final String topic;
  private final Properties consumerProps;
  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
  private Map<TopicPartition, Long> readTo = Map.of();

  /** Removes the temporary store when the JVM ends before {@link #close} (Ctrl-C, SIGTERM). */
  private final Thread cleanup;

  private StateSnapshot(String topic, Properties consumerProps, Path dir) throws RocksDBException {
    this.topic = topic;
    this.consumerProps = consumerProps;
    this.dir = dir;
    this.options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(16L << 20)
            .setMaxWriteBufferNumber(2);
    this.db = RocksDB.open(options, dir.toString());
    this.cleanup = new Thread(() -> deleteTree(dir));
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Reads the whole state of {@code type} as committed now.
   *
   * @throws StateUnavailableException when the changelog does not exist (the worker never ran with
   *     this {@code application.id})
   */
  public static StateSnapshot read(SyncConfig config, EntityType type, Progress progress)
      throws IOException {
    String topic = SyncTopology.stateTopic(config.applicationId(), type);
    Properties props = new Properties();
    props.putAll(config.clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 << 20));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Path dir = Files.createTempDirectory("weaviate-sync-state-");
    StateSnapshot s;
    try {
      s = new StateSnapshot(topic, props, dir);
    } catch (RocksDBException e) {
      throw new IOException("cannot open a temporary store in " + dir + ": " + e.getMessage(), e);
    }
    try {
      s.readFrom(null, (id, state) -> {}, progress);
      return s;
    } catch (RuntimeException | IOException e) {
      s.close();
      throw e;
    }
  }

  /** An empty snapshot read from nowhere, filled with {@link #put}: for tests. */
  static StateSnapshot empty() throws IOException {
    Path dir = Files.createTempDirectory("weaviate-sync-state-");
    try {
      return new StateSnapshot("none", new Properties(), dir);
    } catch (RocksDBException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  void put(String id, WrittenVersion state) {
    try {
      db.put(writeOptions, id.getBytes(UTF_8), state.encode());
    } catch (RocksDBException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Reports how many state records were read. */
  public interface Progress {
    void read(long records);

    Progress NONE = n -> {};
  }

  /**
   * Reads what the worker committed since the last read (all of it the first time) into the
   * snapshot, and hands each changed id to {@code changed} (state null: forgotten).
   */
  public void readFrom(
      Map<TopicPartition, Long> from, BiConsumer<String, WrittenVersion> changed, Progress progress)
      throws IOException {
    try (var consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new StateUnavailableException(
            "the worker's state topic "
                + topic
                + " does not exist: has the worker run with application.id="
                + topic.substring(0, topic.indexOf("-versions."))
                + "? (it is created when the worker first starts)");
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      for (TopicPartition tp : parts) {
        Long start = from == null ? null : from.get(tp);
        if (start == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          consumer.seek(tp, start);
        }
      }
      long n = 0;
      long lastReport = System.nanoTime();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          byte[] key = r.key().getBytes(UTF_8);
          WrittenVersion state;
          if (r.value() == null) {
            db.delete(writeOptions, key);
            state = null;
          } else {
            db.put(writeOptions, key, r.value());
            state = from == null ? null : WrittenVersion.decode(r.value());
          }
          if (from != null) {
            changed.accept(r.key(), state);
          }
          n++;
        }
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          progress.read(n);
          lastReport = System.nanoTime();
        }
      }
      var positions = new HashMap<TopicPartition, Long>();
      parts.forEach(tp -> positions.put(tp, consumer.position(tp)));
      readTo = Map.copyOf(positions);
    } catch (RocksDBException e) {
      throw new IOException("temporary store: " + e.getMessage(), e);
    }
  }

  /** Where the last read ended, per partition: the next read starts there. */
  public Map<TopicPartition, Long> readTo() {
    return readTo;
  }

  public String topic() {
    return topic;
  }

  /** The state of one id, or null when the worker knows nothing of it. */
  public WrittenVersion get(String id) {
    try {
      return WrittenVersion.decode(db.get(id.getBytes(UTF_8)));
    } catch (RocksDBException e) {
      throw new IllegalStateException("temporary store: " + e.getMessage(), e);
    }
  }

  /** Iterates the ids in ascending order, starting after {@code after} (null: from the first). */
  public Cursor cursor(String after) {
    return new Cursor(db.newIterator(), after);
  }

  /** A forward iterator over (id, state) in id order. */
  public static final class Cursor implements AutoCloseable {
    private final RocksIterator it;

    Cursor(RocksIterator it, String after) {
      this.it = it;
      if (after == null) {
        it.seekToFirst();
      } else {
        it.seek(after.getBytes(UTF_8));
        if (it.isValid() && new String(it.key(), UTF_8).equals(after)) {
          it.next();
        }
      }
    }

    public boolean valid() {
      return it.isValid();
    }

    public String id() {
      return new String(it.key(), UTF_8);
    }

    public WrittenVersion state() {
      return WrittenVersion.decode(it.value());
    }

    public void next() {
      it.next();
    }

    @Override
    public void close() {
      it.close();
    }
  }

  @Override
  public void close() {
    db.close();
    options.close();
    writeOptions.close();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // shutting down already: the hook deletes it
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state topic is missing: a configuration matter (exit 2), not a difference. */
  public static final class StateUnavailableException extends IOException {
    public StateUnavailableException(String message) {
      super(message);
    }
  }
}
