package dev.weaviatesync.convergence;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.event.Op;
import dev.weaviatesync.topology.WrittenVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares the source of truth of one type ({@link StateSnapshot}) with its collection in Weaviate,
 * object by object. {@link #full} walks both in id order at once (a merge of two sorted streams:
 * memory does not grow with the number of objects); {@link #sample} checks random ids of the
 * source, fetched one by one, and random pages of the collection.
 */
public final class Verifier {
  /** How an object differs from the source of truth. */
  public enum Kind {
    /** The source's latest event is an upsert; Weaviate has no such object. */
    MISSING,
    /** Weaviate's object has other properties or another vector than the latest event. */
    STALE,
    /** In Weaviate, though the id is unknown to the source. */
    UNEXPECTED,
    /** In Weaviate, though the source's latest event deleted it. */
    RESURRECTED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One difference: what, which id, why, and the id's state (null for UNEXPECTED). */
  public record Difference(Kind kind, String id, String detail, WrittenVersion state) {}

  /** Counts, and up to {@link #EXAMPLES} examples of each kind. */
  public static final class Result {
    public static final int EXAMPLES = 5;
    public final String type;
    public final String collection;
    public long checked;
    public long unverifiable;

    /** Ids whose state kept changing at every look: writes in flight, not counted. */
    public long inFlight;

    public final Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    public final Map<Kind, List<Difference>> examples = new EnumMap<>(Kind.class);
    public String lastId;

    Result(String type, String collection) {
      this.type = type;
      this.collection = collection;
      for (Kind k : Kind.values()) {
        counts.put(k, 0L);
        examples.put(k, new ArrayList<>());
      }
    }

    void add(Difference d) {
      counts.merge(d.kind(), 1L, Long::sum);
      if (examples.get(d.kind()).size() < EXAMPLES) {
        examples.get(d.kind()).add(d);
      }
    }

    void remove(Difference d) {
      counts.merge(d.kind(), -1L, Long::sum);
      examples.get(d.kind()).removeIf(e -> e.id().equals(d.id()));
    }

    public long differences() {
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean inSync() {
      return differences() == 0;
    }
  }

  /** Reports progress of a long run. */
  public interface Progress {
    void checked(long objects, long differences);
  }

  private final EntityType type;
  private final String collection;
  private final ObjectSource weaviate;
  private final EventParser parser;
  private final int pageSize;
  private final Progress progress;

  public Verifier(
      EntityType type,
      String collection,
      Set<String> typeNames,
      ObjectSource weaviate,
      int pageSize,
      Progress progress) {
    this.type = type;
    this.collection = collection;
    this.weaviate = weaviate;
    this.parser = new EventParser(typeNames);
    this.pageSize = pageSize;
    this.progress = progress;
  }

  /**
   * Every id of the source and every object of the collection, from after {@code after} (null: from
   * the start). Each difference goes to {@code onDifference} as it is found.
   */
  public Result full(StateSnapshot truth, String after, Consumer<Difference> onDifference)
      throws IOException {
    var result = new Result(type.name(), collection);
    try (var source = truth.cursor(after)) {
      String cursorAfter = after;
      List<ObjectSource.Obj> page = weaviate.page(collection, cursorAfter, pageSize);
      int i = 0;
      boolean more = page.size() == pageSize;
      long lastReport = System.nanoTime();
      while (true) {
        if (i == page.size() && more) {
          cursorAfter = page.get(page.size() - 1).id();
          List<ObjectSource.Obj> next = weaviate.page(collection, cursorAfter, pageSize);
          if (!next.isEmpty() && next.get(0).id().compareTo(cursorAfter) <= 0) {
            throw new IOException(
                "Weaviate's cursor over "
                    + collection
                    + " did not list objects in id order ("
                    + next.get(0).id()
                    + " after "
                    + cursorAfter
                    + "); verify needs a single-shard collection or a Weaviate that lists in id"
                    + " order");
          }
          page = next;
          i = 0;
          more = page.size() == pageSize;
        }
        ObjectSource.Obj obj = i < page.size() ? page.get(i) : null;
        String sid = source.valid() ? source.id() : null;
        if (obj == null && sid == null) {
          break;
        }
        int cmp = obj == null ? -1 : sid == null ? 1 : sid.compareTo(obj.id());
        Difference d;
        String id;
        if (cmp < 0) {
          id = sid;
          d = classify(sid, source.state(), null, result);
          source.next();
        } else if (cmp > 0) {
          id = obj.id();
          d = classify(obj.id(), null, obj, result);
          i++;
        } else {
          id = sid;
          d = classify(sid, source.state(), obj, result);
          source.next();
          i++;
        }
        result.checked++;
        result.lastId = id;
        if (d != null) {
          result.add(d);
          onDifference.accept(d);
        }
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          progress.checked(result.checked, result.differences());
          lastReport = System.nanoTime();
        }
      }
    }
    return result;
  }

  /**
   * About {@code n} random ids of the source, each fetched by id, and about {@code n} objects of
   * the collection from pages that start at random ids (for objects the source does not know).
   */
  public Result sample(StateSnapshot truth, int n, Random random, Consumer<Difference> onDifference)
      throws IOException {
    var result = new Result(type.name(), collection);
    // Reservoir sampling over the source, in id order: n ids held, whatever the total.
    var reservoir = new ArrayList<String>(n);
    long seen = 0;
    try (var source = truth.cursor(null)) {
      for (; source.valid(); source.next()) {
        seen++;
        if (reservoir.size() < n) {
          reservoir.add(source.id());
        } else {
          long j = (long) (random.nextDouble() * seen);
          if (j < n) {
            reservoir.set((int) j, source.id());
          }
        }
      }
    }
    for (String id : reservoir) {
      count(
          result, classify(id, truth.get(id), weaviate.get(collection, id), result), onDifference);
    }
    var seenInWeaviate = new LinkedHashMap<String, ObjectSource.Obj>();
    int pages = Math.max(1, (n + 99) / 100);
    for (int p = 0; p < pages; p++) {
      String start = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
      for (var obj : weaviate.page(collection, start, Math.min(100, n))) {
        seenInWeaviate.putIfAbsent(obj.id(), obj);
      }
    }
    for (var obj : seenInWeaviate.values()) {
      WrittenVersion state = truth.get(obj.id());
      if (state == null) {
        count(result, classify(obj.id(), null, obj, result), onDifference);
      }
    }
    return result;
  }

  private static void count(Result result, Difference d, Consumer<Difference> onDifference) {
    result.checked++;
    if (d != null) {
      result.add(d);
      onDifference.accept(d);
    }
  }

  /**
   * Looks again at ids found different: what the worker did since may have closed the gap. An id
   * still different whose state is the one seen before is a difference; one whose state changed
   * meanwhile (newer events accepted: its write may be in flight) is returned, to be looked at
   * again, unless this is the last look: then it is counted as in flight, not as a difference.
   */
  public List<Difference> recheck(
      StateSnapshot truth, List<Difference> found, Result result, boolean last) throws IOException {
    var again = new ArrayList<Difference>();
    for (Difference before : found) {
      result.remove(before);
      Difference now =
          classify(
              before.id(), truth.get(before.id()), weaviate.get(collection, before.id()), null);
      if (now == null) {
        continue;
      }
      if (!sameState(before.state(), now.state())) {
        if (last) {
          result.inFlight++;
        } else {
          again.add(now);
        }
        continue;
      }
      result.add(now);
    }
    return again;
  }

  private static boolean sameState(WrittenVersion a, WrittenVersion b) {
    if (a == null || b == null || a.state() == null || b.state() == null) {
      return a == b || (a != null && b != null && a.state() == b.state());
    }
    return a.state().source().equals(b.state().source());
  }

  /** The difference between one id's state (null: unknown) and Weaviate's object (null: none). */
  Difference classify(String id, WrittenVersion state, ObjectSource.Obj obj, Result result) {
    if (state == null) {
      return obj == null
          ? null
          : new Difference(Kind.UNEXPECTED, id, "unknown to the source", null);
    }
    if (state.state() == null) {
      if (result != null) {
        result.unverifiable++;
      }
      return null;
    }
    if (state.state().op() == Op.DELETE) {
      return obj == null
          ? null
          : new Difference(Kind.RESURRECTED, id, "deleted by " + describe(state), state);
    }
    if (obj == null) {
      return new Difference(Kind.MISSING, id, "latest is " + describe(state), state);
    }
    ChangeEvent event;
    try {
      event = parser.parse(state.state().key(), state.state().value(), type.name());
    } catch (InvalidEventException e) {
      if (result != null) {
        result.unverifiable++;
      }
      return null;
    }
    String why = ObjectComparison.difference(event.properties(), event.vector(), obj);
    return why == null
        ? null
        : new Difference(Kind.STALE, id, why + " (latest is " + describe(state) + ")", state);
  }

  private static String describe(WrittenVersion s) {
    var w = s.state();
    return (w.version() == null ? "an unversioned " + w.op() : w.op() + " version " + w.version())
        + " from "
        + w.source()
        + (s.deadLettered() ? ", dead-lettered: see `weaviate-sync dlq list --id`" : "");
  }
}
