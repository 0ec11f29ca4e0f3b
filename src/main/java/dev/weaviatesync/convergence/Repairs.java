package dev.weaviatesync.convergence;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.topology.PendingWrite;
import dev.weaviatesync.topology.SyncTopology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Repairs differences through the worker, not around it: each repair is a record on the type's
 * input topic, keyed by the id, carrying the id's state as verify saw it (the original key, value
 * and headers of its latest event; a tombstone for an object the source does not know) and a header
 * naming that state. The worker applies it only while that state is still the id's latest (see the
 * README, "Checking and repairing convergence"), with its batch writer, retries and dead-letter
 * rules. So a repair never undoes a newer write: anything newer for the id is in the same partition
 * and either came first (the repair is then dropped) or comes after (and wins).
 */
public final class Repairs implements AutoCloseable {
  /** What became of the published repairs, once the worker had a chance to apply them. */
  public record Outcome(
      int published, int applied, int deadLettered, int superseded, int waiting) {}

  /** At most this many repairs are followed until applied; beyond, they are only published. */
  static final int FOLLOW_MAX = 200_000;

  private final KafkaProducer<byte[], byte[]> producer;
  private final EntityType type;
  private final List<Map.Entry<String, Future<RecordMetadata>>> inFlight = new ArrayList<>();
  private final Map<String, String> followed = new HashMap<>();
  private int published;
  private String lastQueued;
  private volatile String confirmedThrough;

  public Repairs(SyncConfig config, EntityType type) {
    this.producer =
        new KafkaProducer<>(
            config.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    this.type = type;
  }

  /** Publishes the repair of one difference. */
  public void publish(Verifier.Difference d) {
    ProducerRecord<byte[], byte[]> record;
    if (d.kind() == Verifier.Kind.UNEXPECTED) {
      var headers = new RecordHeaders();
      headers.add(SyncTopology.REPAIR_HEADER, SyncTopology.REPAIR_OF_NOTHING.getBytes(UTF_8));
      record = new ProducerRecord<>(type.topic(), null, d.id().getBytes(UTF_8), null, headers);
    } else {
      PendingWrite s = d.state().state();
      var headers = new RecordHeaders();
      if (s.headers() != null) {
        s.headers()
            .forEach(
                h -> {
                  if (!h.key().equals(SyncTopology.REPAIR_HEADER)) {
                    headers.add(h);
                  }
                });
      }
      headers.add(SyncTopology.REPAIR_HEADER, s.source().getBytes(UTF_8));
      record = new ProducerRecord<>(type.topic(), null, s.key(), s.value(), headers);
    }
    inFlight.add(Map.entry(d.id(), producer.send(record)));
    lastQueued = d.id();
    published++;
    if (inFlight.size() >= 1000) {
      drain();
    }
  }

  /** Waits for every send so far; records where each repair landed, to follow it. */
  public void drain() {
    producer.flush();
    for (var e : inFlight) {
      RecordMetadata m;
      try {
        m = e.getValue().get();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while publishing repairs", ex);
      } catch (ExecutionException ex) {
        throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex);
      }
      if (followed.size() < FOLLOW_MAX) {
        followed.put(e.getKey(), m.topic() + ":" + m.partition() + ":" + m.offset());
      }
    }
    inFlight.clear();
    if (lastQueued != null) {
      confirmedThrough = lastQueued;
    }
  }

  /**
   * The id up to which every repair found so far is on the input topic (ids are walked in order),
   * or null: where an interrupted resync resumes ({@code --after}).
   */
  public String confirmedThrough() {
    return confirmedThrough;
  }

  /**
   * Follows the worker's state topic from where {@code truth} was read until every followed repair
   * was applied (the id's state is now the repair record), dead-lettered, or superseded (another
   * state came first), or {@code timeout} passed.
   */
  public Outcome await(StateSnapshot truth, Duration timeout) throws IOException {
    drain();
    int applied = 0;
    int deadLettered = 0;
    int superseded = 0;
    long until = System.nanoTime() + timeout.toNanos();
    var counts = new int[3];
    while (!followed.isEmpty() && System.nanoTime() < until) {
      truth.readFrom(
          truth.readTo(),
          (id, state) -> {
            String repair = followed.get(id);
            if (repair == null) {
              return;
            }
            if (state != null && state.state() != null && repair.equals(state.state().source())) {
              counts[state.deadLettered() ? 1 : 0]++;
            } else {
              counts[2]++;
            }
            followed.remove(id);
          },
          StateSnapshot.Progress.NONE);
      if (!followed.isEmpty()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    applied += counts[0];
    deadLettered += counts[1];
    superseded += counts[2];
    return new Outcome(published, applied, deadLettered, superseded, followed.size());
  }

  public int published() {
    return published;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
