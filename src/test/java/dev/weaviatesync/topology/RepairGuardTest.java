package dev.weaviatesync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.sink.UpsertObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Repairs (what {@code resync} publishes) against the real topology, searched: random histories of
 * a few ids mix versioned upserts and deletes (also out of order), tombstones, flushes, damage done
 * to Weaviate by hand, snapshots of what verify would read, and repairs built from those snapshots,
 * some of them outdated by the time they arrive.
 *
 * <p>The oracle is the same history without damage and without repairs, run through a second
 * topology: its final Weaviate is the truth. Then, per id: (1) the repaired run holds either the
 * truth or what the last damage left, never any older event's content: a repair never undoes a
 * newer write; (2) when a repair that named the id's then-current state came after the id's last
 * damage, it holds the truth: a repair repairs.
 */
class RepairGuardTest {
  static final int IDS = 4;

  enum Kind {
    UPSERT,
    DELETE,
    TOMBSTONE,
    FLUSH,
    DAMAGE,
    SNAPSHOT,
    REPAIR
  }

  record Step(Kind kind, int id, int arg) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(30, Arbitraries.just(Kind.UPSERT)),
                    net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.DELETE)),
                    net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.TOMBSTONE)),
                    net.jqwik.api.Tuple.of(15, Arbitraries.just(Kind.FLUSH)),
                    net.jqwik.api.Tuple.of(12, Arbitraries.just(Kind.DAMAGE)),
                    net.jqwik.api.Tuple.of(12, Arbitraries.just(Kind.SNAPSHOT)),
                    net.jqwik.api.Tuple.of(15, Arbitraries.just(Kind.REPAIR))),
                Arbitraries.integers().between(0, IDS - 1),
                Arbitraries.integers().between(-2, 3))
            .as(Step::new);
    return step.list().ofMinSize(5).ofMaxSize(60);
  }

  static String id(int i) {
    return String.format("00000000-0000-4000-8000-%012d", i + 1);
  }

  private record Snapshot(String id, String repairOf, byte[] key, byte[] value) {}

  @Property(tries = 300)
  void aRepairNeverUndoesANewerWriteAndRepairsWhatItNames(@ForAll("histories") List<Step> history) {
    try (var oracle = new TopologyHarness(500, 3);
        var run = new TopologyHarness(500, 3)) {
      var snapshots = new ArrayList<Snapshot>();
      var versions = new HashMap<String, Long>();
      var damage = new HashMap<String, Object>(); // id -> content after its last damage
      var damagedAt = new HashMap<String, Integer>();
      var repairedAt = new HashMap<String, Integer>();
      int send = 0;
      for (int i = 0; i < history.size(); i++) {
        Step s = history.get(i);
        String id = id(s.id());
        switch (s.kind()) {
          case UPSERT, DELETE, TOMBSTONE -> {
            long v = Math.max(1, versions.getOrDefault(id, 0L) + s.arg());
            versions.merge(id, v, Math::max);
            String value =
                switch (s.kind()) {
                  case UPSERT -> event(id, "UPSERT", v, "title " + id.substring(30) + " v" + v);
                  case DELETE -> event(id, "DELETE", v, null);
                  default -> null;
                };
            send++;
            oracle.pipe(TopologyHarness.record(send, id, value), i);
            run.pipe(TopologyHarness.record(send, id, value), i);
          }
          case FLUSH -> {
            oracle.flush(i);
            run.flush(i);
          }
          case DAMAGE -> {
            Map<String, UpsertObject> weaviate =
                run.sink.store.collections.computeIfAbsent(
                    TopologyHarness.COLLECTION,
                    c -> new java.util.concurrent.ConcurrentHashMap<>());
            Object content;
            if (s.arg() < 0) {
              weaviate.remove(id);
              content = null;
            } else {
              content = Map.of("title", "damaged at step " + i);
              weaviate.put(id, new UpsertObject(id, Map.of("title", "damaged at step " + i), null));
            }
            damage.put(id, content);
            damagedAt.put(id, i);
          }
          case SNAPSHOT -> snapshots.add(snapshot(run, id));
          case REPAIR -> {
            if (snapshots.isEmpty()) {
              continue;
            }
            Snapshot snap = snapshots.get(Math.floorMod(s.arg() + i, snapshots.size()));
            boolean current = snapshot(run, snap.id()).repairOf().equals(snap.repairOf());
            var headers = new RecordHeaders();
            send++;
            headers.add(
                TopologyHarness.SEND_HEADER, String.valueOf(send).getBytes(StandardCharsets.UTF_8));
            headers.add(
                SyncTopology.REPAIR_HEADER, snap.repairOf().getBytes(StandardCharsets.UTF_8));
            run.pipe(
                new TestRecord<>(snap.key(), snap.value(), headers, (java.time.Instant) null), i);
            if (current) {
              repairedAt.put(snap.id(), i);
            }
          }
        }
      }
      oracle.flush(history.size());
      run.flush(history.size());
      for (int i = 0; i < IDS; i++) {
        String id = id(i);
        Object truth = oracle.weaviate(id);
        Object held = run.weaviate(id);
        if (!Objects.equals(held, truth)) {
          assertThat(damage)
              .as("%s holds %s, neither the truth %s nor what damage left", id, held, truth)
              .containsKey(id);
          assertThat(held).as("%s: truth %s", id, truth).isEqualTo(damage.get(id));
        }
        Integer repaired = repairedAt.get(id);
        if (repaired != null && repaired > damagedAt.getOrDefault(id, -1)) {
          assertThat(held)
              .as("%s: a repair of its current state came after the last damage", id)
              .isEqualTo(truth);
        }
      }
    }
  }

  /** What verify would read for an id now, as resync turns it into a repair record. */
  private static Snapshot snapshot(TopologyHarness h, String id) {
    PendingWrite p = PendingWrite.decode(h.storeValue(TopologyHarness.PENDING, id));
    if (p != null) {
      return new Snapshot(id, p.source(), p.key(), p.value());
    }
    WrittenVersion w = WrittenVersion.decode(h.storeValue(TopologyHarness.VERSIONS, id));
    if (w != null && w.state() != null) {
      return new Snapshot(id, w.state().source(), w.state().key(), w.state().value());
    }
    return new Snapshot(
        id, SyncTopology.REPAIR_OF_NOTHING, id.getBytes(StandardCharsets.UTF_8), null);
  }

  private static String event(String id, String op, long version, String title) {
    return "{\"type\":\"ItemChanged\",\"op\":\""
        + op
        + "\",\"id\":\""
        + id
        + "\",\"version\":"
        + version
        + ",\"occurredAt\":\"2026-11-29T10:15:30Z\""
        + (title == null ? "" : ",\"properties\":{\"title\":\"" + title + "\"}")
        + "}";
  }
}
