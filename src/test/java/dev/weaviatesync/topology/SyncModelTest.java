package dev.weaviatesync.topology;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.topology.ReferenceModel.Dead;
import dev.weaviatesync.topology.ReferenceModel.Event;
import dev.weaviatesync.topology.ReferenceModel.FatalArm;
import dev.weaviatesync.topology.ReferenceModel.Op;
import dev.weaviatesync.topology.ReferenceModel.Verdict;
import dev.weaviatesync.topology.ReferenceModel.Write;
import dev.weaviatesync.topology.TopologyHarness.ScriptedSink.Transient;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.apache.kafka.streams.test.TestRecord;
import org.slf4j.LoggerFactory;

/**
 * Model-based test of the worker's topology (issue 9): generated per-id histories run through the
 * real topology ({@link TopologyHarness}) and through {@link ReferenceModel}, in lockstep, and what
 * Weaviate ends up with, every write made to it and every dead-letter record must agree.
 *
 * <p>A try is an <em>episode</em>: one driver (and the drivers that replace it on restarts) serving
 * {@code model.ids.per.episode} ids (default 1000), each with its own history, interleaved. Each
 * per-id history counts as one case; the number of tries is {@code model.cases / ids per episode}
 * ({@code -Dmodel.cases=10000000} for a long run; the default is 100,000).
 *
 * <p>A history is 1–7 events of one id: versioned and unversioned upserts and deletes, tombstones,
 * the previous event again (a duplicate), an older event again (a late replay, also of a
 * dead-lettered one), and records that break the contract. Versions mostly grow, sometimes repeat
 * or go back. Upserts may carry a property Weaviate's schema lacks ({@code p1}/{@code p2}):
 * rejected until a {@code FIX} adds it; one that makes Weaviate refuse the whole batch ({@code p3}:
 * {@code PERMANENT} after splitting); or one Weaviate keeps failing transiently ({@code p4}: {@code
 * TRANSIENT_EXHAUSTED}). The episode's time is cut into flush intervals; each id's events are
 * spread over a few of them (several in one interval, or some apart), and episode-wide actions fall
 * in between: commits, clean restarts, crashes (abort to the last commit), a fatal 401-like error
 * armed for the next sink call or the next delete call (abort, fix the credentials, restart), runs
 * of transient errors shorter than the retry budget (whole batch, or every object), schema fixes.
 * {@code flush.max.records} is either 500 or small (5–60), so flushes by size happen too.
 *
 * <p>What is compared, per id: present in Weaviate with the properties of the expected event, or
 * absent; the list of writes Weaviate received for it (step, upsert with properties or delete),
 * which also checks "at most one write per id per flush" and "a repeat writes nothing"; the
 * dead-letter records (which delivery, which category). Per episode: the {@code stale} and {@code
 * repeated} counters. And, at every step, that a fatal sink error stops the task exactly where the
 * model says it must.
 */
class SyncModelTest {
  static final long CASES = Long.getLong("model.cases", 100_000);
  static final int IDS_PER_EPISODE =
      (int) Math.min(CASES, Integer.getInteger("model.ids.per.episode", 1000));
  static final int MAX_EVENTS_PER_ID = 7;
  static final int RETRY_MAX_ATTEMPTS = 3;

  static final AtomicLong cases = new AtomicLong();
  static final AtomicLong episodes = new AtomicLong();
  static final AtomicLong records = new AtomicLong();
  static final AtomicLong drivers = new AtomicLong();
  static final AtomicLong crashes = new AtomicLong();
  static final AtomicLong fatals = new AtomicLong();
  static final Map<String, Long> coverage = new java.util.concurrent.ConcurrentHashMap<>();

  @Property(edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(Scale.class)
  void theTopologyAgreesWithTheReferenceModel(@ForAll("episodes") Episode episode) {
    new Run(episode).run();
  }

  // ---- generated histories -----------------------------------------------------------------

  enum Kind {
    UPSERT,
    DELETE,
    TOMBSTONE,
    UPSERT_UNVERSIONED,
    DELETE_UNVERSIONED,
    DUPLICATE,
    REPLAY,
    INVALID
  }

  enum Action {
    COMMIT,
    RESTART,
    CRASH,
    FATAL,
    FATAL_ON_DELETE,
    TRANSIENT_BATCH,
    TRANSIENT_OBJECTS,
    FIX
  }

  /**
   * One event of an id's history: {@code gap} flush intervals after the previous one (0: same
   * interval), at {@code slot} within its interval; {@code versionDelta} relative to the highest
   * version the producer used so far; {@code marker} a property the schema lacks (0: none); {@code
   * back} how far back a replay reaches.
   */
  record Ev(int gap, int slot, Kind kind, int versionDelta, int marker, int back) {}

  record History(int start, List<Ev> events) {}

  /**
   * An episode-wide action in interval {@code window} at {@code slot}; {@code arg}: run length or
   * marker.
   */
  record Global(int window, int slot, Action action, int arg) {}

  record Episode(int flushMaxRecords, List<History> histories, List<Global> globals) {
    @Override
    public String toString() {
      return render(this, 6000);
    }
  }

  @Provide
  Arbitrary<Episode> episodes() {
    Arbitrary<Ev> ev =
        Combinators.combine(
                Arbitraries.frequencyOf(
                    Tuple.of(45, Arbitraries.just(0)),
                    Tuple.of(30, Arbitraries.just(1)),
                    Tuple.of(25, Arbitraries.integers().between(2, 4))),
                Arbitraries.integers().between(0, 99),
                Arbitraries.frequency(
                    Tuple.of(34, Kind.UPSERT),
                    Tuple.of(10, Kind.DELETE),
                    Tuple.of(10, Kind.TOMBSTONE),
                    Tuple.of(8, Kind.UPSERT_UNVERSIONED),
                    Tuple.of(4, Kind.DELETE_UNVERSIONED),
                    Tuple.of(12, Kind.DUPLICATE),
                    Tuple.of(18, Kind.REPLAY),
                    Tuple.of(4, Kind.INVALID)),
                Arbitraries.frequency(
                    Tuple.of(15, 0),
                    Tuple.of(45, 1),
                    Tuple.of(12, 2),
                    Tuple.of(12, -1),
                    Tuple.of(8, -2),
                    Tuple.of(8, -3)),
                Arbitraries.frequency(
                    Tuple.of(86, 0),
                    Tuple.of(5, ReferenceModel.MISSING_PROPERTY_1),
                    Tuple.of(5, ReferenceModel.MISSING_PROPERTY_2),
                    Tuple.of(2, ReferenceModel.POISON),
                    Tuple.of(2, ReferenceModel.ALWAYS_TRANSIENT)),
                Arbitraries.integers().between(0, 3))
            .as(Ev::new);
    Arbitrary<History> history =
        Combinators.combine(
                Arbitraries.integers().between(0, 40),
                ev.list().ofMinSize(1).ofMaxSize(MAX_EVENTS_PER_ID))
            .as(History::new);
    Arbitrary<Global> global =
        Combinators.combine(
                Arbitraries.integers().between(0, 45),
                Arbitraries.integers().between(0, 99),
                Arbitraries.frequency(
                    Tuple.of(45, Action.COMMIT),
                    Tuple.of(6, Action.RESTART),
                    Tuple.of(6, Action.CRASH),
                    Tuple.of(4, Action.FATAL),
                    Tuple.of(4, Action.FATAL_ON_DELETE),
                    Tuple.of(10, Action.TRANSIENT_BATCH),
                    Tuple.of(10, Action.TRANSIENT_OBJECTS),
                    Tuple.of(15, Action.FIX)),
                Arbitraries.integers().between(1, 2))
            .as(Global::new);
    Arbitrary<Integer> flushMaxRecords =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(500)), Tuple.of(1, Arbitraries.integers().between(5, 60)));
    return Combinators.combine(
            flushMaxRecords,
            history.list().ofMinSize(1).ofMaxSize(IDS_PER_EPISODE).withSizeDistribution(ALWAYS_MAX),
            global.list().ofMaxSize(20))
        .as(Episode::new);
  }

  /**
   * Generate full-size episodes (every try is IDS_PER_EPISODE cases) but let shrinking remove ids.
   */
  private static final RandomDistribution ALWAYS_MAX =
      new RandomDistribution() {
        @Override
        public RandomNumericGenerator createGenerator(
            int genSize, BigInteger min, BigInteger max, BigInteger center) {
          return random -> max;
        }

        @Override
        public String toString() {
          return "always max";
        }
      };

  // ---- the plan: an episode as a sequence of steps ----------------------------------------

  sealed interface Step permits Send, Flush, Do {}

  /** One delivery of a record: the model's view of it and the record's key and value. */
  record Send(Event event, String key, String value, String label) implements Step {
    TestRecord<byte[], byte[]> record() {
      return TopologyHarness.record(event.send(), key, value);
    }
  }

  record Flush() implements Step {}

  record Do(Action action, int arg) implements Step {}

  static String id(int index) {
    return String.format("00000000-0000-4000-8000-%012d", index + 1);
  }

  static String label(String id) {
    return "id" + Long.parseLong(id.substring(24));
  }

  private record Placed(int window, int slot, int order, Step step) {}

  static List<Step> plan(Episode ep) {
    var placed = new ArrayList<Placed>();
    int order = 0;
    int send = 0;
    int lastWindow = 0;
    for (int i = 0; i < ep.histories().size(); i++) {
      History h = ep.histories().get(i);
      String id = id(i);
      long producerVersion = 0;
      var sent = new ArrayList<Send>();
      int window = h.start();
      int slot = -1;
      for (int j = 0; j < h.events().size(); j++) {
        Ev ev = h.events().get(j);
        int w = j == 0 ? window : window + ev.gap();
        slot = w == window && j > 0 ? Math.max(slot, ev.slot()) : ev.slot();
        window = w;
        Send s;
        switch (ev.kind()) {
          case DUPLICATE, REPLAY -> {
            if (sent.isEmpty()) {
              continue;
            }
            int back = ev.kind() == Kind.DUPLICATE ? 0 : Math.min(ev.back(), sent.size() - 1);
            Send original = sent.get(sent.size() - 1 - back);
            Event e = original.event();
            s =
                new Send(
                    new Event(send, id, e.op(), e.version(), e.props(), e.marker(), e.invalid()),
                    original.key(),
                    original.value(),
                    (back == 0 ? "again: " : "late replay: ") + original.label());
          }
          case INVALID ->
              s =
                  new Send(
                      new Event(send, id, null, null, null, 0, true),
                      id,
                      "{oops",
                      label(id) + " invalid record");
          case TOMBSTONE ->
              s =
                  new Send(
                      new Event(send, id, Op.DELETE, null, null, 0, false),
                      id,
                      null,
                      label(id) + " tombstone");
          default -> {
            boolean versioned = ev.kind() == Kind.UPSERT || ev.kind() == Kind.DELETE;
            Long version = null;
            if (versioned) {
              version = Math.max(0, producerVersion + ev.versionDelta());
              producerVersion = Math.max(producerVersion, version);
            }
            boolean upsert = ev.kind() == Kind.UPSERT || ev.kind() == Kind.UPSERT_UNVERSIONED;
            String vtext = version == null ? "unversioned" : "v" + version;
            if (upsert) {
              var props = new LinkedHashMap<String, Object>();
              props.put("title", "e" + j);
              if (ev.marker() != 0) {
                props.put("p" + ev.marker(), "x");
              }
              s =
                  new Send(
                      new Event(
                          send, id, Op.UPSERT, version, Map.copyOf(props), ev.marker(), false),
                      id,
                      Events.upsert(TopologyHarness.TYPE, id, version, props),
                      label(id) + " " + vtext + " UPSERT " + props);
            } else {
              s =
                  new Send(
                      new Event(send, id, Op.DELETE, version, null, 0, false),
                      id,
                      Events.delete(TopologyHarness.TYPE, id, version),
                      label(id) + " " + vtext + " DELETE");
            }
          }
        }
        send++;
        sent.add(s);
        placed.add(new Placed(window, slot, order++, s));
        lastWindow = Math.max(lastWindow, window);
      }
    }
    for (Global g : ep.globals()) {
      placed.add(new Placed(g.window(), g.slot(), order++, new Do(g.action(), g.arg())));
      lastWindow = Math.max(lastWindow, g.window());
    }
    for (int w = 0; w <= lastWindow; w++) {
      placed.add(new Placed(w, Integer.MAX_VALUE, order++, new Flush()));
    }
    placed.sort(
        Comparator.comparingInt(Placed::window)
            .thenComparingInt(Placed::slot)
            .thenComparingInt(Placed::order));
    return placed.stream().map(Placed::step).toList();
  }

  static String render(Episode ep, int limit) {
    var out =
        new StringBuilder("flush.max.records=")
            .append(ep.flushMaxRecords())
            .append(", ")
            .append(ep.histories().size())
            .append(" ids:");
    for (Step s : plan(ep)) {
      out.append("\n  ").append(describe(s));
      if (out.length() > limit) {
        return out.append("\n  ... (shortened)").toString();
      }
    }
    return out.toString();
  }

  static String describe(Step s) {
    if (s instanceof Send send) {
      return "send " + send.event().send() + ": " + send.label();
    }
    if (s instanceof Flush) {
      return "FLUSH (flush.interval.ms passes)";
    }
    Do d = (Do) s;
    return switch (d.action()) {
      case COMMIT -> "COMMIT";
      case RESTART -> "RESTART (clean: commit, new task restores the stores)";
      case CRASH -> "CRASH (abort to the last commit, new task, re-read since then)";
      case FATAL -> "FATAL armed: the next Weaviate call answers UNAUTHENTICATED";
      case FATAL_ON_DELETE -> "FATAL armed: the next Weaviate delete call answers UNAUTHENTICATED";
      case TRANSIENT_BATCH ->
          "TRANSIENT: the next " + d.arg() + " Weaviate call(s) fail (connection reset)";
      case TRANSIENT_OBJECTS ->
          "TRANSIENT: the next "
              + d.arg()
              + " Weaviate call(s) fail per object (not enough memory)";
      case FIX -> "FIX: Weaviate's schema gets property p" + d.arg();
    };
  }

  // ---- running an episode in lockstep ------------------------------------------------------

  static final class Run {
    private final Episode episode;
    private final ReferenceModel model;
    private final TopologyHarness harness;
    private final Map<Integer, Send> bySend = new HashMap<>();

    /** What happened, rendered only for a failure report: strings, or {@link Sent} entries. */
    private final List<Object> log = new ArrayList<>();

    private ReferenceModel.Snapshot committed;
    private int step;

    Run(Episode episode) {
      this.episode = episode;
      this.model = new ReferenceModel(episode.flushMaxRecords());
      this.harness = new TopologyHarness(episode.flushMaxRecords(), RETRY_MAX_ATTEMPTS);
      this.committed = model.snapshot();
    }

    void run() {
      try {
        for (Step s : plan(episode)) {
          execute(s);
        }
        // Settle: flush what is still pending (and let an armed fatal error strike, if it still
        // can).
        for (int i = 0; i < 2 || i < 6 && model.pendingCount() > 0; i++) {
          execute(new Flush());
        }
        commitBoth();
        compare();
      } finally {
        harness.close();
        model.coverage().forEach((k, v) -> coverage.merge(k, v, Long::sum));
        episodes.incrementAndGet();
        cases.addAndGet(episode.histories().size());
        drivers.addAndGet(harness.drivers());
      }
    }

    private void execute(Step s) {
      if (s instanceof Send send) {
        send(send);
        return;
      }
      if (s instanceof Flush) {
        step++;
        boolean expected = model.flush(step);
        var actual = harness.flush(step);
        log.add(new Flushed(step));
        checkFatal(expected, actual);
        return;
      }
      Do d = (Do) s;
      log.add(describe(d));
      switch (d.action()) {
        case COMMIT -> commitBoth();
        case RESTART -> {
          commitBoth();
          harness.restart();
        }
        case CRASH -> abort(false);
        case FATAL -> arm(FatalArm.NEXT_CALL);
        case FATAL_ON_DELETE -> arm(FatalArm.NEXT_DELETE_CALL);
        case TRANSIENT_BATCH ->
            harness.sink.failTransiently(Transient.BATCH, d.arg(), RETRY_MAX_ATTEMPTS - 1);
        case TRANSIENT_OBJECTS ->
            harness.sink.failTransiently(Transient.OBJECTS, d.arg(), RETRY_MAX_ATTEMPTS - 1);
        case FIX -> {
          model.fix(d.arg());
          harness.sink.fix(d.arg());
        }
      }
    }

    private void send(Send s) {
      step++;
      bySend.put(s.event().send(), s);
      records.incrementAndGet();
      var result = model.onEvent(s.event(), step);
      var actual = harness.pipe(s.record(), step);
      log.add(new Sent(step, s, result.verdict()));
      checkFatal(result.fatal(), actual);
    }

    private record Sent(int step, Send send, Verdict verdict) {
      @Override
      public String toString() {
        return "#"
            + step
            + " send "
            + send.event().send()
            + ": "
            + send.label()
            + " -> model: "
            + verdict.name().toLowerCase();
      }
    }

    private record Flushed(int step) {
      @Override
      public String toString() {
        return "#" + step + " FLUSH";
      }
    }

    private void arm(FatalArm arm) {
      model.armFatal(arm);
      harness.sink.armFatal(arm);
    }

    private void commitBoth() {
      harness.commit();
      committed = model.snapshot();
    }

    private void checkFatal(boolean expected, Exception actual) {
      if (expected != (actual != null)) {
        throw new AssertionError(
            report(
                expected
                    ? "at step #"
                        + step
                        + " the model expects the fatal sink error to stop the task (a Weaviate call was due), "
                        + "but the topology went on"
                    : "at step #"
                        + step
                        + " the topology stopped on a fatal sink error where the model makes no Weaviate call: "
                        + actual,
                List.of()));
      }
      if (actual != null) {
        abort(true);
      }
    }

    /** Abort to the last commit, start a new task, read the uncommitted records again. */
    private void abort(boolean fixCredentials) {
      if (fixCredentials) {
        fatals.incrementAndGet();
        model.disarmFatal();
        harness.sink.disarmFatal();
        log.add(
            "  -> the stream thread dies; abort to the last commit; credentials fixed; restart");
      } else {
        crashes.incrementAndGet();
      }
      model.restore(committed);
      List<TestRecord<byte[], byte[]>> again = harness.abortAndRestart();
      log.add("  -> re-reading " + again.size() + " uncommitted record(s)");
      for (var r : again) {
        send(bySend.get(TopologyHarness.send(r)));
      }
    }

    private void compare() {
      var actualWrites = new HashMap<String, List<Write>>();
      harness.sink.writes.forEach(
          w -> actualWrites.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w));
      var actualDead = new HashMap<String, List<Dead>>();
      for (var d : harness.deadLetters()) {
        actualDead
            .computeIfAbsent(d.id(), k -> new ArrayList<>())
            .add(new Dead(d.send(), d.id(), d.category()));
      }
      var diverging = new ArrayList<String>();
      for (int i = 0; i < episode.histories().size(); i++) {
        String id = id(i);
        if (!Objects.equals(model.weaviate(id), harness.weaviate(id))
            || !model.writes(id).equals(actualWrites.getOrDefault(id, List.of()))
            || !sorted(model.deadLetters(id))
                .equals(sorted(actualDead.getOrDefault(id, List.of())))) {
          diverging.add(id);
        }
      }
      if (!diverging.isEmpty()) {
        throw new AssertionError(
            report(
                diverging.size()
                    + " of "
                    + episode.histories().size()
                    + " ids end differently from the reference model",
                diverging));
      }
      if (model.stale() != harness.stats.stale() || model.repeated() != harness.stats.repeated()) {
        throw new AssertionError(
            report(
                "the counters differ from the model's: stale "
                    + harness.stats.stale()
                    + " (model "
                    + model.stale()
                    + "), repeated "
                    + harness.stats.repeated()
                    + " (model "
                    + model.repeated()
                    + ")",
                List.of()));
      }
    }

    private static List<Dead> sorted(List<Dead> dead) {
      return dead.stream()
          .sorted(Comparator.comparingInt(Dead::send).thenComparing(Dead::category))
          .toList();
    }

    private String report(String headline, List<String> ids) {
      var out =
          new StringBuilder(headline)
              .append(" (flush.max.records=")
              .append(episode.flushMaxRecords())
              .append(")\n");
      var actualWrites = new HashMap<String, List<Write>>();
      harness.sink.writes.forEach(
          w -> actualWrites.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w));
      for (String id : ids.subList(0, Math.min(3, ids.size()))) {
        String label = label(id);
        out.append("\n")
            .append(label)
            .append(" = ")
            .append(id)
            .append("; model state: ")
            .append(model.describe(id))
            .append("\n  Weaviate expected: ")
            .append(show(model.weaviate(id)))
            .append("\n  Weaviate actual:   ")
            .append(show(harness.weaviate(id)))
            .append("\n  writes expected: ")
            .append(model.writes(id))
            .append("\n  writes actual:   ")
            .append(actualWrites.getOrDefault(id, List.of()))
            .append("\n  dead letters expected: ")
            .append(sorted(model.deadLetters(id)))
            .append("\n  dead letters actual:   ")
            .append(
                sorted(
                    harness.deadLetters().stream()
                        .filter(d -> id.equals(d.id()))
                        .map(d -> new Dead(d.send(), d.id(), d.category()))
                        .toList()))
            .append("\n  history (steps of this id and episode-wide actions):");
        for (Object entry : log) {
          boolean mine = entry instanceof Sent sent && sent.send().event().id().equals(id);
          if (mine || entry instanceof String || log.size() <= 60) {
            out.append("\n    ").append(entry);
          }
        }
        out.append('\n');
      }
      return out.toString();
    }

    private static String show(Map<String, Object> props) {
      return props == null ? "absent" : "present " + props;
    }
  }

  // ---- scale and reporting -----------------------------------------------------------------

  /** Sets the number of tries from {@code model.cases}, quiets the logs, prints cases and time. */
  static final class Scale implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(
        PropertyLifecycleContext context, PropertyExecutor property) {
      context
          .attributes()
          .setTries((int) Math.max(1, (CASES + IDS_PER_EPISODE - 1) / IDS_PER_EPISODE));
      var quiet = new ArrayList<Map.Entry<Logger, Level>>();
      for (String name :
          List.of("dev.weaviatesync", "org.apache.kafka", "io.github.resilience4j")) {
        Level level = name.equals("org.apache.kafka") ? Level.OFF : Level.ERROR;
        Logger l = (Logger) LoggerFactory.getLogger(name);
        quiet.add(Map.entry(l, l.getLevel()));
        l.setLevel(level);
      }
      var threads = ManagementFactory.getThreadMXBean();
      long started = System.nanoTime();
      long cpuStarted = threads.getCurrentThreadCpuTime();
      try {
        return property.execute();
      } finally {
        quiet.forEach(e -> e.getKey().setLevel(e.getValue()));
        // Cases include the runs made while shrinking, if any.
        System.out.printf(
            "SyncModelTest: %,d cases (per-id histories) in %,d episodes, %,d records, %,d drivers, "
                + "%,d crashes, %,d fatal aborts; %.1f s (test thread CPU %.1f s)%n",
            cases.get(),
            episodes.get(),
            records.get(),
            drivers.get(),
            crashes.get(),
            fatals.get(),
            (System.nanoTime() - started) / 1e9,
            (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
        var lines = new java.util.TreeMap<>(coverage);
        System.out.println(
            "SyncModelTest: cases of the contract met (verdicts of the reference model):");
        lines.forEach((k, v) -> System.out.printf("  %,12d  %s%n", v, k));
      }
    }
  }
}
