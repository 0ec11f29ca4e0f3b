package dev.weaviatesync.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.event.Op;
import dev.weaviatesync.topology.PendingWrite;
import dev.weaviatesync.topology.WrittenVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The merge of the state with the collection, searched: random sets of ids, each with a state
 * (none, an upsert, a delete, no state kept) and a Weaviate object (none, the same, a different
 * one), walked with pages as small as one object. Expected kinds come from the README's table, not
 * from the code.
 */
class VerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EntityType TYPE =
      new EntityType("ItemChanged", "item-changed", "Item", List.of());

  enum State {
    NONE,
    UPSERT,
    DELETE,
    NO_STATE
  }

  enum InWeaviate {
    ABSENT,
    SAME,
    DIFFERENT
  }

  record Case(State state, InWeaviate weaviate) {}

  @Provide
  Arbitrary<Map<Integer, Case>> worlds() {
    var c =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(State.class), Arbitraries.of(InWeaviate.class))
            .as(Case::new);
    return Arbitraries.maps(Arbitraries.integers().between(0, 5000), c).ofMaxSize(40);
  }

  static String id(int n) {
    // Spread over the whole UUID space, so ids sort in an order unrelated to n.
    var r = new Random(n);
    return new java.util.UUID(r.nextLong(), r.nextLong()).toString();
  }

  /** The README's table. */
  static Verifier.Kind expected(Case c) {
    return switch (c.state()) {
      case NONE -> c.weaviate() == InWeaviate.ABSENT ? null : Verifier.Kind.UNEXPECTED;
      case NO_STATE -> null;
      case DELETE -> c.weaviate() == InWeaviate.ABSENT ? null : Verifier.Kind.RESURRECTED;
      case UPSERT ->
          switch (c.weaviate()) {
            case ABSENT -> Verifier.Kind.MISSING;
            case SAME -> null;
            case DIFFERENT -> Verifier.Kind.STALE;
          };
    };
  }

  @Property(tries = 300)
  void fullFindsExactlyWhatTheTableSays(
      @ForAll("worlds") Map<Integer, Case> world, @ForAll @IntRange(min = 1, max = 4) int pageSize)
      throws Exception {
    var source = new FakeWeaviate();
    try (var truth = StateSnapshot.empty()) {
      var want = new EnumMap<Verifier.Kind, List<String>>(Verifier.Kind.class);
      long checked = 0;
      for (var e : world.entrySet()) {
        String id = id(e.getKey());
        Case c = e.getValue();
        String title = "title " + e.getKey() + " 2024-01-01T10:00:00+02:00";
        switch (c.state()) {
          case UPSERT -> truth.put(id, state(id, Op.UPSERT, title));
          case DELETE -> truth.put(id, state(id, Op.DELETE, null));
          case NO_STATE -> truth.put(id, new WrittenVersion(3, false, true, 0, null));
          case NONE -> {}
        }
        if (c.weaviate() != InWeaviate.ABSENT) {
          ObjectNode props = JSON.createObjectNode();
          props.put("title", c.weaviate() == InWeaviate.SAME ? title : "edited by hand");
          props.put("n", c.weaviate() == InWeaviate.SAME ? 3.0 : 3.5);
          source.objects.put(id, new ObjectSource.Obj(id, props, null));
        }
        if (c.state() != State.NONE || c.weaviate() != InWeaviate.ABSENT) {
          checked++;
        }
        Verifier.Kind k = expected(c);
        if (k != null) {
          want.computeIfAbsent(k, x -> new ArrayList<>()).add(id);
        }
      }
      var found = new EnumMap<Verifier.Kind, List<String>>(Verifier.Kind.class);
      var verifier =
          new Verifier(TYPE, "Item", Set.of("ItemChanged"), source, pageSize, (n, d) -> {});
      Verifier.Result r =
          verifier.full(
              truth,
              null,
              d -> found.computeIfAbsent(d.kind(), x -> new ArrayList<>()).add(d.id()));
      for (Verifier.Kind k : Verifier.Kind.values()) {
        assertThat(sorted(found.get(k))).as(k.label()).isEqualTo(sorted(want.get(k)));
        assertThat(r.counts.get(k)).as(k.label()).isEqualTo(sorted(want.get(k)).size());
      }
      assertThat(r.checked).isEqualTo(checked);
      assertThat(r.unverifiable)
          .isEqualTo(world.values().stream().filter(c -> c.state() == State.NO_STATE).count());
      assertThat(source.maxPage).isLessThanOrEqualTo(pageSize);
    }
  }

  private static List<String> sorted(List<String> ids) {
    return ids == null ? List.of() : ids.stream().sorted().toList();
  }

  private static WrittenVersion state(String id, Op op, String title) {
    String value =
        "{\"type\":\"ItemChanged\",\"op\":\""
            + op
            + "\",\"id\":\""
            + id
            + "\",\"version\":3,\"occurredAt\":\"2026-11-29T10:15:30Z\""
            + (title == null ? "" : ",\"properties\":{\"title\":\"" + title + "\",\"n\":3}")
            + "}";
    var w =
        new PendingWrite(
            op,
            3L,
            "item-changed",
            0,
            7,
            0,
            id.getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8),
            new RecordHeaders());
    return new WrittenVersion(3, op == Op.DELETE, false, 0, w);
  }

  /** A collection in id order, paged like Weaviate's cursor. */
  static final class FakeWeaviate implements ObjectSource {
    final TreeMap<String, Obj> objects = new TreeMap<>();
    int maxPage;

    @Override
    public List<Obj> page(String collection, String after, int limit) {
      var tail = after == null ? objects : objects.tailMap(after, false);
      var out = tail.values().stream().limit(limit).toList();
      maxPage = Math.max(maxPage, out.size());
      return out;
    }

    @Override
    public Obj get(String collection, String id) {
      return objects.get(id);
    }
  }
}
