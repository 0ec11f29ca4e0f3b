package dev.weaviatesync.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the worker must do, written from the README's contract ("How it works" → Version guard,
 * Dedupe, Flush; "Delivery guarantees and the retry policy"; "Event contract"), not from {@code
 * src/main}. One instance stands for one task (one input partition of one type) and the Weaviate
 * collection behind it.
 *
 * <p>Per id it keeps the version guard's memory ({@link Guard}: the highest version accepted so
 * far, whether the event at that version was a {@code DELETE}, whether it was dead-lettered) and
 * the pending write (the latest accepted event). Those, the pending count and the dead-letter
 * records are <em>transactional</em>: under exactly-once they are committed together with the input
 * offsets, so an abort rolls them back ({@link #snapshot()} / {@link #restore}). What Weaviate
 * holds, the log of writes made to it, and the fixes made to its schema are not: a write that
 * happened stays.
 *
 * <p>The contract, per id, with {@code H} the highest version accepted so far:
 *
 * <ul>
 *   <li>version {@code v < H}: stale, dropped;
 *   <li>{@code v == H}: an UPSERT after a DELETE of that version is stale (deletes stick); a DELETE
 *       after an UPSERT of that version is applied (delete wins); the same op again is a no-op
 *       ("repeated", nothing written again) unless the event at {@code H} was dead-lettered, then
 *       it is applied again (what {@code dlq replay} relies on);
 *   <li>{@code v > H}, or no {@code H} yet: accepted;
 *   <li>no version (a tombstone, or an unversioned UPSERT/DELETE): never stale, applied in arrival
 *       order, and it inherits {@code H}: it becomes the event at {@code H}.
 * </ul>
 *
 * Dedupe: the pending write of an id is replaced by each accepted event, so a flush writes at most
 * once per id. Flush: every {@code flush.interval.ms}, or as soon as {@code flush.max.records} ids
 * are pending: one batch upsert, then one batch delete. Weaviate's verdict on an object depends on
 * what it carries ({@link #verdictOf}): a rejected object is dead-lettered alone ({@code
 * REJECTED}); an object that makes Weaviate refuse the whole batch with a permanent error is
 * isolated by splitting and dead-lettered alone ({@code PERMANENT}); an object that keeps failing
 * with a transient per-object error on a healthy Weaviate is dead-lettered once the retry budget is
 * spent ({@code TRANSIENT_EXHAUSTED}); in each case the rest of the batch is written and Weaviate
 * keeps what it had for that id, and the guard remembers the event at {@code H} as dead-lettered. A
 * record that breaks the event contract is dead-lettered at once ({@code INVALID_EVENT}) and
 * changes nothing else.
 */
final class ReferenceModel {

  enum Op {
    UPSERT,
    DELETE
  }

  enum Verdict {
    ACCEPTED,
    STALE,
    REPEATED,
    INVALID
  }

  /**
   * Where a fatal (401-like) sink error is armed to strike: the next call, or the next delete call.
   */
  enum FatalArm {
    NONE,
    NEXT_CALL,
    NEXT_DELETE_CALL
  }

  /**
   * Property {@code p<k>} that Weaviate's schema lacks until {@link #fix}: the object is rejected.
   */
  static final int MISSING_PROPERTY_1 = 1;

  static final int MISSING_PROPERTY_2 = 2;

  /**
   * Property {@code p3}: Weaviate refuses any batch that holds the object with a permanent error
   * (422).
   */
  static final int POISON = 3;

  /** Property {@code p4}: Weaviate keeps failing the object with a transient per-object error. */
  static final int ALWAYS_TRANSIENT = 4;

  /**
   * One record as it arrives. {@code send} identifies this delivery (the same bytes may be sent
   * again, with another {@code send}); {@code props} is the full state of an UPSERT; {@code marker}
   * is the property {@code p<marker>} that decides Weaviate's verdict on it (0: none, see {@link
   * #MISSING_PROPERTY_1} ...); {@code invalid} marks a record that breaks the event contract.
   */
  record Event(
      int send,
      String id,
      Op op,
      Long version,
      Map<String, Object> props,
      int marker,
      boolean invalid) {}

  /**
   * The version guard's memory of one id: H, the op of the event at H, and whether it was
   * dead-lettered.
   */
  record Guard(Long h, Op op, boolean deadLettered) {}

  record IdState(Guard guard, Event pending) {}

  /**
   * A write that reached Weaviate: at which step, for which id, an upsert (with properties) or a
   * delete.
   */
  record Write(int step, String id, Op op, Map<String, Object> props) {
    @Override
    public String toString() {
      return "#" + step + " " + (op == Op.DELETE ? "DELETE" : "UPSERT" + props);
    }
  }

  /** A dead-letter record: which delivery, why. */
  record Dead(int send, String id, String category) {
    @Override
    public String toString() {
      return "send " + send + " " + category;
    }
  }

  /** What {@link #onEvent} and {@link #flush} report. */
  record Result(Verdict verdict, boolean fatal) {}

  /** The transactional part of the state at a commit. */
  record Snapshot(Map<String, IdState> ids, int pendingCount, int dlqSize) {}

  private final int flushMaxRecords;

  // transactional
  private Map<String, IdState> ids = new HashMap<>();
  private int pendingCount;
  private final List<Dead> dlq = new ArrayList<>();

  // not transactional: Weaviate and the world around the worker
  private final Map<String, Map<String, Object>> weaviate = new HashMap<>();
  private final Map<String, List<Write>> writes = new HashMap<>();
  private final Set<Integer> fixedMarkers = new HashSet<>();
  private FatalArm fatal = FatalArm.NONE;

  /**
   * Counters ("counted as stale", "counted as repeated"): in memory, so an abort does not roll them
   * back.
   */
  private long stale;

  private long repeated;

  /** How often each case of the contract came up, for the test's summary. */
  private final Map<String, Long> coverage = new HashMap<>();

  ReferenceModel(int flushMaxRecords) {
    this.flushMaxRecords = flushMaxRecords;
  }

  /**
   * One record arrives at {@code step}; {@code fatal} when the flush it triggered hit a fatal sink
   * error.
   */
  Result onEvent(Event e, int step) {
    if (e.invalid()) {
      dlq.add(new Dead(e.send(), e.id(), "INVALID_EVENT"));
      count("dead letter INVALID_EVENT");
      return new Result(Verdict.INVALID, false);
    }
    IdState s = ids.get(e.id());
    Guard g = s == null ? null : s.guard();
    Verdict verdict = verdict(g, e);
    count(coverageCase(g, e, verdict));
    if (verdict != Verdict.ACCEPTED) {
      if (verdict == Verdict.STALE) {
        stale++;
      } else {
        repeated++;
      }
      return new Result(verdict, false);
    }
    Long h = e.version() != null ? e.version() : g == null ? null : g.h();
    Event before = s == null ? null : s.pending();
    ids.put(e.id(), new IdState(new Guard(h, e.op(), false), e));
    if (before == null) {
      pendingCount++;
    }
    boolean fatalHit = pendingCount >= flushMaxRecords && flush(step);
    return new Result(verdict, fatalHit);
  }

  private static String coverageCase(Guard g, Event e, Verdict verdict) {
    String op = e.op().name();
    if (e.version() == null) {
      return "unversioned " + op + (g == null || g.h() == null ? " (no H yet)" : " (inherits H)");
    }
    if (g == null || g.h() == null) {
      return "versioned " + op + ", no H yet";
    }
    String rel =
        e.version() > g.h()
            ? "v > H"
            : e.version() < g.h()
                ? "v < H"
                : "v == H after " + g.op() + (g.deadLettered() ? " (dead-lettered)" : "");
    return op + " " + rel + ": " + verdict.name().toLowerCase();
  }

  private void count(String key) {
    coverage.merge(key, 1L, Long::sum);
  }

  Map<String, Long> coverage() {
    return coverage;
  }

  /**
   * Weaviate's verdict on one upserted object: null when it is written, else the dead-letter
   * category.
   */
  String verdictOf(Event e) {
    return switch (e.marker()) {
      case MISSING_PROPERTY_1, MISSING_PROPERTY_2 ->
          fixedMarkers.contains(e.marker()) ? null : "REJECTED";
      case POISON -> "PERMANENT";
      case ALWAYS_TRANSIENT -> "TRANSIENT_EXHAUSTED";
      default -> null;
    };
  }

  private static Verdict verdict(Guard g, Event e) {
    if (e.version() == null || g == null || g.h() == null || e.version() > g.h()) {
      return Verdict.ACCEPTED;
    }
    if (e.version() < g.h()) {
      return Verdict.STALE;
    }
    if (g.op() == Op.DELETE && e.op() == Op.UPSERT) {
      return Verdict.STALE;
    }
    if (g.op() == Op.UPSERT && e.op() == Op.DELETE) {
      return Verdict.ACCEPTED;
    }
    return g.deadLettered() ? Verdict.ACCEPTED : Verdict.REPEATED;
  }

  /**
   * Writes every pending id: one upsert call, then one delete call. Returns true when a fatal sink
   * error struck (the caller aborts to the last commit; what was written before the error stays).
   */
  boolean flush(int step) {
    if (pendingCount == 0) {
      return false;
    }
    var upserts = new ArrayList<Event>();
    var deletes = new ArrayList<Event>();
    for (IdState s : ids.values()) {
      if (s.pending() != null) {
        (s.pending().op() == Op.UPSERT ? upserts : deletes).add(s.pending());
      }
    }
    if (!upserts.isEmpty()) {
      if (fatal == FatalArm.NEXT_CALL) {
        return true;
      }
      for (Event e : upserts) {
        String failure = verdictOf(e);
        if (failure != null) {
          dlq.add(new Dead(e.send(), e.id(), failure));
          count("dead letter " + failure);
          Guard g = ids.get(e.id()).guard();
          ids.put(e.id(), new IdState(new Guard(g.h(), g.op(), true), null));
        } else {
          weaviate.put(e.id(), e.props());
          log(new Write(step, e.id(), Op.UPSERT, e.props()));
          ids.put(e.id(), new IdState(ids.get(e.id()).guard(), null));
        }
      }
    }
    if (!deletes.isEmpty()) {
      if (fatal != FatalArm.NONE) {
        return true;
      }
      for (Event e : deletes) {
        weaviate.remove(e.id());
        log(new Write(step, e.id(), Op.DELETE, null));
        ids.put(e.id(), new IdState(ids.get(e.id()).guard(), null));
      }
    }
    pendingCount = 0;
    return false;
  }

  private void log(Write w) {
    writes.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w);
  }

  Snapshot snapshot() {
    return new Snapshot(new HashMap<>(ids), pendingCount, dlq.size());
  }

  /** Exactly-once abort: back to the commit; Weaviate keeps what was written meanwhile. */
  void restore(Snapshot s) {
    ids = new HashMap<>(s.ids());
    pendingCount = s.pendingCount();
    dlq.subList(s.dlqSize(), dlq.size()).clear();
  }

  void armFatal(FatalArm arm) {
    fatal = arm;
  }

  /** The credentials are fixed (done before the worker is restarted). */
  void disarmFatal() {
    fatal = FatalArm.NONE;
  }

  FatalArm fatal() {
    return fatal;
  }

  /** Weaviate's schema gets the property that {@code marker} stands for. */
  void fix(int marker) {
    fixedMarkers.add(marker);
  }

  long stale() {
    return stale;
  }

  long repeated() {
    return repeated;
  }

  int pendingCount() {
    return pendingCount;
  }

  Map<String, Object> weaviate(String id) {
    return weaviate.get(id);
  }

  List<Write> writes(String id) {
    return writes.getOrDefault(id, List.of());
  }

  List<Dead> deadLetters(String id) {
    return dlq.stream().filter(d -> d.id().equals(id)).toList();
  }

  List<Dead> deadLetters() {
    return List.copyOf(dlq);
  }

  /** The guard and pending write of one id, for failure reports. */
  String describe(String id) {
    IdState s = ids.get(id);
    if (s == null) {
      return "nothing accepted";
    }
    var m = new LinkedHashMap<String, Object>();
    m.put("H", s.guard().h());
    m.put("op at H", s.guard().op());
    m.put("dead-lettered", s.guard().deadLettered());
    m.put("pending", s.pending() == null ? "none" : "send " + s.pending().send());
    return m.toString();
  }
}
